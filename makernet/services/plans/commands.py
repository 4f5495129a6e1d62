"""What a coordinator asks of the planner: a run, pins and forbids, a place withdrawn, a re-plan."""
from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlmodel import Session, select

from makernet.domain.planning import RELEASE_DAYS
from makernet.domain.states import WorkOrderStatus
from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import Place, RequestLine, WorkOrder
from makernet.models.plans import PlanningRule
from makernet.services.access import (Actor, sees_territory_place, territory_place, territory_scope, visible_place,
                                      visible_request)
from makernet.services.context import Context
from makernet.services.events import PlaceStopped, record
from makernet.services.planning.operations import allocatable_place
from makernet.services.plans.operations import open_run, post
from makernet.services.plans.views import plan_run_progress, rule_view
from makernet.services.plans.worker import propose, replan_place, start
from makernet.services.transitions import move
from makernet.services.plans.views import PlanRunProgress, PlanRunResult, RuleResult, RuleView, Withdrawal

MAX_RELEASE_DAYS = 120
BY_COORDINATION = (("explain.run_manual", {}),)   # a coordinator's run, as its reason reads


def start_plan(ctx: Context, actor: Actor, *, strategy: str = "planner", today: date | None = None,
               release_days: int | None = RELEASE_DAYS) -> PlanRunProgress:
    """A coordinator starts the planner over the approved lines and places of their territory: a worker makes the
    run; it is answered at once, queued.

    Work places would start within `release_days` is proposed; the rest is planned and held for the next run (run
    it daily), or proposed at once with `release_days=None`. Refused while a run of an overlapping territory is in
    progress (`plans.run_in_progress`, naming it).
    """
    _check_release(actor, release_days)
    return start(ctx, wait=False, territory=territory_scope(actor), trigger="manual", user_id=actor.user_id,
                 reason=BY_COORDINATION, today=today, strategy=strategy, release_days=release_days)


def run_plan(ctx: Context, actor: Actor, *, strategy: str = "planner", today: date | None = None,
             release_days: int | None = RELEASE_DAYS) -> PlanRunResult:
    """The same run made at once in this process, its result returned (the simulator, the benchmarks, tests)."""
    _check_release(actor, release_days)
    return propose(ctx, user_id=actor.user_id, territory=territory_scope(actor), trigger="manual",
                   reason=BY_COORDINATION, today=today, strategy=strategy, release_days=release_days)


def _check_release(actor: Actor, release_days: int | None) -> None:
    """Only coordinators run the planner, over a release window of 0 to MAX_RELEASE_DAYS days (or none)."""
    actor.require("coordinator")
    if release_days is not None and not 0 <= release_days <= MAX_RELEASE_DAYS:
        raise InvalidInput("plans.release_days_out_of_range", field="release_days", most=MAX_RELEASE_DAYS)


def add_rule(ctx: Context, actor: Actor, *, kind: str, request_line_id: int, place_id: int,
             quantity: int | None = None, note: str = "", today: date | None = None) -> RuleResult:
    """Pin a line to a place or forbid the pair; a run planning the line again is posted (it waits its turn behind
    a run of the territory in progress)."""
    actor.require("coordinator")

    if kind not in ("pin", "forbid"):
        raise InvalidInput("plans.rule_kind_unknown", field="kind")
    if quantity is not None and (kind == "forbid" or quantity <= 0):
        raise InvalidInput("plans.rule_quantity_invalid", field="quantity")
    with ctx.db.transaction() as tx:
        s = tx.session
        line = s.get(RequestLine, request_line_id)
        if line is None:
            raise NotFound("request_line.not_found", id=request_line_id)
        visible_request(s, actor, line.request_id)
        place = allocatable_place(s, actor, place_id, line.item_id) if kind == "pin" else territory_place(s, actor, place_id)
        rule = PlanningRule(kind=kind, request_line_id=line.id, place_id=place.id, quantity=quantity,
                            note=note.strip()[:500], created_by=actor.user_id)
        s.add(rule)
        s.flush()
        changes = _release_for_rule(s, rule, actor.user_id)
        run = open_run(s, ctx.settings.plan_run_timeout, wait=True, territory=territory_scope(actor), trigger="rule",
                       reason=((f"explain.run_{kind}", {"line": line.id, "place": place.name}),),
                       user_id=actor.user_id, strategy="planner",
                       today=today or date.today(), line_ids={line.id}, release_days=RELEASE_DAYS, changes=changes)
        post(ctx, tx, run.id)
        return rule_view(rule) | {"plan_run": plan_run_progress(run)}


def _release_for_rule(s: Session, rule: PlanningRule, user_id: int | None) -> list[dict]:
    """Proposals the new rule overrides (all of the line's for a pin, the pair's for a forbid) are withdrawn."""
    query = select(WorkOrder).where(WorkOrder.request_line_id == rule.request_line_id, WorkOrder.status == "proposed")
    if rule.kind == "forbid":
        query = query.where(WorkOrder.place_id == rule.place_id)
    changes = []
    for order in s.exec(query).all():
        why = "épinglage de la coordination" if rule.kind == "pin" else "affectation interdite par la coordination"
        if move(s, WorkOrder, WorkOrderStatus, order.id, "withdraw", user_id=user_id, note=why) is not None:
            changes.append({"work_order_id": order.id, "request_line_id": order.request_line_id,
                            "place_id": order.place_id, "quantity": order.quantity, "what": "retiré",
                            "why": f"Proposition retirée : {why}."})
    return changes


def lift_rule(ctx: Context, actor: Actor, rule_id: int) -> RuleView:
    """Lift a pin or a forbid; it no longer weighs on the next runs."""
    actor.require("coordinator")
    with ctx.db.transaction() as tx:
        rule = tx.session.get(PlanningRule, rule_id)
        if rule is None or not rule.active or not sees_territory_place(tx.session, actor, rule.place_id):
            raise NotFound("plans.rule_not_found", id=rule_id)
        rule.active = False
        tx.session.add(rule)
        tx.session.flush()
        return rule_view(rule)


def withdraw_place(ctx: Context, actor: Actor, place_id: int, reason: str, today: date | None = None) -> Withdrawal:
    """A place drops out (its operator or a coordinator says so): it gets no more work, a run re-planning its open
    work is posted."""
    actor.require("operator", "coordinator")
    if not reason.strip():
        raise InvalidInput("plans.withdraw_reason_required", field="reason")
    with ctx.db.transaction() as tx:
        s = tx.session
        place = visible_place(s, actor, place_id)
        if not place.active:
            raise Conflict("plans.place_already_stopped", place=place.name)
        s.execute(update(Place).where(Place.id == place.id).values(active=False))
        record(ctx, tx, PlaceStopped(place.id, reason.strip(), actor.user_id))
    out = (("explain.place_out", {"place": place.name, "reason": reason.strip()}),)
    run = replan_place(ctx, place_id, out, "place_out", today, actor.user_id)
    return {"place_id": place_id, "active": False, "plan_run": run}


def request_replan(ctx: Context, actor: Actor, place_id: int, trigger: str, reason: str,
                   today: date | None = None) -> PlanRunProgress | None:
    """A coordinator or the place's operator reports lost capacity (a printer down, a stock-out): a re-plan is
    posted, and the accepted plates the place would now finish too late are given back to it."""
    actor.require("operator", "coordinator")
    if trigger not in ("printer_down", "stock_out"):
        raise InvalidInput("plans.replan_trigger_unknown", field="trigger")
    if not reason.strip():
        raise InvalidInput("plans.replan_reason_required", field="reason")
    with ctx.db.reading() as s:
        visible_place(s, actor, place_id)
    return replan_place(ctx, place_id, reason.strip(), trigger, today, actor.user_id, give_back_late=True)
