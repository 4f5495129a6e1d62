"""Connecting a printer: OctoPrint's Application Keys flow, the sealed key, and "test connection".

The operator gives the printer's OctoPrint address; MakerNet asks OctoPrint for a key,
the operator approves the request in OctoPrint, and the key is stored sealed, never
shown again. The asking is done by the place's own worker when it has one, so a
printer behind the place's NAT can be connected too.
"""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from sqlmodel import select

from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import Machine, Place
from makernet.services.access import Actor, own_machine
from makernet.services.context import Context, place_queue
from makernet.services.places.views import machine_view

APPROVAL_WINDOW = 600.0  # seconds the operator has to approve the request in OctoPrint


def _checked_url(url: str) -> str:
    """An http(s) address with a host, without a trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("Give the printer's OctoPrint address, e.g. http://192.168.1.20:5000.", field="url")
    return url.strip().rstrip("/")


def connect_printer(ctx: Context, actor: Actor, place_id: int, *, name: str, url: str, printer_profile: str,
                    user: str | None = None, clears_itself: bool = False) -> dict:
    """Register a printer of one of the actor's places and ask its OctoPrint for a key."""
    actor.require("operator")
    url = _checked_url(url)
    if not name.strip():
        raise InvalidInput("Give the printer a name.", field="name")
    if not printer_profile.strip():
        raise InvalidInput("Give the printer's profile (the plate layouts it can print).", field="printer_profile")
    with ctx.db.transaction() as tx:
        s = tx.session
        place = s.get(Place, place_id)
        if place is None or (actor.role != "admin" and place.organisation_id != actor.organisation_id):
            raise NotFound(f"Place {place_id} not found.")
        if s.exec(select(Machine.id).where(Machine.place_id == place.id, Machine.octoprint_url == url)).first():
            raise Conflict("This place already has a printer at that address.")
        machine = Machine(place_id=place.id, name=name.strip(), kind="fdm_printer", driver="octoprint",
                          octoprint_url=url, printer_profile=printer_profile.strip(), clears_itself=clears_itself,
                          active=False, key_status="awaiting", state_detail="waiting for approval in OctoPrint")
        s.add(machine)
        s.flush()
        _ask_for_key(ctx, tx, machine, place.site_worker, user)
        return machine_view(machine)


def request_new_key(ctx: Context, actor: Actor, machine_id: int, user: str | None = None) -> dict:
    """Ask the printer's OctoPrint for a new key (the old one was revoked, or refused)."""
    actor.require("operator")
    with ctx.db.transaction() as tx:
        machine = own_machine(tx.session, actor, machine_id)
        if machine.driver != "octoprint":
            raise Conflict("Only OctoPrint printers have a key.")
        machine.key_status, machine.state_detail = "awaiting", "waiting for approval in OctoPrint"
        _ask_for_key(ctx, tx, machine, tx.session.get(Place, machine.place_id).site_worker, user)
        return machine_view(machine)


def _ask_for_key(ctx: Context, tx: object, machine: Machine, remote: bool, user: str | None) -> None:
    """Post the first step of the key request, after commit, to the place's worker or a central one."""
    payload = {"machine_id": machine.id, "url": machine.octoprint_url, "user": user, "app_token": None,
               "deadline": time.time() + APPROVAL_WINDOW, "timeout": ctx.settings.printer_timeout,
               "queue": place_queue(machine.place_id) if remote else None}
    tx.after_commit(lambda: ctx.tasks.enqueue("onboard_printer", payload, queue=payload["queue"]))  # type: ignore[attr-defined]
