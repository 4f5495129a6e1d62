"""Places and machines as plain data; a printer's key is never shown."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from sqlmodel import select

from makernet.domain.transport import Runners
from makernet.models import Machine, Place
from makernet.services.context import Context
from makernet.services.secrets import is_sealed, reveal
from makernet.services.shapes import Departement, Id, TypedDict
from printers.base import Capability, MachineConnection, PrinterState
from printers.registry import driver_info


class MachineView(TypedDict):
    """A printer, laser cutter, sewing station or assembly bench; its key is never shown."""

    id: Annotated[Id, Field(description="the machine's id")]
    place_id: Annotated[Id, Field(description="the place it stands in")]
    name: Annotated[str, Field(description="its name at the place", examples=["Prusa 1"])]
    kind: Annotated[str, Field(description="fdm_printer, laser_cutter, sewing_station, assembly_bench…")]
    driver: Annotated[str, Field(description="how MakerNet reaches it: octoprint, manual…", examples=["octoprint"])]
    driver_label: Annotated[str, Field(description="the driver's name as pages show it")]
    host: Annotated[str | None, Field(description="its host's address; null for a manual work centre")]
    capabilities: Annotated[list[Capability], Field(description="what its driver can do")]
    settings: Annotated[dict[str, str], Field(description="its driver's other settings, secrets left out")]
    printer_profile: Annotated[str | None, Field(description="the printer profile its plates are sliced for")]
    clears_itself: Annotated[bool, Field(description="a belt printer or auto-ejecting bed: no bed clear asked")]
    bed_clear: Annotated[bool, Field(description="an operator confirmed the bed is empty: the next plate may start")]
    state: Annotated[PrinterState | Literal["by_hand"], Field(description=(
        "its printer's state as last read; by_hand for a machine whose counts are reported by hand"))]
    state_detail: Annotated[str, Field(description="what its host said, or the code of a usual failure")]
    active: Annotated[bool, Field(description="it takes work")]
    key_status: Annotated[Literal["awaiting", "stored", "refused", "missing", "none"], Field(description=(
        "its printer key: awaiting approval on the host, stored, refused, missing, or none (a host that trusts "
        "MakerNet's address)"))]


class PlaceView(TypedDict):
    """A fab-lab or workshop, its stated conditions and its machines."""

    id: Annotated[Id, Field(description="the place's id")]
    organisation_id: Annotated[Id, Field(description="the organisation that runs it")]
    name: Annotated[str, Field(description="its name", examples=["FabLab La Rochelle"])]
    commune: Annotated[str, Field(description="its commune", examples=["La Rochelle"])]
    departement: Departement
    latitude: Annotated[float | None, Field(description="where it is (WGS 84), when known")]
    longitude: Annotated[float | None, Field(description="where it is (WGS 84), when known")]
    staff_available: Annotated[int, Field(description="how many people work there")]
    opening_hours: Annotated[dict[str, list[list[str]]], Field(description=(
        "when it works, by day: {\"mon\": [[\"09:00\", \"18:00\"]]}"))]
    batch_limit: Annotated[int | None, Field(description="most units it accepts in one work order; null: no limit")]
    hourly_value_cents: Annotated[int, Field(description="the value of its time per hour, in cents")]
    accepted_item_ids: Annotated[list[int], Field(description="the items it makes; empty: all")]
    auto_accept: Annotated[bool, Field(description="it accepts the work proposed to it at once")]
    offline_policy: Annotated[str, Field(description=(
        "the plates of a printer gone offline: held for it (hold) or moved to the place's other printers (move)"))]
    site_worker: Annotated[bool, Field(description="it runs its own worker beside its printers, which keeps their keys")]
    runners: Annotated[int, Field(description=(
        "its volunteer runners (0 to 3): what is finished for a requester within their reach is delivered the "
        "same day; beyond, it is collected the next day within the département, or waits for the regional shuttle"),
        examples=[2])]
    runs_per_day: Annotated[int, Field(description="runs each runner makes a day (1 or 2)", examples=[1])]
    run_hours: Annotated[float, Field(description="hours a run may last (0.5 to 3)", examples=[3.0])]
    vehicle: Annotated[Literal["bike", "car"], Field(description=(
        "what the runners ride: bike (a cargo bike, about 10 km around the place, 200 units a run) or car (about "
        "40 km, 600 units)"))]
    delivery_radius_km: Annotated[float | None, Field(description=(
        "how far from the place the runners deliver, in km; null: the vehicle's reach"), examples=[8.0])]
    run_load: Annotated[int | None, Field(description="units one run carries; null: the vehicle's load")]
    delivery_reach_km: Annotated[float, Field(description=(
        "how far from the place the runners deliver: the radius given, else the vehicle's; 0 without runners"),
        examples=[10.0])]
    active: Annotated[bool, Field(description="it takes work")]
    machines: Annotated[list[MachineView], Field(description="its machines, taken-out ones left out")]


class PlaceChanged(PlaceView):
    """A place after its operator set its conditions, and which of them changed."""

    changed: Annotated[list[str], Field(description="the conditions that changed, by name; empty: none",
                                        examples=[["runners", "vehicle"]])]


def place_view(s: object, place: Place) -> PlaceView:
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
            "runners": place.runners, "runs_per_day": place.runs_per_day, "run_hours": place.run_hours,
            "vehicle": place.vehicle, "delivery_radius_km": place.delivery_radius_km, "run_load": place.run_load,
            "delivery_reach_km": runners_of(place).reach_km,
            "active": place.active, "machines": [machine_view(m) for m in machines]}


def runners_of(place: Place) -> Runners:
    """A place's volunteer runners, as the transport rules read them."""
    return Runners(place.runners, place.runs_per_day, place.run_hours, place.vehicle, place.delivery_radius_km,
                   place.run_load)


BY_HAND = "by_hand"   # what a machine whose driver reads no state shows instead: its counts are reported by hand


def shown_state(machine: Machine) -> str:
    """A machine's state as pages and counts show it: `BY_HAND` for one whose driver reads none (never "unknown")."""
    return machine.state if can(machine, Capability.STATUS) else BY_HAND


def machine_view(machine: Machine) -> MachineView:
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
