"""API of plans (/api/v1): planner runs (started at once, made by a worker, followed until done), coordinators'
pins and forbids, re-planning after a disruption."""
from __future__ import annotations

from typing import Annotated, Literal, TypeVar

from flask import Blueprint, request, url_for
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
from makernet.services.plans import (NothingToReplan, PlanRunProgress, PlanRunStarted, PlanRunView, RuleResult,
                                     RuleView, Withdrawal)

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


Progress = TypeVar("Progress", bound=PlanRunProgress)


def worded(run: Progress) -> Progress:
    """A run with the reason it failed, if it did, in the caller's language."""
    failure = run["failure"]
    return run if failure is None else run | {"failure": failure | {  # type: ignore[return-value]
        "message": render(failure["code"], failure["params"])}}


@endpoint(bp, "post", "/plans", "Start the planner over the territory's approved lines; answered at once (202) with "
          "the run a worker makes, to follow at its link until done (coordinators)",
          body=PlanIn, success=202, roles=("coordinator",), refused=(
              ("409", "A run of an overlapping territory is queued or running (`plans.run_in_progress`, its id in "
                      "`params.id`): follow it, and start again once it is done"),))
def run_plan(actor: Actor, body: PlanIn) -> PlanRunStarted:
    run = plans.start_plan(ctx(), actor, strategy=body.strategy, release_days=body.release_days)
    return run | {"link": url_for("plans_api.get_plan", plan_run_id=run["id"])}  # type: ignore[return-value]


@endpoint(bp, "get", "/plans", "Planner runs, newest first, with how far they have gone, what they changed and why "
          "(coordinators)", paged=True, filters=("since", "until"), dated="run", roles=("coordinator",))
def list_plans(actor: Actor, window: Window) -> Rows[PlanRunView]:
    runs = plans.list_plan_runs(ctx(), actor, Filters.of(request.args), window)
    runs[:] = [worded(run) for run in runs]
    return runs


@endpoint(bp, "get", "/plans/{plan_run_id}", "One planner run: its status, step and progress while a worker makes "
          "it, then what it proposed, changed, held and left over, or why it failed (coordinators)",
          roles=("coordinator",))
def get_plan(actor: Actor, plan_run_id: int) -> PlanRunView:
    return worded(plans.get_plan_run(ctx(), actor, plan_run_id))


@endpoint(bp, "post", "/planning-rules", "Pin a line to a place or forbid the pair; a run re-planning the line is "
          "posted (coordinators)",
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


@endpoint(bp, "post", "/places/{place_id}/replan", "Report lost capacity (printer down, stock-out): its proposals "
          "are withdrawn and a run re-planning them is posted", body=DisruptionIn, roles=("operator", "coordinator"))
def replan_place(actor: Actor, place_id: int, body: DisruptionIn) -> PlanRunProgress | NothingToReplan:
    run = plans.request_replan(ctx(), actor, place_id, body.trigger, body.reason)
    return run or {"changes": [], "proposed_units": 0, "message": render("plans.nothing_to_replan")}


@endpoint(bp, "post", "/places/{place_id}/withdraw", "A place stops taking work; a run re-planning its open work "
          "is posted",
          body=WithdrawIn, roles=("operator", "coordinator"))
def withdraw_place(actor: Actor, place_id: int, body: WithdrawIn) -> Withdrawal:
    return plans.withdraw_place(ctx(), actor, place_id, body.reason)
