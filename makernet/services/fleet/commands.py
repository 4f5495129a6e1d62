"""Connecting a printer whose host hands out keys (Capability.ONBOARDING: OctoPrint's Application Keys).

The operator gives the printer host's address; MakerNet asks the host for a key, the
operator approves the request there, and the key is stored sealed in the machine's
driver settings, never shown again. The asking is done by the place's own worker when it has one, so a
printer behind the place's NAT can be connected too.
"""
from __future__ import annotations

import time

from sqlmodel import select

from makernet.errors import Conflict, InvalidInput
from makernet.models import Machine, Place
from makernet.services.access import Actor, own_machine, own_place
from makernet.services.context import Context, place_queue
from makernet.services.places.views import machine_view
from makernet.services.printer_io import require_printer_network
from printers.base import AddressRefused, Capability, PrinterError, host_address
from printers.registry import DriverInfo, driver_info, drivers_that

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


def _onboarding_driver(name: str | None) -> DriverInfo:
    """A driver whose host hands out keys (the first registered, when none is named): the way printers
    are connected here."""
    name = name or drivers_that(Capability.ONBOARDING)[0]
    try:
        info = driver_info(name)
    except PrinterError:
        info = None
    if info is None or not info.can(Capability.ONBOARDING):
        raise InvalidInput("fleet.driver_unknown", field="driver", value=name,
                           allowed=drivers_that(Capability.ONBOARDING))
    return info


def connect_printer(ctx: Context, actor: Actor, place_id: int, *, name: str, url: str, printer_profile: str,
                    user: str | None = None, clears_itself: bool = False, driver: str | None = None) -> dict:
    """Register a printer of one of the actor's places and ask its host for a key."""
    actor.require("operator")
    info = _onboarding_driver(driver)
    url = _checked_url(ctx, url, info.label)
    if not name.strip():
        raise InvalidInput("fleet.name_required", field="name")
    if not printer_profile.strip():
        raise InvalidInput("fleet.profile_required", field="printer_profile")
    with ctx.db.transaction() as tx:
        s = tx.session
        place = own_place(s, actor, place_id)
        if s.exec(select(Machine.id).where(Machine.place_id == place.id, Machine.host == url)).first():
            raise Conflict("fleet.address_taken")
        machine = Machine(place_id=place.id, name=name.strip(), kind="fdm_printer", driver=info.name,
                          host=url, printer_profile=printer_profile.strip(), clears_itself=clears_itself,
                          active=False, key_status="awaiting", state_detail=f"waiting for approval in {info.label}")
        s.add(machine)
        s.flush()
        _ask_for_key(ctx, tx, machine, place.site_worker, user)
        return machine_view(machine)


def request_new_key(ctx: Context, actor: Actor, machine_id: int, user: str | None = None) -> dict:
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
        machine.key_status, machine.state_detail = "awaiting", f"waiting for approval in {info.label}"
        _ask_for_key(ctx, tx, machine, tx.session.get(Place, machine.place_id).site_worker, user)
        return machine_view(machine)


def _ask_for_key(ctx: Context, tx: object, machine: Machine, remote: bool, user: str | None) -> None:
    """Post the first step of the key request, after commit, to the place's worker or a central one."""
    payload = {"machine_id": machine.id, "driver": machine.driver, "url": machine.host, "user": user,
               "app_token": None,
               "deadline": time.time() + APPROVAL_WINDOW, "timeout": ctx.settings.printer_timeout,
               "queue": place_queue(machine.place_id) if remote else None}
    tx.after_commit(lambda: ctx.tasks.enqueue("onboard_printer", payload, queue=payload["queue"]))  # type: ignore[attr-defined]
