"""Planner runs through the services on the demo territory: proposals, autonomy, re-planning, pins and forbids."""
from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import select

from makernet.config import Settings
from makernet.db import Database
from makernet.models import DesignVersion, Job, Machine, Organisation, Place, StockEntry, User, WorkOrder
from makernet.models.plans import PlanRun
from makernet.services import demand, planning, plans
from makernet.services.access import Actor
from makernet.services.context import Context
from makernet.services.plans.inputs import refused_pairs
from makernet.services.stock.operations import append
from makernet.services.subscriptions import SUBSCRIBERS
from tests.support.fakes import RecordingQueue
from tests.support.runs import claimed_meanwhile, run_posted_plans

MONDAY = date(2026, 11, 23)


@pytest.fixture
def ctx(tmp_path: Path, demo_database: Path) -> Context:
    """The services on a copy of the demo territory, tasks recorded."""
    shutil.copy(demo_database, tmp_path / "makernet.sqlite3")
    context = Context(db=Database(f"sqlite:///{tmp_path / 'makernet.sqlite3'}"), tasks=RecordingQueue(), subscribers=SUBSCRIBERS,
                      settings=Settings(instance_dir=tmp_path, secret_key="test"))
    yield context
    context.db.dispose()


def actor(ctx: Context, email: str) -> Actor:
    with ctx.db.reading() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        org = s.get(Organisation, user.organisation_id)
        return Actor(user.id, user.role, org.id, tuple(org.territory or ()))


def place_id(ctx: Context, name: str) -> int:
    with ctx.db.reading() as s:
        return s.exec(select(Place.id).where(Place.name == name)).one()


def approved_request(ctx: Context, quantity: int, days: int = 6, email: str = "ehpad.tilleuls@demo.makernet.fr",
                     item: str = "visiere", priority: str = "care_staff") -> dict:
    from makernet.models import Item
    with ctx.db.reading() as s:
        item_id = s.exec(select(Item.id).where(Item.code == item)).one()
    request = demand.submit_request(ctx, actor(ctx, email), needed_by=MONDAY + timedelta(days=days),
                                    delivery_point="Accueil", lines=[(item_id, quantity)], priority=priority,
                                    today=MONDAY)
    return demand.approve_request(ctx, coordinator(ctx), request["id"])


def coordinator(ctx: Context) -> Actor:
    return actor(ctx, "coordination@demo.makernet.fr")


def orders(ctx: Context, **where: object) -> list[WorkOrder]:
    with ctx.db.reading() as s:
        query = select(WorkOrder).order_by(WorkOrder.id)
        for key, value in where.items():
            query = query.where(getattr(WorkOrder, key) == value)
        return list(s.exec(query).all())


def test_a_run_proposes_work_orders_with_their_reasons_and_waits_for_the_places(ctx: Context) -> None:
    approved_request(ctx, 120)
    run = plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    proposed = orders(ctx)
    assert run["proposed_units"] == 120 == sum(o.quantity for o in proposed)
    assert all(o.status == "proposed" and o.plan_run_id == run["id"] for o in proposed)
    assert all("km du point de livraison" in o.explanation and "besoin le" in o.explanation for o in proposed)
    assert plans.get_plan_run(ctx, coordinator(ctx), run["id"])["changes"][0]["what"] == "proposé"


def test_a_place_that_chose_auto_accept_gets_its_work_accepted_and_queued_at_once(ctx: Context) -> None:
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Place).values(auto_accept=True))
    approved_request(ctx, 30)
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    (order,) = orders(ctx)
    assert order.status == "accepted" and order.accepted_quantity == 30
    with ctx.db.reading() as s:
        assert s.exec(select(Job).where(Job.work_order_id == order.id)).all()


def test_a_decline_re_plans_the_units_elsewhere_and_records_why(ctx: Context) -> None:
    approved_request(ctx, 40)
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    (first,) = orders(ctx)
    operator = actor(ctx, "fablab.larochelle@demo.makernet.fr" if first.place_id == place_id(ctx, "FabLab La Rochelle")
                     else "fablab.aunis@demo.makernet.fr")
    planning.decline_work_order(ctx, operator, first.id, "imprimantes prises", today=MONDAY)
    assert run_posted_plans(ctx) == ["done"]
    again = orders(ctx, status="proposed")
    assert sum(o.quantity for o in again) == 40 and all(o.place_id != first.place_id for o in again)
    run = plans.list_plan_runs(ctx, coordinator(ctx))[0]
    assert run["trigger"] == "decline" and "imprimantes prises" in run["reason"]


def test_a_partial_acceptance_re_plans_the_rest(ctx: Context) -> None:
    approved_request(ctx, 40)
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    (first,) = orders(ctx)
    operator = actor(ctx, "fablab.larochelle@demo.makernet.fr" if first.place_id == place_id(ctx, "FabLab La Rochelle")
                     else "fablab.aunis@demo.makernet.fr")
    planning.accept_work_order(ctx, operator, first.id, 25, today=MONDAY)
    assert run_posted_plans(ctx) == ["done"]
    rest = orders(ctx, status="proposed")
    assert sum(o.quantity for o in rest) == 15 and all(o.place_id != first.place_id for o in rest)


def test_a_printer_going_down_withdraws_the_places_proposals_and_re_plans_them(ctx: Context) -> None:
    approved_request(ctx, 60)
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    busy = orders(ctx)[0].place_id
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Machine).where(Machine.place_id == busy).values(state="offline"))
    posted = plans.replan_place(ctx, busy, "toutes les imprimantes hors ligne", "printer_down", MONDAY)
    assert posted["status"] == "queued" and run_posted_plans(ctx) == ["done"]
    run = plans.get_plan_run(ctx, coordinator(ctx), posted["id"])
    assert run["trigger"] == "printer_down"
    assert [c["what"] for c in run["changes"]].count("retiré") >= 1
    assert all(o.place_id != busy for o in orders(ctx, status="proposed"))


def test_a_stock_out_keeps_new_work_away_from_the_place_without_material(ctx: Context) -> None:
    approved_request(ctx, 60)
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    busy = orders(ctx)[0].place_id
    with ctx.db.transaction() as tx:
        for material_id, level in _levels(tx.session, busy).items():
            append(tx.session, StockEntry(place_id=busy, material_id=material_id, quantity=-level, kind="adjustment"))
    plans.replan_place(ctx, busy, "plus de PLA", "stock_out", MONDAY)
    assert run_posted_plans(ctx) == ["done"]
    assert orders(ctx, status="proposed") and all(o.place_id != busy for o in orders(ctx, status="proposed"))


def _levels(s, place: int) -> dict[int, int]:  # noqa: ANN001
    levels: dict[int, int] = {}
    for entry in s.exec(select(StockEntry).where(StockEntry.place_id == place)).all():
        levels[entry.material_id] = levels.get(entry.material_id, 0) + entry.quantity
    return levels


def test_a_place_dropping_out_gives_back_its_unstarted_accepted_work_for_re_planning(ctx: Context) -> None:
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Place).values(auto_accept=True))
    approved_request(ctx, 50)
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    (order,) = orders(ctx)
    with ctx.db.transaction() as tx:   # a plate on a machine: it stays with the place
        plate = tx.session.exec(select(Job).where(Job.work_order_id == order.id).order_by(Job.sequence)).first()
        tx.session.execute(update(Job).where(Job.id == plate.id).values(status="printing"))
    result = plans.withdraw_place(ctx, coordinator(ctx), order.place_id, "bénévoles épuisés", MONDAY)
    assert run_posted_plans(ctx) == ["done"]
    assert plans.get_plan_run(ctx, coordinator(ctx), result["plan_run"]["id"])["trigger"] == "place_out"
    with ctx.db.reading() as s:
        kept = s.get(WorkOrder, order.id)
        started = sum(j.units for j in s.exec(select(Job).where(Job.work_order_id == order.id,
                                                                Job.status != "cancelled")).all())
        # the order is what the place had begun: it does not read as having taken only part of the line
        assert refused_pairs(s, {order.request_line_id}) == {}
    assert kept.accepted_quantity == kept.quantity == started and 0 < started < 50
    assert kept.reason.startswith("Unités non commencées reprises à ") and kept.reason.endswith("bénévoles épuisés")
    others = orders(ctx, status="accepted")
    assert sum(o.accepted_quantity for o in others) == 50 and {o.place_id for o in others} != {order.place_id}


def test_a_plate_a_machine_claims_while_its_place_drops_out_stays_with_the_order(ctx: Context, monkeypatch) -> None:  # noqa: ANN001
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Place).values(auto_accept=True))
    approved_request(ctx, 50)
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    (order,) = orders(ctx)
    with ctx.db.reading() as s:
        plates = s.exec(select(Job).where(Job.work_order_id == order.id).order_by(Job.sequence)).all()
    claimed = plates[-1]   # the first one the give-back reaches; a worker claims it in between
    claimed_meanwhile(monkeypatch, claimed.id)
    result = plans.withdraw_place(ctx, coordinator(ctx), order.place_id, "bénévoles épuisés", MONDAY)
    (change,) = plans.get_plan_run(ctx, coordinator(ctx), result["plan_run"]["id"])["changes"]
    with ctx.db.reading() as s:
        kept = s.get(WorkOrder, order.id)
    queued = sum(j.units for j in plates if j.status == "queued")
    assert kept.status == "accepted" and 0 < claimed.units < queued < 50   # plates already on machines stay too
    assert kept.accepted_quantity == kept.quantity == 50 - queued + claimed.units
    assert change["quantity"] == queued - claimed.units


def test_a_requester_kind_with_no_validated_design_gets_nothing_allocated(ctx: Context) -> None:
    with ctx.db.transaction() as tx:
        tx.session.execute(update(DesignVersion).values(validated_for=["municipality"]))
    approved_request(ctx, 20)
    run = plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    assert orders(ctx) == [] and run["unplanned_units"] == 20
    assert "validée" in run["unplanned"][0]["reason"]


def test_coordinators_pin_and_forbid_and_the_line_is_re_planned_accordingly(ctx: Context) -> None:
    request = approved_request(ctx, 30)
    line_id = request["lines"][0]["id"]
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    first = orders(ctx)[0].place_id
    rule = plans.add_rule(ctx, coordinator(ctx), kind="forbid", request_line_id=line_id, place_id=first, today=MONDAY)
    assert run_posted_plans(ctx) == ["done"]
    assert all(o.place_id != first for o in orders(ctx, status="proposed"))
    plans.lift_rule(ctx, coordinator(ctx), rule["id"])
    pinned = plans.add_rule(ctx, coordinator(ctx), kind="pin", request_line_id=line_id, place_id=first, quantity=10,
                               today=MONDAY)
    assert run_posted_plans(ctx) == ["done"]
    assert any(o.place_id == first and o.quantity >= 10 for o in orders(ctx, status="proposed"))
    assert "épinglée" in " ".join(o.explanation for o in orders(ctx, status="proposed"))
    assert plans.get_plan_run(ctx, coordinator(ctx), pinned["plan_run"]["id"])["trigger"] == "rule"
    assert [r["kind"] for r in plans.list_rules(ctx, coordinator(ctx))] == ["pin"]


def test_a_pin_to_a_place_that_does_not_make_the_item_is_refused_and_nothing_written(ctx: Context) -> None:
    from makernet.errors import Conflict
    request = approved_request(ctx, 30)
    with pytest.raises(Conflict):
        plans.add_rule(ctx, coordinator(ctx), kind="pin", request_line_id=request["lines"][0]["id"],
                          place_id=place_id(ctx, "Atelier couture solidaire"))
    with ctx.db.reading() as s:
        assert s.exec(select(PlanRun)).all() == []


def test_the_api_runs_the_planner_explains_it_and_refuses_bad_input_with_4xx(api) -> None:  # noqa: ANN001
    from tests.support.api import CARE_HOME, COORDINATOR, OPERATOR
    visor = next(i for i in api.ok("get", "/items", COORDINATOR) if i["code"] == "visiere")
    request = api.ok("post", "/requests", CARE_HOME, json={
        "needed_by": (date.today() + timedelta(days=6)).isoformat(), "delivery_point": "Accueil",
        "lines": [{"item_id": visor["id"], "quantity": 30}], "priority": "care_staff"})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    started = api.ok("post", "/plans", COORDINATOR, json={}, status=202)
    assert started["status"] == "queued" and started["link"] == f"/api/v1/plans/{started['id']}"
    assert run_posted_plans(api.client.application) == ["done"]
    run = api.ok("get", started["link"].removeprefix("/api/v1"), COORDINATOR)
    assert run["proposed_units"] == 30
    order = api.ok("get", f"/work-orders/{run['changes'][0]['work_order_id']}", COORDINATOR)
    # the planner's reasons in the caller's language (English here), dates as it writes them
    needed = (date.today() + timedelta(days=6)).strftime("%b %-d")
    assert "km from the delivery point" in order["explanation"] and f"for a need on {needed}" in order["explanation"]
    assert "Priority: care staff." in order["explanation"] and "unités" not in order["explanation"]
    assert api.ok("get", f"/plans/{run['id']}", COORDINATOR)["id"] == run["id"]
    assert api.call("post", "/plans", OPERATOR, json={}).status_code == 403
    assert api.call("post", "/plans", COORDINATOR, json={"strategy": "random"}).status_code == 422
    assert api.call("post", "/plans", COORDINATOR, json={"release_days": -1}).status_code == 422
    again = api.ok("post", "/plans", COORDINATOR, json={"release_days": None}, status=202)
    run_posted_plans(api.client.application)
    assert api.ok("get", f"/plans/{again['id']}", COORDINATOR)["held_units"] == 0
    assert api.call("post", "/planning-rules", COORDINATOR, json={"kind": "pin"}).status_code == 422
    assert api.call("get", "/plans/999999", COORDINATOR).status_code == 404
    assert api.call("post", "/places/999999/withdraw", COORDINATOR, json={"reason": "x"}).status_code == 404
    paths = api.client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/plans", "/planning-rules", "/places/{place_id}/replan"} <= set(paths)


def test_a_run_holds_the_work_places_would_start_only_later_and_a_later_run_proposes_it(ctx: Context) -> None:
    for quantity, days in ((250, 5), (100, 30), (90, 30), (40, 30)):   # about 4 days of the demo's printers
        approved_request(ctx, quantity, days=days)
    run = plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    assert run["proposed_units"] > 0 and run["held_units"] > 0
    assert run["proposed_units"] + run["held_units"] + run["unplanned_units"] == 480
    assert "plus urgentes" in run["held"][0]["reason"] and run["held"][0]["start"] > MONDAY.isoformat()
    assert plans.get_plan_run(ctx, coordinator(ctx), run["id"])["held_units"] == run["held_units"]
    everything = plans.run_plan(ctx, coordinator(ctx), today=MONDAY, release_days=None)
    assert everything["held_units"] == 0
    assert sum(o.quantity for o in orders(ctx)) == 480 - everything["unplanned_units"]


def test_a_run_marks_its_requests_allocated_once_with_an_audit_entry(ctx: Context) -> None:
    from makernet.models import AuditEntry, Request
    first, second = approved_request(ctx, 20), approved_request(ctx, 30)
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    with ctx.db.reading() as s:
        for request in (first, second):
            assert s.get(Request, request["id"]).status == "allocated"
            moves = s.exec(select(AuditEntry).where(AuditEntry.entity == "request", AuditEntry.entity_id == request["id"],
                                                    AuditEntry.to_state == "allocated")).all()
            assert len(moves) == 1


def test_a_release_window_out_of_range_is_refused_and_nothing_is_written(ctx: Context) -> None:
    from makernet.errors import InvalidInput
    approved_request(ctx, 20)
    with pytest.raises(InvalidInput):
        plans.run_plan(ctx, coordinator(ctx), today=MONDAY, release_days=-1)
    with ctx.db.reading() as s:
        assert s.exec(select(PlanRun)).all() == [] and orders(ctx) == []


def test_the_morning_run_plans_each_coordinations_territory_once_without_allocating_twice(ctx: Context) -> None:
    approved_request(ctx, 60)
    posted = plans.plan_daily(ctx, today=MONDAY)
    assert [r["status"] for r in posted] == ["queued"] and run_posted_plans(ctx) == ["done"]
    runs = [plans.get_plan_run(ctx, coordinator(ctx), r["id"]) for r in posted]
    assert [(r["trigger"], r["territory"]) for r in runs] == [("daily", sorted(coordinator(ctx).territory))]
    assert runs[0]["proposed_units"] == 60 == sum(o.quantity for o in orders(ctx, status="proposed"))
    again = plans.plan_daily(ctx, today=MONDAY)
    run_posted_plans(ctx)
    assert plans.get_plan_run(ctx, coordinator(ctx), again[0]["id"])["proposed_units"] == 0
    assert sum(o.quantity for o in orders(ctx)) == 60


def test_the_planner_sees_each_place_s_open_work_by_the_day_it_is_needed(ctx: Context) -> None:
    from makernet.services.plans import plan_input
    approved_request(ctx, 40, days=9)
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY, release_days=None)
    with ctx.db.reading() as s:
        orders = s.exec(select(WorkOrder).where(WorkOrder.status == "proposed")).all()
        due = {p.place_id: p.backlog_due for p in plan_input(s, MONDAY + timedelta(days=2), None).places}
    assert sum(o.quantity for o in orders) == 40
    for order in orders:   # needed on day 9 from Monday: day 7 from Wednesday, ready the day before to be collected
        assert (6, order.quantity) in next(iter(due[order.place_id].values()))


def test_the_planner_sees_the_open_work_each_place_s_runners_will_carry_by_the_day_it_is_needed(ctx: Context) -> None:
    from makernet.services.plans import plan_input
    with ctx.db.transaction() as tx:   # every place's runners go 300 km: each carries its own work
        tx.session.execute(update(Place).values(runners=2, vehicle="car", delivery_radius_km=300.0))
    approved_request(ctx, 40, days=9)
    approved_request(ctx, 30, days=9, email="mairie.rochefort@demo.makernet.fr")
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY, release_days=None)
    proposed = orders(ctx, status="proposed")
    assert proposed and all(o.due_by == MONDAY + timedelta(days=9) for o in proposed), "ready the day it is needed"
    collected = proposed[0]   # as if its place no longer delivered: ready the day before, to be collected
    with ctx.db.transaction() as tx:
        tx.session.execute(update(WorkOrder).where(WorkOrder.id == collected.id)
                           .values(due_by=collected.due_by - timedelta(days=1)))
    with ctx.db.reading() as s:
        places = {p.place_id: p for p in plan_input(s, MONDAY + timedelta(days=2), None).places}
    carried: dict[int, int] = {}
    for order in proposed[1:]:
        carried[order.place_id] = carried.get(order.place_id, 0) + order.quantity
    assert carried, "every order collected: the test would show nothing"
    for place in places.values():   # needed on day 9 from Monday: day 7 from Wednesday, ready that day by runner
        assert [days for days in place.runner_due.values()] == ([((7, carried[place.place_id]),)]
                                                               if place.place_id in carried else [])
