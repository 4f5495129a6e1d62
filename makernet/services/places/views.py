"""Places and machines as plain data; a printer's key is never shown."""
from __future__ import annotations

from sqlmodel import select

from makernet.models import Machine, Place
from makernet.services.context import Context
from makernet.services.secrets import is_sealed, reveal
from printers.base import Capability, MachineConnection
from printers.registry import driver_info


def place_view(s: object, place: Place) -> dict:
    """A place, its conditions and machines, as plain data."""
    machines = s.exec(select(Machine).where(Machine.place_id == place.id, Machine.removed_at == None)  # noqa: E711
                      .order_by(Machine.id)).all()  # type: ignore[attr-defined]
    return {"id": place.id, "organisation_id": place.organisation_id, "name": place.name,
            "commune": place.commune, "departement": place.departement,
            "latitude": place.latitude, "longitude": place.longitude,
            "staff_available": place.staff_available, "opening_hours": place.opening_hours,
            "batch_limit": place.batch_limit, "hourly_value_cents": place.hourly_value_cents,
            "accepted_item_ids": place.accepted_item_ids, "auto_accept": place.auto_accept,
            "offline_policy": place.offline_policy, "site_worker": place.site_worker,
            "active": place.active, "machines": [machine_view(m) | {"active": m.active} for m in machines]}


BY_HAND = "by_hand"   # what a machine whose driver reads no state shows instead: its counts are reported by hand


def shown_state(machine: Machine) -> str:
    """A machine's state as pages and counts show it: `BY_HAND` for one whose driver reads none (never "unknown")."""
    return machine.state if can(machine, Capability.STATUS) else BY_HAND


def machine_view(machine: Machine) -> dict:
    """A machine as plain data; its secret settings (an API key) are never shown."""
    info = driver_info(machine.driver)
    return {"id": machine.id, "place_id": machine.place_id, "name": machine.name, "kind": machine.kind,
            "driver": machine.driver, "driver_label": info.label, "host": machine.host,
            "capabilities": sorted(c.value for c in info.capabilities),
            "settings": {k: v for k, v in (machine.driver_settings or {}).items() if k not in info.secret_settings},
            "printer_profile": machine.printer_profile, "clears_itself": machine.clears_itself,
            "bed_clear": machine.bed_clear, "state": shown_state(machine), "state_detail": machine.state_detail,
            "active": machine.active, "key_status": machine.key_status}


def can(machine: Machine, capability: Capability) -> bool:
    """Whether the machine's driver can do that (read its state, start plates, ask for a key...)."""
    return driver_info(machine.driver).can(capability)


def without_secrets(machine: Machine) -> dict:
    """A machine's driver settings without its secrets: whatever its driver keeps secret, or is sealed."""
    secret = {*driver_info(machine.driver).secret_settings, "api_key"}
    return {name: value for name, value in (machine.driver_settings or {}).items()
            if name not in secret and not is_sealed(value)}


def connection_of(ctx: Context, machine: Machine, *, keys: bool = True) -> MachineConnection:
    """How its driver reaches the machine, secret settings revealed: only for a task message or a call.
    Without `keys`, secret settings are left out: for a place's own worker, which keeps its printers' keys."""
    stored = (machine.driver_settings or {}) if keys else without_secrets(machine)
    settings = {name: reveal(ctx, value) or "" for name, value in stored.items()}
    return MachineConnection(machine.driver, machine.host, settings.get("api_key") or None,
                             ctx.settings.printer_timeout, settings)


def connection_message(ctx: Context, machine: Machine, *, keys: bool = True) -> dict:
    """A machine's connection as plain values for a worker; for a place's own worker (`keys=False`),
    without the printer's secrets, which stay at the place."""
    conn = connection_of(ctx, machine, keys=keys)
    return {"machine_id": machine.id, "driver": conn.driver, "url": conn.url, "api_key": conn.api_key,
            "timeout": conn.timeout, "settings": dict(conn.settings)}
