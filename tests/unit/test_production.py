"""Plates from claim to completion, with a scripted printer at the driver boundary."""
from __future__ import annotations

import ipaddress
from datetime import date, timedelta
from functools import partial

from sqlalchemy import update
from sqlmodel import select

from makernet import demo
from makernet.models import Job, Machine, Material, Request, StockEntry, WorkOrder
from makernet.models.base import utcnow
from makernet.services import fleet, printer_io, production
from makernet.services.secrets import seal
from printers.base import AmbiguousOutcome, PrinterState, PrinterUnreachable
from tests.support.api import COORDINATOR, OPERATOR, REQUESTER, ApiClient
from tests.support.fakes import PRINTERS, FakePrinter


def accepted_order(api: ApiClient, quantity: int = 20, days: int = 7) -> dict:
    """A 20-visor request needed in `days` days, allocated to and accepted by the fab-lab."""
    visor = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    request = api.ok("post", "/requests", REQUESTER, json={
        "needed_by": (date.today() + timedelta(days=days)).isoformat(), "delivery_point": "Mairie",
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


def used(app, job_id: int) -> dict[str, int]:  # noqa: ANN001
    """What a plate took off the stock, by material code."""
    with app.extensions["makernet"].db.reading() as s:
        return {code: -quantity for code, quantity in s.exec(
            select(Material.code, StockEntry.quantity).join(Material, Material.id == StockEntry.material_id)
            .where(StockEntry.kind == "consumption", StockEntry.job_id == job_id))}


def poll(app, machine_id: int) -> list[str]:  # noqa: ANN001
    """Read the printer as beat would, and return the statuses of every job."""
    fleet.poll_machines(app.extensions["makernet"], [machine_id])
    return [j.status for j in jobs(app)]


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
    assert poll(app, first.machine_id) == ["done", "queued"]
    assert poll(app, first.machine_id) == ["done", "queued"]  # repeated reading: nothing more
    assert consumption(app).count((first.id, -250)) == 1
    assert ctx.tasks.take("dispatch_job") == [(first.id,)]  # only the first ever went out
    assert api.ok("get", f"/work-orders/{order['id']}", OPERATOR)["units_made"] == 10

    cleared = api.ok("post", f"/machines/{first.machine_id}/bed-clear", OPERATOR)
    assert cleared["dispatched_job_id"] == second.id
    assert ctx.tasks.take("dispatch_job") == [(second.id,)]


def test_the_next_plate_is_the_one_needed_soonest_and_work_already_late_comes_after_work_still_on_time(app, api, printer):  # noqa: ANN001
    ctx = app.extensions["makernet"]
    later = accepted_order(api, days=10)
    first = jobs(app)[0]
    overdue = accepted_order(api, days=2)
    sooner = accepted_order(api, days=3)
    with ctx.db.transaction() as tx:   # days went by: the second order can no longer be on time
        tx.session.execute(update(Request).where(Request.id == overdue["request_id"])
                           .values(needed_by=date.today() - timedelta(days=1)))
        tx.session.execute(update(WorkOrder).where(WorkOrder.id == overdue["id"])
                           .values(due_by=date.today() - timedelta(days=2)))
    production.dispatch_job(ctx, first.id)
    printer.finish()
    poll(app, first.machine_id)
    plates = {j.id: j.work_order_id for j in jobs(app)}
    order_of_next = []
    for _ in range(5):
        cleared = api.ok("post", f"/machines/{first.machine_id}/bed-clear", OPERATOR)
        order_of_next.append(plates[cleared["dispatched_job_id"]])
        production.dispatch_job(ctx, cleared["dispatched_job_id"])
        printer.finish()
        poll(app, first.machine_id)
    assert order_of_next == [sooner["id"], sooner["id"], later["id"], overdue["id"], overdue["id"]]


def test_work_the_shuttle_must_take_sooner_is_made_before_work_needed_sooner_that_a_runner_carries(app, api, printer):  # noqa: ANN001
    ctx = app.extensions["makernet"]
    first = accepted_order(api, days=10)
    by_runner = accepted_order(api, days=3)      # carried the day it is ready: due on day 3
    by_shuttle = accepted_order(api, days=5)     # the shuttle leaves on day 2: due the day before
    with ctx.db.transaction() as tx:
        for order, due in ((by_runner, 3), (by_shuttle, 1), (first, 9)):
            tx.session.execute(update(WorkOrder).where(WorkOrder.id == order["id"])
                               .values(due_by=date.today() + timedelta(days=due)))
    plate = jobs(app)[0]
    production.dispatch_job(ctx, plate.id)
    printer.finish()
    poll(app, plate.machine_id)
    cleared = api.ok("post", f"/machines/{plate.machine_id}/bed-clear", OPERATOR)
    assert {j.id: j.work_order_id for j in jobs(app)}[cleared["dispatched_job_id"]] == by_shuttle["id"]


def test_clearing_the_bed_while_printing_is_refused(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    answer = api.call("post", f"/machines/{first.machine_id}/bed-clear", OPERATOR)
    assert answer.status_code == 409 and "still busy" in answer.get_json()["error"]["message"]
    assert answer.get_json()["error"]["code"] == "job.machine_busy"


def test_a_printer_that_will_not_start_gets_the_plate_back_in_its_queue(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    printer.refuse_start = True
    assert production.dispatch_job(ctx, first.id) == "requeued"
    assert jobs(app)[0].status == "queued" and printer.uploads == []
    printer.refuse_start = False
    ctx.tasks.take("dispatch_job")
    assert poll(app, first.machine_id) == ["dispatching", "queued"]
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
    printer.start_error = AmbiguousOutcome("read timeout")
    assert production.dispatch_job(ctx, first.id) == "ambiguous"
    assert jobs(app)[0].status == "dispatching"
    # the upload had in fact reached the printer, only the answer was lost
    printer.file_name, printer.state, printer.raw_state = first.upload_name, PrinterState.PRINTING, "Printing"
    assert poll(app, first.machine_id) == ["printing", "queued"]
    assert printer.uploads == []


def test_a_redelivered_dispatch_finds_its_plate_running_and_does_not_upload_again(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    # a worker uploaded the plate and died before recording it; the broker hands the message over again
    printer.file_name, printer.state, printer.raw_state = first.upload_name, PrinterState.PRINTING, "Printing"
    assert production.dispatch_job(ctx, first.id) == "printing"
    assert printer.uploads == [] and jobs(app)[0].status == "printing"


def test_a_start_never_confirmed_goes_back_to_the_queue_once_the_printer_shows_it_idle(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    ctx.tasks.take("dispatch_job")  # the message is lost: no worker ever runs it
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Job).where(Job.id == first.id).values(
            dispatched_at=utcnow() - timedelta(seconds=ctx.settings.dispatch_timeout + 1)))
    assert poll(app, first.machine_id) == ["dispatching", "queued"]  # requeued and claimed again
    assert ctx.tasks.take("dispatch_job") == [(first.id,)]
    assert jobs(app)[0].dispatch_attempts == 2


def test_a_printer_that_lost_its_serial_link_fails_the_job_with_its_reason(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    printer.state, printer.raw_state = PrinterState.ERROR, "Offline after error"
    assert poll(app, first.machine_id)[0] == "failed"
    failed = jobs(app)[0]
    assert failed.status == "failed" and "Offline after error" in failed.outcome
    assert consumption(app) == []


def test_an_unreachable_host_mid_print_does_not_fail_the_print(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    printer.state, printer.raw_state = PrinterState.OFFLINE, "unreachable"
    assert poll(app, first.machine_id)[0] == "printing"


def test_a_print_cancelled_on_the_printer_fails_the_job(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    with ctx.db.transaction() as tx:  # started long enough ago to be past the start grace
        tx.session.execute(update(Job).where(Job.id == first.id).values(
            started_at=utcnow() - timedelta(seconds=60)))
    printer.state, printer.raw_state, printer.completion = PrinterState.READY, "Operational", None
    assert poll(app, first.machine_id)[0] == "failed"
    assert jobs(app)[0].outcome == "cancelled on the printer"


def test_manual_batches_are_reported_once_by_their_operator(app, api):  # noqa: ANN001
    order = accepted_order(api, quantity=15)  # the demo fab-lab's printers have no host: manual
    batch = api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)[0]
    done = api.ok("post", f"/jobs/{batch['id']}/report", OPERATOR, json={"units_made": 9, "units_rejected": 1})
    assert (done["status"], done["units_made"], done["units_rejected"]) == ("done", 9, 1)
    again = api.call("post", f"/jobs/{batch['id']}/report", OPERATOR, json={"units_made": 9})
    assert again.status_code == 409
    assert consumption(app).count((batch["id"], -250)) == 1


def test_small_orders_go_round_the_places_printers_from_the_least_loaded(app, api):  # noqa: ANN001
    first, second, third = (accepted_order(api, quantity=10) for _ in range(3))   # one plate each
    machine = {order["id"]: [j["machine_id"] for j in api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)]
               for order in (first, second, third)}
    place = next(p for p in api.ok("get", "/places", COORDINATOR) if p["id"] == first["place_id"])
    printers = [m for m in place["machines"] if m["kind"] == "fdm_printer"]
    assert len(printers) >= 2 and len({m for ids in machine.values() for m in ids}) == min(3, len(printers))


def test_units_that_did_not_come_out_good_are_made_again_until_the_order_is_whole(app, api):  # noqa: ANN001
    order = accepted_order(api, quantity=10)   # one plate, printed by hand
    (batch,) = api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)
    api.ok("post", f"/jobs/{batch['id']}/report", OPERATOR, json={"units_made": 7, "units_rejected": 2})
    (again,) = [j for j in api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR) if j["id"] != batch["id"]]
    assert (again["status"], again["units"], again["machine_id"]) == ("queued", 3, batch["machine_id"])
    assert api.ok("get", f"/work-orders/{order['id']}", OPERATOR)["status"] == "accepted"
    # the rejects used their filament; sheets and elastics go to the good frames only
    assert used(app, batch["id"]) == {"pla": 9 * 25, "feuille-a4": 7, "elastique": 7}
    stock = {m["code"]: m for m in api.ok("get", f"/places/{order['place_id']}/stock", OPERATOR)}
    assert stock["pla"]["reserved"] == 3 * 25   # kept for the three units still to make, rejects made again
    api.ok("post", f"/machines/{batch['machine_id']}/bed-clear", OPERATOR)   # the next plate, by hand
    api.ok("post", f"/jobs/{again['id']}/report", OPERATOR, json={"units_made": 3})
    done = api.ok("get", f"/work-orders/{order['id']}", OPERATOR)
    assert (done["status"], done["units_made"], done["units_rejected"]) == ("done", 10, 2)
    assert len(api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)) == 2   # and nothing more


def test_a_printer_reported_by_hand_runs_its_queue_to_the_end(app, api):  # noqa: ANN001
    """The demo's printers have no host: each plate is printed by hand, reported, the bed cleared, the next one
    handed over at once — with the printer networks set, as a region sets them, and no worker to dispatch."""
    ctx = app.extensions["makernet"]
    ctx.settings = ctx.settings.with_overrides(printer_networks=((ipaddress.ip_network("10.0.0.0/8")),))
    order = accepted_order(api, quantity=60)
    plates = lambda: api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)  # noqa: E731
    machines = {p["machine_id"] for p in plates()}
    assert len(machines) > 1 and sorted(p["status"] for p in plates() if p["status"] != "queued") == ["printing"] * len(machines)
    reported = 0
    while any(p["status"] != "done" for p in plates()):
        printing = [p for p in plates() if p["status"] == "printing"]
        assert printing, [p["status"] for p in plates()]   # never stuck: a plate is always in hand
        for plate in printing:
            api.ok("post", f"/jobs/{plate['id']}/report", OPERATOR, json={"units_made": plate["units"]})
            reported += 1
            waiting = [p["id"] for p in plates() if p["machine_id"] == plate["machine_id"] and p["status"] == "queued"]
            cleared = api.ok("post", f"/machines/{plate['machine_id']}/bed-clear", OPERATOR)
            assert cleared["dispatched_job_id"] == (waiting[0] if waiting else None)
    assert reported == len(plates()) and sum(p["units_made"] for p in plates()) == 60
    assert ctx.tasks.take("dispatch_job") == []   # nothing sent to a host that does not exist


def test_every_state_change_of_a_plate_is_in_the_audit_trail(app, api, printer):  # noqa: ANN001
    from makernet.models import AuditEntry
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    printer.finish()
    poll(app, first.machine_id)
    with ctx.db.reading() as s:
        trail = [(a.from_state, a.to_state) for a in s.exec(
            select(AuditEntry).where(AuditEntry.entity == "job", AuditEntry.entity_id == first.id)
            .order_by(AuditEntry.id))]
        request_trail = [a.to_state for a in s.exec(select(AuditEntry).where(AuditEntry.entity == "request"))]
    assert trail == [(None, "queued"), ("queued", "dispatching"), ("dispatching", "printing"), ("printing", "done")]
    assert request_trail[:3] == ["submitted", "approved", "allocated"]


def fail_first_plate(app) -> Job:  # noqa: ANN001
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    PRINTERS["fake://p1"].state, PRINTERS["fake://p1"].raw_state = PrinterState.ERROR, "Offline after error"
    assert poll(app, first.machine_id)[0] == "failed"
    PRINTERS["fake://p1"].state, PRINTERS["fake://p1"].raw_state = PrinterState.READY, "Operational"
    return first


def test_the_operator_retries_a_failed_plate_and_it_prints_again(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    first = fail_first_plate(app)
    assert api.ok("post", f"/jobs/{first.id}/retry", OPERATOR)["status"] == "queued"
    assert api.call("post", f"/jobs/{first.id}/retry", OPERATOR).status_code == 409
    cleared = api.ok("post", f"/machines/{first.machine_id}/bed-clear", OPERATOR)
    assert cleared["dispatched_job_id"] == first.id
    assert production.dispatch_job(app.extensions["makernet"], first.id) == "printing"
    assert printer.uploads == [first.upload_name, first.upload_name]


def test_a_scrapped_plate_counts_its_units_as_rejects_and_its_material_as_used(app, api, printer):  # noqa: ANN001
    order = accepted_order(api)
    first = fail_first_plate(app)
    scrapped = api.ok("post", f"/jobs/{first.id}/scrap", OPERATOR)
    assert (scrapped["status"], scrapped["units_rejected"]) == ("cancelled", 10)
    assert api.ok("get", f"/work-orders/{order['id']}", OPERATOR)["units_rejected"] == 10
    assert used(app, first.id) == {"pla": 250}   # no sheet nor elastic was fitted to frames that failed
    assert api.call("post", f"/jobs/{first.id}/scrap", OPERATOR).status_code == 409
    # its units are queued again, on the same printer, after the order's other plates
    plates = api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)
    again = max(plates, key=lambda p: p["id"])
    assert (again["status"], again["units"], again["machine_id"]) == ("queued", 10, first.machine_id)
    assert sum(p["units"] for p in plates if p["status"] != "cancelled") == order["accepted_quantity"]


def test_plates_of_a_printer_that_went_offline_move_to_another_printer_when_the_place_chose_so(app, api, printer):  # noqa: ANN001
    from makernet.models import Place
    ctx = app.extensions["makernet"]
    PRINTERS["fake://p2"] = FakePrinter()
    demo.load(ctx.db, octoprint_url="fake://p2", api_key="key", seal=partial(seal, ctx))
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Machine).where(Machine.host.like("fake://%")).values(driver="fake"))
        tx.session.execute(update(Place).where(Place.name == "FabLab La Rochelle").values(offline_policy="move"))
    accepted_order(api, quantity=40)  # four plates, two per printer
    by_machine = {}
    for job in jobs(app):
        by_machine.setdefault(job.machine_id, []).append(job.status)
    first_machine, second_machine = sorted(by_machine)
    fleet.poll_machines(ctx, [second_machine])  # the second printer is seen ready
    PRINTERS["fake://p1"].state, PRINTERS["fake://p1"].raw_state = PrinterState.OFFLINE, "unreachable"
    fleet.poll_machines(ctx, [first_machine])
    queued_on = {j.machine_id for j in jobs(app) if j.status == "queued"}
    assert queued_on == {second_machine}
    del PRINTERS["fake://p2"]


def test_a_place_with_its_own_worker_gets_its_plates_and_polls_on_its_own_queue(app, api, printer):  # noqa: ANN001
    from makernet.models import Place
    ctx = app.extensions["makernet"]
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Place).where(Place.name == "FabLab La Rochelle").values(site_worker=True))
    accepted_order(api)
    first = jobs(app)[0]
    ctx.tasks.sent.clear(), ctx.tasks.queues.clear()
    assert production.dispatch_job(ctx, first.id) == "sent to the place's worker"
    (plan,), = ctx.tasks.take("site_dispatch")
    assert ctx.tasks.queues == [f"place.{first_machine_place(app, first)}"]
    assert plan["api_key"] is None and plan["file_name"] == first.upload_name and "G28" in plan["gcode"]
    assert printer.uploads == []  # the central worker never talked to the printer

    # what the site worker runs, with the key it keeps
    report = printer_io.dispatch_on_printer(printer_io.DispatchPlan(**plan | {"api_key": "key"}), ())
    assert report["outcome"] == "started"
    assert production.apply_outcome(ctx, first.id, report) == "printing"
    assert production.apply_outcome(ctx, first.id, report) == "stale"  # a repeated report changes nothing

    fleet.poll_printers(ctx)
    (connections,), = ctx.tasks.take("site_poll")
    printer.finish()
    readings = printer_io.read_statuses(printer_io.connections_from_message(connections), ())
    fleet.apply_readings(ctx, readings)
    assert jobs(app)[0].status == "done"


def first_machine_place(app, job: Job) -> int:  # noqa: ANN001
    with app.extensions["makernet"].db.reading() as s:
        return s.get(Machine, job.machine_id).place_id


def test_printer_keys_are_sealed_at_rest_and_never_shown(app, api, printer):  # noqa: ANN001
    ctx = app.extensions["makernet"]
    with ctx.db.reading() as s:
        stored = s.exec(select(Machine.driver_settings).where(Machine.host == "fake://p1")).one()["api_key"]
    assert stored != "key" and stored.startswith("sealed:")
    place = next(p for p in api.ok("get", "/places", OPERATOR) if p["name"] == "FabLab La Rochelle")
    assert all("api_key" not in m and "api_key" not in m["settings"] for m in place["machines"])


def test_assembling_visors_on_a_bench_consumes_a_frame_a_sheet_and_an_elastic_per_visor(app, api):  # noqa: ANN001
    from tests.support.api import SEWING_OPERATOR
    kit = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere-assemblee")
    request = api.ok("post", "/requests", REQUESTER, json={
        "needed_by": (date.today() + timedelta(days=7)).isoformat(), "delivery_point": "Mairie",
        "lines": [{"item_id": kit["id"], "quantity": 20}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    workshop = next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "Atelier couture solidaire")
    order = api.ok("post", "/work-orders", COORDINATOR, json={
        "request_line_id": request["lines"][0]["id"], "place_id": workshop["id"], "quantity": 20})
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, json={})
    (batch,) = api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)
    bench = next(m for m in workshop["machines"] if m["id"] == batch["machine_id"])
    assert bench["kind"] == "assembly_bench"
    before = {m["code"]: m["level"] for m in api.ok("get", f"/places/{workshop['id']}/stock", SEWING_OPERATOR)}
    api.ok("post", f"/jobs/{batch['id']}/report", SEWING_OPERATOR, json={"units_made": 18, "units_rejected": 2})
    after = {m["code"]: m["level"] for m in api.ok("get", f"/places/{workshop['id']}/stock", SEWING_OPERATOR)}
    assert {code: before[code] - after[code] for code in before if before[code] != after[code]} == {
        "cadre-visiere": 20, "feuille-a4": 20, "elastique": 20}
    assert api.ok("get", f"/work-orders/{order['id']}", SEWING_OPERATOR)["units_made"] == 18


def test_an_idle_reading_just_before_the_progress_reaches_100_does_not_fail_the_plate(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    with ctx.db.transaction() as tx:  # past the start grace
        tx.session.execute(update(Job).where(Job.id == first.id).values(started_at=utcnow() - timedelta(seconds=60)))
    printer.state, printer.raw_state, printer.completion = PrinterState.PRINTING, "Printing", 97.0
    assert poll(app, first.machine_id)[0] == "printing"
    printer.state, printer.raw_state, printer.completion = PrinterState.READY, "Operational", 99.7
    assert poll(app, first.machine_id)[0] == "printing"  # OctoPrint's instant between the end and 100 %
    printer.completion = 100.0
    assert poll(app, first.machine_id)[0] == "done"


def test_a_plate_stopped_midway_fails_once_two_readings_show_the_printer_idle(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Job).where(Job.id == first.id).values(started_at=utcnow() - timedelta(seconds=60)))
    printer.state, printer.raw_state, printer.completion = PrinterState.READY, "Operational", 60.0
    assert poll(app, first.machine_id)[0] == "printing"
    assert poll(app, first.machine_id)[0] == "failed"
    assert jobs(app)[0].outcome == "stopped on the printer at 60 %"


def test_a_reading_taken_just_before_the_start_does_not_fail_the_fresh_plate(app, api, printer):  # noqa: ANN001
    accepted_order(api)
    ctx, first = app.extensions["makernet"], jobs(app)[0]
    stale = [{"machine_id": first.machine_id, "state": "ready", "raw_state": "Operational", "file_name": None,
              "completion": None, "error": None}]  # read an instant before the plate started
    production.dispatch_job(ctx, first.id)
    fleet.apply_readings(ctx, stale)  # ...and applied after it: it says nothing about the plate
    fleet.apply_readings(ctx, stale)
    assert jobs(app)[0].status == "printing"
