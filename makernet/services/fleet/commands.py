"""Connecting a printer through its host (OctoPrint, Klipper's Moonraker, PrusaLink), and taking one out of its place.

The operator names the host and gives its address. A host that hands out keys (Capability.ONBOARDING: OctoPrint's
Application Keys) is asked for one, the operator approves the request there, and the key is stored sealed in the
machine's driver settings, never shown again; or the operator types a key created on the host, sealed the same
way: the only way with Moonraker and PrusaLink, which have no approval flow (a Moonraker that trusts MakerNet's
address needs no key).
The asking is done by the place's own worker when it has one, so a printer behind the place's NAT can be
connected too; such a place keeps its keys on its own machine, so a typed key is refused here.
"""
from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlmodel import Session, select

from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import AuditEntry, Job, Machine, Place
from makernet.models.base import utcnow
from makernet.services.access import Actor, own_machine, own_place
from makernet.services.context import Context, place_queue
from makernet.services.fleet.queries import known_profiles
from makernet.services.places.views import machine_view, without_secrets
from makernet.services.printer_io import require_printer_network
from makernet.services.production.operations import ACTIVE, hand_over_plates
from makernet.services.secrets import seal
from printers.base import AddressRefused, Capability, PrinterError, host_address
from printers.registry import DriverInfo, driver_info, drivers_that, host_drivers
from makernet.services.fleet.views import RemovedMachine
from makernet.services.places.views import MachineView

APPROVAL_WINDOW = 600.0  # seconds the operator has to approve the request on the printer's host


def _checked_url(ctx: Context, url: str, label: str) -> str:
    """A bare http(s)://host[:port] in the installation's printer networks (resolving its name: no transaction open)."""
    try:
        address = host_address(url)
    except AddressRefused as refused:
        raise InvalidInput("fleet.url_not_bare" if refused.beyond_host else "fleet.url_invalid",
                           field="url", host=label) from None
    require_printer_network(address, ctx.settings.printer_networks)
    return address


def _host_driver(name: str | None) -> DriverInfo:
    """The driver of a printer host (the first that hands out keys, OctoPrint, when none is named)."""
    name = name or drivers_that(Capability.ONBOARDING)[0]
    try:
        info = driver_info(name)
    except PrinterError:
        info = None
    if info is None or not info.at_an_address:
        raise InvalidInput("fleet.driver_unknown", field="driver", value=name, allowed=host_drivers())
    return info


def _endpoint(url: str) -> tuple[str, int | None]:
    """An address's host (lower case) and port (the scheme's when none is written)."""
    parts = urlsplit(url if "//" in url else f"//{url}")
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(parts.scheme)


def _refuse_own_address(ctx: Context, url: str, server_addresses: tuple[str, ...]) -> None:
    """Refuse MakerNet's own web address (the one a request came to, the public one, the one it listens on)."""
    host, port = _endpoint(url)
    listening = () if ctx.settings.host in ("0.0.0.0", "::", "") else (f"http://{ctx.settings.host}:{ctx.settings.port}",)
    for own in (*server_addresses, ctx.settings.public_url, *listening):
        own_host, own_port = _endpoint(own) if own else ("", None)
        if own_host == host and (own_port == port or own_port is None):
            raise InvalidInput("fleet.address_is_makernet", field="url", address=f"{host}:{port}")


KEY = re.compile(r"[A-Za-z0-9_.~+/=-]{8,200}")   # an application or API key as hosts write them


def connect_printer(ctx: Context, actor: Actor, place_id: int, *, name: str, url: str, printer_profile: str,
                    user: str | None = None, clears_itself: bool = False, driver: str | None = None,
                    api_key: str | None = None, server_addresses: tuple[str, ...] = ()) -> MachineView:
    """Register a printer of one of the actor's places and ask its host for a key (or store the one typed)."""
    actor.require("operator")
    info = _host_driver(driver)
    url = _checked_url(ctx, url, info.label)
    _refuse_own_address(ctx, url, server_addresses)
    if not name.strip():
        raise InvalidInput("fleet.name_required", field="name")
    if not printer_profile.strip():
        raise InvalidInput("fleet.profile_required", field="printer_profile")
    api_key = (api_key or "").strip() or None
    if api_key is not None and not KEY.fullmatch(api_key):
        raise InvalidInput("fleet.key_invalid", field="api_key")
    with ctx.db.transaction() as tx:
        s = tx.session
        place = own_place(s, actor, place_id)
        if printer_profile.strip() not in known_profiles(s):
            raise InvalidInput("fleet.profile_unknown", field="printer_profile", value=printer_profile.strip(),
                               allowed=known_profiles(s) or ["—"])
        if api_key is not None and place.site_worker:
            raise InvalidInput("fleet.key_kept_at_place", field="api_key", place=place.name)
        asks = api_key is None and info.can(Capability.ONBOARDING)
        if api_key is None and not asks and info.needs_key and not place.site_worker:
            raise InvalidInput("fleet.key_required", field="api_key", host=info.label)
        if s.exec(select(Machine.id).where(Machine.place_id == place.id, Machine.host == url,
                                           Machine.removed_at == None)).first():  # noqa: E711
            raise Conflict("fleet.address_taken")
        machine = Machine(place_id=place.id, name=name.strip(), kind="fdm_printer", driver=info.name,
                          host=url, printer_profile=printer_profile.strip(), clears_itself=clears_itself,
                          active=False, key_status="awaiting", state_detail="fleet.awaiting_approval")
        if api_key is not None:
            machine.driver_settings, machine.key_status, machine.active = {"api_key": seal(ctx, api_key)}, "stored", True
            machine.state_detail = "fleet.key_stored"
        elif not asks:   # a host with no approval flow: its place's worker keeps the key, or it needs none
            machine.key_status, machine.active = ("missing", True) if place.site_worker else ("none", True)
            machine.state_detail = "fleet.key_typed_at_place" if place.site_worker else "fleet.no_key_needed"
        s.add(machine)
        s.flush()
        if asks:
            _ask_for_key(ctx, tx, machine, place.site_worker, user)
        return machine_view(machine)


def remove_machine(ctx: Context, actor: Actor, machine_id: int) -> RemovedMachine:
    """Take a printer out of its place for good (its operator, or a coordinator of its territory).

    Kept in the database, hidden, never read nor started again: its plates' history still names it. Its
    waiting plates go to the place's other printers of the same profile (`plates_moved`: how many, `moved_to`: to
    which printers, by name); its sealed key is deleted."""
    with ctx.db.transaction() as tx:
        s = tx.session
        machine = _removable(s, actor, machine_id)
        if s.exec(select(Job.id).where(Job.machine_id == machine.id, Job.status.in_(ACTIVE))).first():  # type: ignore[attr-defined]
            raise Conflict("fleet.machine_printing", machine=machine.name)
        taken = hand_over_plates(s, machine)
        moved_to = sorted({s.get(Machine, target).name for target in taken.values()})
        s.execute(update(Machine).where(Machine.id == machine.id, Machine.removed_at == None).values(  # noqa: E711
            removed_at=utcnow(), active=False, driver_settings=without_secrets(machine), key_status="missing",
            state_detail=""))
        s.add(AuditEntry(entity="machine", entity_id=machine.id, from_state="active" if machine.active else "inactive",
                         to_state="removed", user_id=actor.user_id, note=f"{machine.name} removed"))
        s.flush()
        s.refresh(machine)
        return machine_view(machine) | {"removed": True, "plates_moved": len(taken), "moved_to": moved_to}


def _removable(s: Session, actor: Actor, machine_id: int) -> Machine:
    """A machine still in its place, of the operator's own places or of a coordinator's territory."""
    actor.require("operator", "coordinator")
    machine = s.get(Machine, machine_id)
    place = s.get(Place, machine.place_id) if machine is not None else None
    if place is None or machine.removed_at is not None or not (
            actor.sees_departement(place.departement)
            or (actor.role == "operator" and place.organisation_id == actor.organisation_id)):
        raise NotFound("machine.not_found", id=machine_id)
    return machine


def request_new_key(ctx: Context, actor: Actor, machine_id: int, user: str | None = None) -> MachineView:
    """Ask the printer's host for a new key (the old one was revoked, or refused)."""
    actor.require("operator")
    with ctx.db.reading() as s:
        host = own_machine(s, actor, machine_id).host
    if host:  # checked again: the networks may have changed since it was connected
        require_printer_network(host, ctx.settings.printer_networks)
    with ctx.db.transaction() as tx:
        machine = own_machine(tx.session, actor, machine_id)
        info = driver_info(machine.driver)
        if not info.can(Capability.ONBOARDING):
            raise Conflict("fleet.no_key_to_ask", machine=machine.name, host=info.label)
        machine.key_status, machine.state_detail = "awaiting", "fleet.awaiting_approval"
        _ask_for_key(ctx, tx, machine, tx.session.get(Place, machine.place_id).site_worker, user)
        return machine_view(machine)


def _ask_for_key(ctx: Context, tx: object, machine: Machine, remote: bool, user: str | None) -> None:
    """Post the first step of the key request, after commit, to the place's worker or a central one."""
    payload = {"machine_id": machine.id, "driver": machine.driver, "url": machine.host, "user": user,
               "app_token": None,
               "deadline": time.time() + APPROVAL_WINDOW, "timeout": ctx.settings.printer_timeout,
               "queue": place_queue(machine.place_id) if remote else None}
    tx.after_commit(lambda: ctx.tasks.enqueue("onboard_printer", payload, queue=payload["queue"]))  # type: ignore[attr-defined]
