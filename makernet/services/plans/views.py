"""Planner runs and rules as plain data."""
from __future__ import annotations

from makernet.models.plans import PlanningRule, PlanRun


def rule_view(rule: PlanningRule) -> dict:
    """A pin or forbid as plain data."""
    return {"id": rule.id, "kind": rule.kind, "request_line_id": rule.request_line_id, "place_id": rule.place_id,
            "quantity": rule.quantity, "note": rule.note, "active": rule.active}


def plan_run_view(run: PlanRun) -> dict:
    """A planner run as plain data: what triggered it, what it proposed and changed, held and left."""
    return {"id": run.id, "strategy": run.strategy, "trigger": run.trigger, "reason": run.reason,
            "territory": run.territory, "proposed_units": run.proposed_units,
            "unplanned_units": run.unplanned_units, "held_units": run.held_units, "seconds": run.seconds,
            "changes": run.changes, "unplanned": run.unplanned, "held": run.held,
            "created_at": run.created_at.isoformat()}
