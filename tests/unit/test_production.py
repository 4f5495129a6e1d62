"""Plates from claim to completion, with a scripted printer at the driver boundary."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from makernet import demo
from makernet.models import Job, Machine, StockEntry
from makernet.models.base import utcnow
from makernet.services import production
from printers.base import AmbiguousOutcome, PrinterState, PrinterUnreachable
from tests.support.api import COORDINATOR, OPERATOR, REQUESTER, ApiClient
from tests.support.fakes import PRINTERS, FakePrinter


@pytest.fixture
def printer(app):  # noqa: ANN001, ANN201
    """A scripted printer attached to the demo fab-lab, as its only active printer."""
    ctx = app.extensions["makernet"]
    PRINTERS["fake://p1"] = FakePrinter()
    demo.load(ctx.db, octoprint_url="fake://p1", api_key="key")
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Machine).where(Machine.octoprint_url == "fake://p1").values(driver="fake"))
    yield PRINTERS["fake://p1"]
    del PRINTERS["fake://p1"]


def accepted_order(api: ApiClient, quantity: int = 20) -> dict:
    """A 20-visor request allocated to and accepted by the fab-lab."""
    visor = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    request = api.ok("post", "/requests", REQUESTER, json={
        "needed_by": (date.today() + timedelta(days=7)).isoformat(), "delivery_point": "Mairie",
        "lines": [{"item_id": visor["id"], "quantity": quantity}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    place = next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "FabLab La Rochelle")
    order = api.ok("post", "/work-orders", COORDINATOR, json={
        "request_line_id": request["lines"][0]["id"], "place_id": place["id"], "quantity": quantity})
    return api.ok("post", f"/work-orders/{order['id']}/accept", OPERATOR, json={})


def jobs(app) -> list[Job]:  # noqa: ANN001
    with app.extensions["makernet"].db.reading() as s:
        return list(s.exec(select(Job).order_by(Job.id)).all())


def consumption(app) -> list[tuple[int | None, int]]:  # noqa: ANN001
    with app.extensions["makernet"].db.reading() as s:
        return [(e.job_id, e.quantity) for e in s.exec(select(StockEntry).where(StockEntry.kind == "consumption"))]


def machine_id(app) -> int:  # noqa: ANN001
    return jobs(app)[0].machine_id


def test_accepting_work_claims_the_first_plate_and_posts_one_dispatch(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    first, second = jobs(app)
    assert (first.status, second.status) == ("dispatching", "queued")
    assert app.extensions["makernet"].tasks.take("dispatch_job") == [(first.id,)]


def test_a_repeated_dispatch_message_never_uploads_twice(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    assert production.dispatch_job(ctx, first.id) == "printing"
    assert production.dispatch_job(ctx, first.id) == "skipped"
    assert printer.uploads == [first.upload_name]
    assert f"-{first.id}-" in first.upload_name


def test_a_finished_plate_is_recorded_once_and_the_next_waits_for_a_clear_bed(app, api, printer):  # noqa: ANN001
    order = accepted_order(api)
    ctx = app.extensions["makernet"]
    first, second = jobs(app)
    production.dispatch_job(ctx, first.id)
    printer.finish()
    assert production.poll_machine(ctx, first.machine_id) == "done"
    assert production.poll_machine(ctx, first.machine_id) == "ready"  # repeated reading: nothing more
    assert consumption(app).count((first.id, -250)) == 1
    assert [j.status for j in jobs(app)] == ["done", "queued"]
    assert ctx.tasks.take("dispatch_job") == [(first.id,)]  # only the first ever went out
    assert api.ok("get", f"/work-orders/{order['id']}", OPERATOR)["units_made"] == 10

    cleared = api.ok("post", f"/machines/{first.machine_id}/bed-clear", OPERATOR)
    assert cleared["dispatched_job_id"] == second.id
    assert ctx.tasks.take("dispatch_job") == [(second.id,)]


def test_clearing_the_bed_while_printing_is_refused(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    answer = api.call("post", f"/machines/{first.machine_id}/bed-clear", OPERATOR)
    assert answer.status_code == 409 and "still busy" in answer.get_json()["error"]


def test_a_printer_that_will_not_start_gets_the_plate_back_in_its_queue(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    printer.refuse_start = True
    assert production.dispatch_job(ctx, first.id) == "requeued"
    assert jobs(app)[0].status == "queued" and printer.uploads == []
    printer.refuse_start = False
    ctx.tasks.take("dispatch_job")
    assert production.poll_machine(ctx, first.machine_id) == "ready"
    assert ctx.tasks.take("dispatch_job") == [(first.id,)]
    assert jobs(app)[0].dispatch_attempts == 2


def test_an_unreachable_printer_is_marked_offline_and_keeps_its_plate(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    printer.start_error = PrinterUnreachable("connection refused")
    assert production.dispatch_job(ctx, first.id) == "requeued"
    with ctx.db.reading() as s:
        assert s.get(Machine, first.machine_id).state == PrinterState.OFFLINE.value
    assert jobs(app)[0].status == "queued"


def test_an_ambiguous_start_is_reconciled_from_the_printer_not_retried(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    # the upload reached the printer but the answer was lost
    printer.file_name, printer.state, printer.raw_state = first.upload_name, PrinterState.PRINTING, "Printing"
    printer.start_error = AmbiguousOutcome("read timeout")
    assert production.dispatch_job(ctx, first.id) == "ambiguous"
    assert jobs(app)[0].status == "dispatching"
    assert production.poll_machine(ctx, first.machine_id) == "printing"
    assert jobs(app)[0].status == "printing" and printer.uploads == []


def test_a_printer_that_lost_its_serial_link_fails_the_job_with_its_reason(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    printer.state, printer.raw_state = PrinterState.ERROR, "Offline after error"
    assert production.poll_machine(ctx, first.machine_id) == "failed"
    failed = jobs(app)[0]
    assert failed.status == "failed" and "Offline after error" in failed.outcome
    assert consumption(app) == []


def test_an_unreachable_host_mid_print_does_not_fail_the_print(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    printer.state, printer.raw_state = PrinterState.OFFLINE, "unreachable"
    assert production.poll_machine(ctx, first.machine_id) == "printing"
    assert jobs(app)[0].status == "printing"


def test_a_print_cancelled_on_the_printer_fails_the_job(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    with ctx.db.transaction() as tx:  # started long enough ago to be past the start grace
        tx.session.execute(update(Job).where(Job.id == first.id).values(
            started_at=utcnow() - timedelta(seconds=60)))
    printer.state, printer.raw_state, printer.completion = PrinterState.READY, "Operational", None
    assert production.poll_machine(ctx, first.machine_id) == "failed"
    assert jobs(app)[0].outcome == "cancelled on the printer"


def test_manual_batches_are_reported_once_by_their_operator(app, api):  # noqa: ANN001
    order = accepted_order(api, quantity=15)  # the demo fab-lab's printers have no host: manual
    batch = api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)[0]
    done = api.ok("post", f"/jobs/{batch['id']}/report", OPERATOR, json={"units_made": 9, "units_rejected": 1})
    assert (done["status"], done["units_made"], done["units_rejected"]) == ("done", 9, 1)
    again = api.call("post", f"/jobs/{batch['id']}/report", OPERATOR, json={"units_made": 9})
    assert again.status_code == 409
    assert consumption(app).count((batch["id"], -250)) == 1


def test_every_state_change_of_a_plate_is_in_the_audit_trail(app, api, printer):  # noqa: ANN001
    from makernet.models import AuditEntry
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    printer.finish()
    production.poll_machine(ctx, first.machine_id)
    with ctx.db.reading() as s:
        trail = [(a.from_state, a.to_state) for a in s.exec(
            select(AuditEntry).where(AuditEntry.entity == "job", AuditEntry.entity_id == first.id)
            .order_by(AuditEntry.id))]
        request_trail = [a.to_state for a in s.exec(select(AuditEntry).where(AuditEntry.entity == "request"))]
    assert trail == [(None, "queued"), ("queued", "dispatching"), ("dispatching", "printing"), ("printing", "done")]
    assert request_trail[:3] == ["submitted", "approved", "allocated"]
