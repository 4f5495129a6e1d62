"""A free printer takes the next plate waiting behind a busy printer of its place and profile, rather than stand
idle while that plate waits; a printer offline keeps its plates, as its place's offline policy decides."""
from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest

from sqlalchemy import update
from sqlmodel import select

from makernet import demo
from makernet.models import AuditEntry, Job, Machine, Place
from makernet.services import fleet, production
from makernet.services.production import operations
from makernet.services.secrets import seal
from printers.base import PrinterState
from tests.support.api import COORDINATOR, OPERATOR
from tests.support.fakes import PRINTERS, FakePrinter
from tests.support.pages import Pages, text_of
from tests.unit.test_production import accepted_order, jobs


def test_a_printer_cleared_by_hand_takes_the_next_plate_waiting_behind_a_busy_printer(  # noqa: ANN001
        app, api, client) -> None:
    order = accepted_order(api, quantity=60)   # six plates on the fab-lab's four printers, printed by hand
    plates = lambda: api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)  # noqa: E731
    waiting = sorted((p for p in plates() if p["status"] == "queued"), key=lambda p: p["sequence"])
    assert waiting and all(p["status"] == "printing" for p in plates() if p not in waiting)
    free = next(p for p in plates() if p["status"] == "printing"
                and all(w["machine_id"] != p["machine_id"] for w in waiting))   # a printer with nothing behind
    api.ok("post", f"/jobs/{free['id']}/report", OPERATOR, json={"units_made": free["units"]})

    cleared = api.ok("post", f"/machines/{free['machine_id']}/bed-clear", OPERATOR)

    taken = next(p for p in plates() if p["id"] == waiting[0]["id"])   # the first in the making order
    names = {m["id"]: m["name"] for p in api.ok("get", "/places", COORDINATOR) for m in p["machines"]}
    assert (cleared["dispatched_job_id"], cleared["taken_from"]) == (taken["id"], names[waiting[0]["machine_id"]])
    assert (taken["machine_id"], taken["status"]) == (free["machine_id"], "printing")
    assert sum(p["units"] for p in plates()) == 60   # moved, not copied
    with app.extensions["makernet"].db.reading() as s:
        notes = s.exec(select(AuditEntry.note).where(
            AuditEntry.entity == "job", AuditEntry.entity_id == taken["id"], AuditEntry.to_state == "queued",
            AuditEntry.from_state == "queued"))
        assert list(notes) == [f"taken over by free machine {free['machine_id']} from busy machine "
                               f"{waiting[0]['machine_id']}"]

    # the next printer with nothing behind, cleared from its queue page: the operator is told where it came from
    other = next(p for p in plates() if p["status"] == "printing" and p["machine_id"] != free["machine_id"]
                 and all(w["machine_id"] != p["machine_id"] for w in plates() if w["status"] == "queued"))
    api.ok("post", f"/jobs/{other['id']}/report", OPERATOR, json={"units_made": other["units"]})
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    pages.get(f"/places/{order['place_id']}/queue")
    cleared = pages.post(f"/machines/{other['machine_id']}/bed-clear", follow_redirects=True)
    page = text_of(cleared.get_data(as_text=True))
    assert (f"Plateau libre sur {names[other['machine_id']]}. Plateau n° {waiting[1]['id']} envoyé : il attendait "
            f"derrière {names[waiting[1]['machine_id']]}, occupée.") in page


@pytest.fixture
def two_printers(app, api) -> Iterator[tuple[FakePrinter, FakePrinter, int, int]]:  # noqa: ANN001
    """The fab-lab's two networked printers, the second one a belt printer that clears its own bed, and an
    order of three plates: two on the first, one on the second, each printer with its first plate printing."""
    ctx = app.extensions["makernet"]
    PRINTERS["fake://p1"], PRINTERS["fake://p2"] = FakePrinter(), FakePrinter()
    for url in ("fake://p1", "fake://p2"):
        demo.load(ctx.db, octoprint_url=url, api_key="key", seal=partial(seal, ctx))
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Machine).where(Machine.host.like("fake://%")).values(driver="fake"))
        tx.session.execute(update(Machine).where(Machine.host == "fake://p2").values(clears_itself=True))
        first, second = sorted(tx.session.exec(select(Machine.id).where(Machine.host.like("fake://%"))).all())
    accepted_order(api, quantity=30)
    for job in jobs(app):
        if job.status == "dispatching":
            assert production.dispatch_job(ctx, job.id) == "printing"
    ctx.tasks.take("dispatch_job")
    yield PRINTERS["fake://p1"], PRINTERS["fake://p2"], first, second
    del PRINTERS["fake://p1"], PRINTERS["fake://p2"]


def test_a_printer_that_finished_takes_at_its_next_reading_a_plate_behind_a_printing_one(  # noqa: ANN001
        app, two_printers) -> None:
    ctx = app.extensions["makernet"]
    _, belt, first, second = two_printers
    on = {m: [j for j in jobs(app) if j.machine_id == m] for m in (first, second)}
    assert [[j.status for j in on[first]], [j.status for j in on[second]]] == [["printing", "queued"], ["printing"]]
    belt.finish()

    fleet.poll_machines(ctx, [second])

    behind = next(j for j in jobs(app) if j.id == on[first][1].id)
    assert (behind.machine_id, behind.status) == (second, "dispatching")
    assert ctx.tasks.take("dispatch_job") == [(behind.id,)]
    assert production.dispatch_job(ctx, behind.id) == "printing" and belt.uploads[-1] == behind.upload_name


def test_plates_of_a_printer_offline_or_of_another_profile_are_not_taken(app, two_printers) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    printer, belt, first, second = two_printers
    behind = next(j for j in jobs(app) if j.machine_id == first and j.status == "queued")
    # the first printer goes offline mid-print: its place holds its plates for it (the default policy)
    printer.state, printer.raw_state = PrinterState.OFFLINE, "unreachable"
    fleet.poll_machines(ctx, [first])
    belt.finish()
    fleet.poll_machines(ctx, [second])
    assert next(j for j in jobs(app) if j.id == behind.id).machine_id == first
    with ctx.db.reading() as s:
        assert s.exec(select(Place.offline_policy).where(Place.name == "FabLab La Rochelle")).one() == "hold"

    # back and printing: a free printer of another profile does not take its plate either
    printer.state, printer.raw_state = PrinterState.PRINTING, "Printing"
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Machine).where(Machine.id == second).values(printer_profile="voron-2.4"))
    fleet.poll_machines(ctx, [first, second])
    assert next(j for j in jobs(app) if j.id == behind.id).machine_id == first
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Machine).where(Machine.id == second).values(printer_profile="prusa-mk3"))
    fleet.poll_machines(ctx, [second])
    assert next(j for j in jobs(app) if j.id == behind.id).machine_id == second   # the same profile does


def test_a_plate_another_claimer_took_meanwhile_is_not_taken_twice(app, two_printers) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    _, _, first, second = two_printers
    with ctx.db.transaction() as tx:   # the second printer's bed just cleared
        tx.session.execute(update(Machine).where(Machine.id == second).values(bed_clear=True))
        chosen = operations.waiting_behind(tx.session, second)
        assert chosen is not None and chosen.machine_id == first
        # between the choice and the move, its own printer claimed it
        tx.session.execute(update(Job).where(Job.id == chosen.id).values(status="dispatching"))
        assert operations.take_over(tx.session, chosen, second) is False
    assert next(j for j in jobs(app) if j.id == chosen.id).machine_id == first
