"""API of plans (/api/v1): planner runs, coordinators' pins and forbids, re-planning after a disruption."""
from __future__ import annotations

from typing import Annotated, Literal

from flask import Blueprint, request
from pydantic import Field

from makernet.api.endpoints import endpoint
from makernet.api.schemas import Body, Id, Reason, Text
from makernet.messages import render
from makernet.services.demand import MAX_QUANTITY
from makernet.services.plans import RELEASE_DAYS
from makernet.services import plans
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx
from makernet.services.listing import Filters, Rows, Window, page_list
from makernet.services.plans import NothingToReplan, PlanRunResult, PlanRunView, RuleResult, RuleView, Withdrawal

bp = Blueprint("plans_api", __name__, url_prefix="/api/v1")


class PlanIn(Body):
    """Run the planner over the coordinator's territory (or the 2020 baseline, to compare)."""

    strategy: Literal["planner", "baseline"] = "planner"
    # propose the work places would start within this many days, hold the rest for the next run;
    # null: propose everything now
    release_days: Annotated[int, Field(ge=0, le=120)] | None = RELEASE_DAYS


class RuleIn(Body):
    """Pin a request line to a place (optionally a number of units), or forbid the pair."""

    kind: Literal["pin", "forbid"]
    request_line_id: Id
    place_id: Id
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY)] | None = None
    note: Text = ""


class DisruptionIn(Body):
    """Capacity a place lost: a printer down or a stock-out, and what happened."""

    trigger: Literal["printer_down", "stock_out"]
    reason: Reason


class WithdrawIn(Body):
    """Why a place stops taking work."""

    reason: Reason


@endpoint(bp, "post", "/plans", "Run the planner: propose work orders for approved lines (coordinators)",
          body=PlanIn, success=201, roles=("coordinator",))
def run_plan(actor: Actor, body: PlanIn) -> PlanRunResult:
    return plans.run_plan(ctx(), actor, strategy=body.strategy, release_days=body.release_days)


@endpoint(bp, "get", "/plans", "Planner runs, newest first, with what they changed and why (coordinators)",
          paged=True, filters=("since", "until"), dated="run", roles=("coordinator",))
def list_plans(actor: Actor, window: Window) -> Rows[PlanRunView]:
    return plans.list_plan_runs(ctx(), actor, Filters.of(request.args), window)


@endpoint(bp, "get", "/plans/{plan_run_id}", "One planner run (coordinators)", roles=("coordinator",))
def get_plan(actor: Actor, plan_run_id: int) -> PlanRunView:
    return plans.get_plan_run(ctx(), actor, plan_run_id)


@endpoint(bp, "post", "/planning-rules", "Pin a line to a place or forbid the pair; the line is re-planned (coordinators)",
          body=RuleIn, success=201, roles=("coordinator",))
def add_rule(actor: Actor, body: RuleIn) -> RuleResult:
    return plans.add_rule(ctx(), actor, kind=body.kind, request_line_id=body.request_line_id,
                             place_id=body.place_id, quantity=body.quantity, note=body.note)


@endpoint(bp, "get", "/planning-rules", "Active pins and forbids (coordinators)", roles=("coordinator",),
          paged=True)
def list_rules(actor: Actor, window: Window) -> Rows[RuleView]:
    return page_list(plans.list_rules(ctx(), actor), window)


@endpoint(bp, "post", "/planning-rules/{rule_id}/lift", "Lift a pin or forbid (coordinators)", roles=("coordinator",))
def lift_rule(actor: Actor, rule_id: int) -> RuleView:
    return plans.lift_rule(ctx(), actor, rule_id)


@endpoint(bp, "post", "/places/{place_id}/replan", "Report lost capacity (printer down, stock-out): re-plan its open work",
          body=DisruptionIn, roles=("operator", "coordinator"))
def replan_place(actor: Actor, place_id: int, body: DisruptionIn) -> PlanRunResult | NothingToReplan:
    run = plans.request_replan(ctx(), actor, place_id, body.trigger, body.reason)
    return run or {"changes": [], "proposed_units": 0, "message": render("plans.nothing_to_replan")}


@endpoint(bp, "post", "/places/{place_id}/withdraw", "A place stops taking work; its open work is re-planned",
          body=WithdrawIn, roles=("operator", "coordinator"))
def withdraw_place(actor: Actor, place_id: int, body: WithdrawIn) -> Withdrawal:
    return plans.withdraw_place(ctx(), actor, place_id, body.reason)
