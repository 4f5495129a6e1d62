"""Planner runs and rules as plain data."""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Literal

from pydantic import Field

from makernet.messages import render_words
from makernet.models.base import utcnow
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
    why: Annotated[str, Field(description="the reasons, in the caller's language")]


class Unplanned(TypedDict):
    """Units of a line no place could take."""

    line_id: Annotated[Id, Field(description="the request line")]
    quantity: Annotated[Count, Field(description="units left without a place")]
    reason: Annotated[str, Field(description="why, in the caller's language")]


class Held(TypedDict):
    """Units planned at a place for later, not yet proposed (a later run proposes them)."""

    line_id: Annotated[Id, Field(description="the request line")]
    place_id: Annotated[Id, Field(description="the place planned")]
    quantity: Annotated[Count, Field(description="units held")]
    start: Annotated[Day | None, Field(description="the day the place would start them")]
    on_time: Annotated[bool, Field(description="they would be ready by the date needed")]
    reason: Annotated[str, Field(description="why held, in the caller's language")]


STEPS = ("reading", "solving", "writing")   # a run's steps, told as it goes
# why a run silent too long was given up, by what it was doing
GIVEN_UP = {"waiting": "plans.run_not_taken", "queued": "plans.run_not_taken", "running": "plans.run_stale"}


class RunFailure(TypedDict):
    """Why a run failed: nothing it would have proposed was written."""

    code: Annotated[str, Field(description="the reason's stable code", examples=["plans.run_stale"])]
    message: Annotated[str, Field(description="the reason, in the caller's language")]
    params: Annotated[dict, Field(description="the values the reason names")]


class PlanRunProgress(TypedDict):
    """How far a run has gone: a worker makes it, step by step, and writes its proposals all at once at the end."""

    id: Annotated[Id, Field(description="the run's id")]
    status: Annotated[Literal["waiting", "queued", "running", "done", "failed"], Field(description=(
        "waiting (a run of its territory is in progress: it starts after), queued (for a worker), running, done, "
        "failed (nothing written: see failure)"))]
    step: Annotated[Literal["reading", "solving", "writing"] | None, Field(description=(
        "while running: reading the requests and places, solving, writing the proposals; null otherwise"))]
    step_number: Annotated[int, Field(ge=0, le=3, description="the step it is at, from 1; 0 before, 3 once done")]
    steps: Annotated[Literal[3], Field(description="how many steps a run has")]
    progress: Annotated[int, Field(ge=0, le=100, description="how far it has gone, in percent")]
    failure: Annotated[RunFailure | None, Field(description="why it failed; null unless failed")]


class PlanRunStarted(PlanRunProgress):
    """A run asked for: answered at once, made by a worker; follow it at its link until it is done."""

    link: Annotated[str, Field(description="where to follow it", examples=["/api/v1/plans/12"])]


class PlanRunView(PlanRunProgress):
    """One run of the planner: what triggered it, how far it has gone, what it proposed and changed, held and left
    over."""

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
    created_at: Annotated[Stamp, Field(description="when it was asked for")]
    finished_at: Annotated[Stamp | None, Field(description="when it was done or failed; null before")]


class PlanRunResult(PlanRunView):
    """A run just made, with what it cost."""

    service_seconds: Annotated[float, Field(description="how long the whole run took, writing included")]
    auto_accept_seconds: Annotated[float, Field(description="how long auto-accepting places took to queue plates")]
    relaxed_on_time_units: Annotated[float, Field(description="units on time in the relaxed (bound) problem")]
    planned_on_time_units: Annotated[int, Field(description="units planned to be ready on time")]


class RuleResult(RuleView):
    """A new pin or forbid, and the run that plans its line again (a worker makes it)."""

    plan_run: Annotated[PlanRunProgress, Field(description="the run that plans the line again")]


class Withdrawal(TypedDict):
    """A place that stopped taking work, and the run that plans its open work again (a worker makes it)."""

    place_id: Annotated[Id, Field(description="the place")]
    active: Annotated[Literal[False], Field(description="it takes no more work")]
    plan_run: Annotated[PlanRunProgress | None, Field(description="the run; null: it had no open work")]


class NothingToReplan(TypedDict):
    """A disruption reported at a place with no open work: nothing planned again."""

    changes: Annotated[list[PlanChange], Field(description="always empty", max_length=0)]
    proposed_units: Annotated[Literal[0], Field(description="always 0")]
    message: Annotated[str, Field(description="why nothing was done, in the caller's language")]


def rule_view(rule: PlanningRule) -> RuleView:
    """A pin or forbid as plain data."""
    return {"id": rule.id, "kind": rule.kind, "request_line_id": rule.request_line_id, "place_id": rule.place_id,
            "quantity": rule.quantity, "note": rule.note, "active": rule.active}


def plan_run_progress(run: PlanRun, silent_after: float | None = None) -> PlanRunProgress:
    """How far a run has gone; one silent longer than `silent_after` seconds is shown failed, as it is given up."""
    status, step, error, params = run.status, run.step or None, run.error, run.error_params or {}
    if silent_after is not None and status in ("waiting", "queued", "running") \
            and run.updated_at < utcnow() - timedelta(seconds=silent_after):
        status, step, error, params = "failed", None, GIVEN_UP[status], {}
    number = {"done": 3, "failed": 0}.get(status, STEPS.index(step) + 1 if step in STEPS else 0)
    return {"id": run.id, "status": status, "step": step if status == "running" else None,  # type: ignore[typeddict-item]
            "step_number": number, "steps": 3,
            "progress": 100 if status == "done" else {1: 10, 2: 40, 3: 80}.get(number, 0) if status == "running" else 0,
            "failure": {"code": error or "plans.run_failed", "message": "", "params": params}
            if status == "failed" else None}


def plan_run_view(run: PlanRun, silent_after: float | None = None) -> PlanRunView:
    """A planner run as plain data: how far it has gone, what triggered it, what it proposed and changed, held and
    left."""
    return plan_run_progress(run, silent_after) | {  # type: ignore[return-value]
        "strategy": run.strategy, "trigger": run.trigger, "reason": render_words(run.reason_words, run.reason),
        "territory": run.territory, "proposed_units": run.proposed_units,
        "unplanned_units": run.unplanned_units, "held_units": run.held_units, "seconds": run.seconds,
        "changes": [_said(c, "why") for c in run.changes], "unplanned": [_said(u, "reason") for u in run.unplanned],
        "held": [_said(h, "reason") for h in run.held],
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None}


def _said(entry: dict, key: str) -> dict:
    """A run's change, held or left-over line with its reasons (`key`) in the reader's language: said from its
    words where the run kept them, else the text it kept (runs made before)."""
    return {name: value for name, value in entry.items() if name != "words"} | {
        key: render_words(entry.get("words"), entry.get(key, ""))}
