"""Disruptions re-plan on their own: a printer going down, a stock-out — through the real services, tasks recorded."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import select

from makernet.domain.explanations import said
from makernet.models import Job, Machine, Material, Place, StockEntry, WorkOrder
from makernet.models.plans import PlanRun
from makernet.services import fleet, plans, production
from makernet.services.places.operations import place_capacity
from makernet.services.plans.views import plan_run_view
from printers.base import PrinterState, PrinterUnreachable
from tests.support.api import COORDINATOR, OPERATOR, REQUESTER, ApiClient
from tests.support.runs import run_posted_plans


def place_named(app, name: str) -> int:  # noqa: ANN001
    with app.extensions["makernet"].db.reading() as s:
        return s.exec(select(Place.id).where(Place.name == name)).one()


def proposal(api: ApiClient, app, quantity: int = 20) -> dict:  # noqa: ANN001
    """A visor request allocated to the La Rochelle fab-lab, waiting for its answer."""
    visor = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    request = api.ok("post", "/requests", REQUESTER, json={
        "needed_by": (date.today() + timedelta(days=10)).isoformat(), "delivery_point": "Mairie",
        "lines": [{"item_id": visor["id"], "quantity": quantity}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    return api.ok("post", "/work-orders", COORDINATOR, json={
        "request_line_id": request["lines"][0]["id"], "place_id": place_named(app, "FabLab La Rochelle"),
        "quantity": quantity})


def machine_of(app) -> int:  # noqa: ANN001
    with app.extensions["makernet"].db.reading() as s:
        return s.exec(select(Machine.id).where(Machine.host == "fake://p1")).one()


def status_of(app, order_id: int) -> str:  # noqa: ANN001
    with app.extensions["makernet"].db.reading() as s:
        return s.get(WorkOrder, order_id).status


def run_posted(app, posted: tuple) -> dict | None:  # noqa: ANN001
    """What the workers do with a posted replan_place task: withdraw, post the run, make it. The run, done."""
    ctx = app.extensions["makernet"]
    started = plans.replan_place(ctx, *posted)
    assert started is not None and run_posted_plans(app) == ["done"]
    with ctx.db.reading() as s:
        return plan_run_view(s.get(PlanRun, started["id"]))


def test_a_printer_going_down_re_plans_the_places_waiting_proposals_once(app, api, printer):  # noqa: ANN001
    order = proposal(api, app)
    ctx, machine = app.extensions["makernet"], machine_of(app)
    fleet.poll_machines(ctx, [machine])
    assert ctx.tasks.take("replan_place") == []            # up and ready: nothing to do
    printer.state, printer.raw_state = PrinterState.OFFLINE, "unreachable"
    fleet.poll_machines(ctx, [machine])
    posted = ctx.tasks.take("replan_place")
    assert len(posted) == 1
    place_id, reason, trigger = posted[0]
    assert (place_id, trigger) == (order["place_id"], "printer_down")
    assert reason[0][0] == "explain.printers_down" and said(reason).startswith("imprimante hors service : ")
    fleet.poll_machines(ctx, [machine])
    assert ctx.tasks.take("replan_place") == []            # still down: not posted again

    run = run_posted(app, posted[0])
    assert status_of(app, order["id"]) == "cancelled"
    assert run["trigger"] == "printer_down" and run["reason"].endswith(": OctoPrint 1")
    with ctx.db.reading() as s:   # kept as words, and in French
        kept = s.get(PlanRun, run["id"])
        assert (kept.reason, kept.reason_words) == ("imprimante hors service : OctoPrint 1", reason)
    assert any(c["what"] == "retiré" and c["work_order_id"] == order["id"] for c in run["changes"])
    with ctx.db.reading() as s:
        again = s.exec(select(WorkOrder).where(WorkOrder.request_line_id == order["request_line_id"],
                                               WorkOrder.status == "proposed")).all()
    assert sum(o.quantity for o in again) == order["quantity"]   # planned again, with the capacity left
    # the coordinator reads what changed and why
    runs = api.ok("get", "/plans", COORDINATOR)
    assert runs[0]["trigger"] == "printer_down" and runs[0]["reason"] == "printer out of service: OctoPrint 1"


def test_a_printer_found_unreachable_when_a_plate_is_sent_re_plans_the_waiting_proposals(app, api, printer):  # noqa: ANN001
    accepted = proposal(api, app)
    api.ok("post", f"/work-orders/{accepted['id']}/accept", OPERATOR, json={})
    ctx = app.extensions["makernet"]
    (plate,) = ctx.tasks.take("dispatch_job")
    waiting = proposal(api, app)
    printer.start_error = PrinterUnreachable("connection refused")
    assert production.dispatch_job(ctx, *plate) == "requeued"
    assert [(p, t) for p, _, t in ctx.tasks.take("replan_place")] == [(waiting["place_id"], "printer_down")]


def test_a_printer_going_down_at_a_place_with_nothing_waiting_posts_nothing(app, api, printer):  # noqa: ANN001
    ctx = app.extensions["makernet"]
    printer.state, printer.raw_state = PrinterState.ERROR, "Offline after error"
    fleet.poll_machines(ctx, [machine_of(app)])
    assert ctx.tasks.take("replan_place") == []


def pla(app, place_id: int) -> tuple[int, int]:  # noqa: ANN001
    """The PLA's id and its level at the place."""
    with app.extensions["makernet"].db.reading() as s:
        material = s.exec(select(Material.id).where(Material.code == "pla")).one()
        level = s.exec(select(func.coalesce(func.sum(StockEntry.quantity), 0)).where(
            StockEntry.place_id == place_id, StockEntry.material_id == material)).one()
    return material, int(level)


def test_scrapping_material_the_proposals_need_re_plans_them(app, api):  # noqa: ANN001
    order = proposal(api, app, quantity=40)
    ctx, place_id = app.extensions["makernet"], order["place_id"]
    material, level = pla(app, place_id)
    api.ok("post", f"/places/{place_id}/stock/scrap", OPERATOR,
           json={"material_id": material, "quantity": 10, "reason": "bobine humide"})
    assert ctx.tasks.take("replan_place") == []            # plenty left for the proposal
    api.ok("post", f"/places/{place_id}/stock/scrap", OPERATOR,
           json={"material_id": material, "quantity": level - 20, "reason": "bobines humides"})
    posted = ctx.tasks.take("replan_place")
    assert [(p, t) for p, _, t in posted] == [(place_id, "stock_out")]
    assert said(posted[0][1]) == "rupture de Filament PLA : 10 g en stock pour 1000 g de travail accepté ou proposé"
    run = run_posted(app, posted[0])
    assert status_of(app, order["id"]) == "cancelled"
    assert run["trigger"] == "stock_out"
    with ctx.db.reading() as s:
        again = s.exec(select(WorkOrder).where(WorkOrder.request_line_id == order["request_line_id"],
                                               WorkOrder.status == "proposed")).all()
    assert again and all(o.place_id != place_id for o in again)   # not back where the material is gone


def test_a_transfer_out_that_leaves_the_proposals_short_re_plans_them(app, api):  # noqa: ANN001
    order = proposal(api, app, quantity=40)
    ctx, place_id = app.extensions["makernet"], order["place_id"]
    material, level = pla(app, place_id)
    other = place_named(app, "Fab-lab de l'Aunis")
    api.ok("post", "/stock/transfers", COORDINATOR, json={
        "from_place_id": place_id, "to_place_id": other, "material_id": material, "quantity": level - 5})
    assert [(p, t) for p, _, t in ctx.tasks.take("replan_place")] == [(place_id, "stock_out")]


def test_a_refused_withdrawal_posts_nothing_and_changes_nothing(app, api):  # noqa: ANN001
    order = proposal(api, app, quantity=40)
    ctx, place_id = app.extensions["makernet"], order["place_id"]
    material, level = pla(app, place_id)
    answer = api.call("post", f"/places/{place_id}/stock/scrap", OPERATOR,
                      json={"material_id": material, "quantity": level + 1, "reason": "trop"})
    assert answer.status_code == 409
    assert ctx.tasks.take("replan_place") == []
    assert pla(app, place_id)[1] == level
    with ctx.db.reading() as s:
        assert s.exec(select(func.count()).select_from(PlanRun)).one() == 0


def test_a_printer_the_poll_finds_down_keeps_its_plates_and_the_operator_s_report_gives_back_the_late_ones(app, api, printer):  # noqa: ANN001
    ctx = app.extensions["makernet"]
    place = place_named(app, "FabLab La Rochelle")
    with ctx.db.reading() as s:
        before = place_capacity(s, s.get(Place, place), None, date.today(), 3)
    visor = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    can = sum(before[visor["id"]].days[:3])       # what it can make by the day after tomorrow, all printers up
    request = api.ok("post", "/requests", REQUESTER, json={
        "needed_by": (date.today() + timedelta(days=3)).isoformat(), "delivery_point": "Mairie",
        "lines": [{"item_id": visor["id"], "quantity": int(can) - 10}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    order = api.ok("post", "/work-orders", COORDINATOR, json={
        "request_line_id": request["lines"][0]["id"], "place_id": place, "quantity": int(can) - 10})
    api.ok("post", f"/work-orders/{order['id']}/accept", OPERATOR, json={})
    ctx.tasks.take("dispatch_job")
    printer.state, printer.raw_state = PrinterState.OFFLINE, "unreachable"
    fleet.poll_machines(ctx, [machine_of(app)])
    assert ctx.tasks.take("replan_place") == []   # a silent printer may answer again: its plates wait for it

    started = api.ok("post", f"/places/{place}/replan", OPERATOR,
                     json={"trigger": "printer_down", "reason": "l'imprimante ne repartira pas avant lundi"})
    assert run_posted_plans(app) == ["done"]
    with ctx.db.reading() as s:
        run = plan_run_view(s.get(PlanRun, started["id"]))
        kept = s.get(WorkOrder, order["id"])
        now = sum(place_capacity(s, s.get(Place, place), None, date.today(), 3)[visor["id"]].days[:3])
        jobs = s.exec(select(Job).where(Job.work_order_id == order["id"], Job.status != "cancelled")).all()
    freed = sum(c["quantity"] for c in run["changes"] if c["what"] == "libéré" and c["work_order_id"] == order["id"])
    waiting = sum(j.units for j in jobs if j.status == "queued")    # the plate on its way to the printer stays
    assert freed > 0 and kept.accepted_quantity == sum(j.units for j in jobs) == order["quantity"] - freed
    assert waiting <= now < can
    assert "plus prêtes à temps" in next(c["why"] for c in run["changes"] if c["what"] == "libéré")
