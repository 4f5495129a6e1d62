"""Planner runs and rules as plain data."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from makernet.models.plans import PlanningRule, PlanRun
from makernet.services.shapes import Count, Day, Departement, Id, Stamp, TypedDict


class RuleView(TypedDict):
    """A coordinator's pin (give this line to this place) or forbid (never), kept until lifted."""

    id: Annotated[Id, Field(description="the rule's id")]
    kind: Annotated[Literal["pin", "forbid"], Field(description="pin the line to the place, or forbid the pair")]
    request_line_id: Annotated[Id, Field(description="the request line it is about")]
    place_id: Annotated[Id, Field(description="the place it is about")]
    quantity: Annotated[int | None, Field(description="a pin's units; null: all the line still needs")]
    note: Annotated[str, Field(description="why, in the coordinator's words")]
    active: Annotated[bool, Field(description="it weighs on the next runs (false once lifted)")]


class PlanChange(TypedDict):
    """What a run did to one work order, and why."""

    work_order_id: Annotated[Id, Field(description="the work order")]
    request_line_id: Annotated[Id, Field(description="its request line")]
    place_id: Annotated[Id, Field(description="its place")]
    quantity: Annotated[Count, Field(description="the units concerned")]
    what: Annotated[Literal["proposé", "accepté automatiquement", "retiré", "libéré"], Field(description=(
        "proposed, accepted at once by an auto-accepting place, withdrawn, or units not begun released"))]
    why: Annotated[str, Field(description="the reasons, in words")]


class Unplanned(TypedDict):
    """Units of a line no place could take."""

    line_id: Annotated[Id, Field(description="the request line")]
    quantity: Annotated[Count, Field(description="units left without a place")]
    reason: Annotated[str, Field(description="why, in words")]


class Held(TypedDict):
    """Units planned at a place for later, not yet proposed (a later run proposes them)."""

    line_id: Annotated[Id, Field(description="the request line")]
    place_id: Annotated[Id, Field(description="the place planned")]
    quantity: Annotated[Count, Field(description="units held")]
    start: Annotated[Day | None, Field(description="the day the place would start them")]
    on_time: Annotated[bool, Field(description="they would be ready by the date needed")]
    reason: Annotated[str, Field(description="why held, in words")]


class PlanRunView(TypedDict):
    """One run of the planner: what triggered it, what it proposed and changed, what it held and left over."""

    id: Annotated[Id, Field(description="the run's id")]
    strategy: Annotated[Literal["planner", "baseline"], Field(description="the optimiser, or the 2020 baseline")]
    trigger: Annotated[str, Field(description=(
        "what started it: manual, rule, decline, partial, taken_back, printer_down, stock_out, place_out…"))]
    reason: Annotated[str, Field(description="what happened, in words")]
    territory: Annotated[list[Departement], Field(description="the départements it planned; empty: all")]
    proposed_units: Annotated[int, Field(description="units it proposed (or had accepted at once)")]
    unplanned_units: Annotated[int, Field(description="units no place could take")]
    held_units: Annotated[int, Field(description="units planned for later, not yet proposed")]
    seconds: Annotated[float, Field(description="how long the optimiser took")]
    changes: Annotated[list[PlanChange], Field(description="what it did to work orders, and why")]
    unplanned: Annotated[list[Unplanned], Field(description="what no place could take, and why")]
    held: Annotated[list[Held], Field(description="what it planned for later")]
    created_at: Annotated[Stamp, Field(description="when it ran")]


class PlanRunResult(PlanRunView):
    """A run just made, with what it cost."""

    service_seconds: Annotated[float, Field(description="how long the whole run took, writing included")]
    auto_accept_seconds: Annotated[float, Field(description="how long auto-accepting places took to queue plates")]
    relaxed_on_time_units: Annotated[float, Field(description="units on time in the relaxed (bound) problem")]
    planned_on_time_units: Annotated[int, Field(description="units planned to be ready on time")]


class RuleResult(RuleView):
    """A new pin or forbid, and the run that planned its line again."""

    plan_run: Annotated[PlanRunResult, Field(description="the run that planned the line again")]


class Withdrawal(TypedDict):
    """A place that stopped taking work, and the run that planned its open work again."""

    place_id: Annotated[Id, Field(description="the place")]
    active: Annotated[Literal[False], Field(description="it takes no more work")]
    plan_run: Annotated[PlanRunResult | None, Field(description="the run; null: it had no open work")]


class NothingToReplan(TypedDict):
    """A disruption reported at a place with no open work: nothing planned again."""

    changes: Annotated[list[PlanChange], Field(description="always empty", max_length=0)]
    proposed_units: Annotated[Literal[0], Field(description="always 0")]
    message: Annotated[str, Field(description="why nothing was done, in the caller's language")]


def rule_view(rule: PlanningRule) -> RuleView:
    """A pin or forbid as plain data."""
    return {"id": rule.id, "kind": rule.kind, "request_line_id": rule.request_line_id, "place_id": rule.place_id,
            "quantity": rule.quantity, "note": rule.note, "active": rule.active}


def plan_run_view(run: PlanRun) -> PlanRunView:
    """A planner run as plain data: what triggered it, what it proposed and changed, held and left."""
    return {"id": run.id, "strategy": run.strategy, "trigger": run.trigger, "reason": run.reason,
            "territory": run.territory, "proposed_units": run.proposed_units,
            "unplanned_units": run.unplanned_units, "held_units": run.held_units, "seconds": run.seconds,
            "changes": run.changes, "unplanned": run.unplanned, "held": run.held,
            "created_at": run.created_at.isoformat()}
