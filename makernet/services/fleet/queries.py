"""Printers as they are read from their hosts: a connection test, the printers central workers follow, the codes
of their usual failures; the printer profiles a printer may have."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import case, func
from sqlmodel import Session, select

from makernet.models import Job, Machine, Place, PlateLayout
from makernet.services.access import Actor, own_machine, territory_scope
from makernet.services.context import Context
from makernet.services.place_keys import NO_KEY_REASON
from makernet.services.printer_io import (EXPIRED, OUTSIDE, check_connection, require_printer_network,
                                          split_by_networks)
from makernet.services.places.views import BY_HAND, can, connection_of, shown_state
from printers.base import (KEY_REFUSED, KEY_REQUEST_REFUSED, NO_APP_KEYS, NOT_THE_HOST, UNREACHABLE, Capability,
                           MachineConnection)
from printers.registry import driver_info, drivers_that, host_drivers
from makernet.services.fleet.views import ConnectionTest

# the usual failures' codes, worded for pages in makernet/messages/fleet.py; any other is shown as its host said it
FAILURES = {UNREACHABLE: "fleet.unreachable", KEY_REFUSED: "fleet.key_refused", NO_APP_KEYS: "fleet.no_app_keys",
            KEY_REQUEST_REFUSED: "fleet.key_request_refused", NOT_THE_HOST: "fleet.not_the_host",
            OUTSIDE: "fleet.outside_networks", EXPIRED: "fleet.key_request_expired", NO_KEY_REASON: "fleet.no_key_at_place"}


def failure_detail(reason: str | None, said: str | None) -> str:
    """A printer's state detail: the code of a usual failure, else what its host said."""
    return FAILURES.get(reason or "", said or "")[:300]


def printer_hosts() -> list[tuple[str, str]]:
    """The hosts a printer can be connected through, as (driver, label), the one that hands out keys first."""
    asks = drivers_that(Capability.ONBOARDING)
    return sorted(((name, driver_info(name).label) for name in host_drivers()), key=lambda h: (h[0] not in asks, h[1]))


def printer_profiles(ctx: Context) -> list[str]:
    """The printer profiles the catalogue has plates for: the only ones a printer can get work with."""
    with ctx.db.reading() as s:
        return known_profiles(s)


def known_profiles(s: Session) -> list[str]:
    """The printer profiles of the catalogue's plates, in order."""
    return sorted(set(s.exec(select(PlateLayout.printer_profile)).all()))


def test_connection(ctx: Context, actor: Actor, machine_id: int) -> ConnectionTest:
    """Ask the printer's host directly what it is and what it is doing."""
    with ctx.db.reading() as s:
        machine = own_machine(s, actor, machine_id)
        if not can(machine, Capability.STATUS):
            return {"reachable": True, "version": None, "detail": "manual work centre: nothing to connect to",
                    "status": None}
        if s.get(Place, machine.place_id).site_worker:
            # its last reading, as the place's worker reported it (`state` and `read_at` for pages to word)
            read_at = machine.state_checked_at.isoformat() if machine.state_checked_at else None
            return {"reachable": machine.state not in ("offline", "error"), "version": None, "status": None,
                    "detail": f"read by the place's own worker: {machine.state} ({machine.state_detail}), "
                              f"last at {machine.state_checked_at}", "state": machine.state, "read_at": read_at,
                    "code": machine.state_detail if machine.state_detail.startswith("fleet.") else None}
        conn, awaiting = connection_of(ctx, machine), machine.key_status == "awaiting"
        host = driver_info(machine.driver).label
    # resolved and checked now, outside the transaction: the networks or the name's addresses may have changed
    require_printer_network(conn.url or "", ctx.settings.printer_networks)
    found = check_connection(conn)
    code = FAILURES.get(found.get("reason") or "")
    if awaiting and code == "fleet.key_refused":
        # no key yet, so the host refuses MakerNet: the request waits for approval, asking again would not help
        code = "fleet.key_not_yet"
    return found | {"code": code, "host": host}


def central_printers(ctx: Context) -> dict[int, MachineConnection]:
    """Active printers with push events that central workers reach directly (not behind a place's worker),
    those outside the printer networks left out (their polls say why)."""
    with ctx.db.reading() as s:
        rows = s.exec(select(Machine).join(Place, Place.id == Machine.place_id).where(
            Machine.active == True, Machine.driver.in_(drivers_that(Capability.PUSH)),  # type: ignore[attr-defined]  # noqa: E712
            Place.site_worker == False)).all()  # noqa: E712
        connections = [(m.id, connection_of(ctx, m)) for m in rows]
    return dict(split_by_networks(connections, ctx.settings.printer_networks)[0])


SHOWN = 50          # machines the territory's table lists: those needing a look first, then those at work
ACTIVE_JOBS = ("dispatching", "printing")
NEEDS_A_LOOK = ("error", "offline", "unknown", "paused", "pausing", "cancelling", "connecting")
AT_WORK = ("printing", "starting", "finishing")


def territory_printers(ctx: Context, actor: Actor) -> dict:
    """The machines of the actor's territory: how many in each state (counted in the database, one whose counts
    are reported by hand as "by_hand", never as a printer in an unknown state), and a table of at most `SHOWN` of
    them, those needing a look first, then those at work, with the progress of what runs on them."""
    actor.require("coordinator")
    scope = territory_scope(actor)
    reading = drivers_that(Capability.STATUS)
    in_territory = (Machine.active == True) & (True if scope is None else Place.departement.in_(scope))  # type: ignore[attr-defined]  # noqa: E712
    with ctx.db.reading() as s:
        counts: dict[str, int] = defaultdict(int)
        for driver, state, n in s.exec(select(Machine.driver, Machine.state, func.count()).join(
                Place, Place.id == Machine.place_id).where(in_territory).group_by(Machine.driver, Machine.state)).all():
            counts[state if driver in reading else BY_HAND] += n
        rank = case((Machine.driver.not_in(reading), 3), (Machine.state.in_(NEEDS_A_LOOK), 0),  # type: ignore[attr-defined]
                    (Machine.state.in_(AT_WORK), 1), else_=2)  # type: ignore[attr-defined]
        rows = s.exec(select(Machine, Place.name).join(Place, Place.id == Machine.place_id).where(in_territory)
                      .order_by(rank, Place.name, Machine.name).limit(SHOWN)).all()
        running = {job.machine_id: job for job in s.exec(select(Job).where(
            Job.machine_id.in_([m.id for m, _ in rows]), Job.status.in_(ACTIVE_JOBS))).all()}  # type: ignore[attr-defined]
        machines = [{"id": m.id, "name": m.name, "kind": m.kind, "place": place, "state": shown_state(m),
                     "state_detail": m.state_detail, "bed_clear": m.bed_clear,
                     "job_id": running[m.id].id if m.id in running else None,
                     "progress": running[m.id].progress if m.id in running else None} for m, place in rows]
    return {"machines": machines, "counts": dict(sorted(counts.items())), "total": sum(counts.values())}
