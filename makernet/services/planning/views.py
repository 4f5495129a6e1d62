"""A work order as plain data."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field
from sqlmodel import Session

from makernet.domain.states import WorkOrderStatus
from makernet.messages import render_words
from makernet.models import RequestLine, WorkOrder
from makernet.services.shapes import Count, Day, Id, TypedDict


class WorkOrderView(TypedDict):
    """Part of a request line allocated to a place: proposed, then accepted or declined, then done."""

    id: Annotated[Id, Field(description="the work order's id")]
    request_id: Annotated[Id, Field(description="the request its line belongs to")]
    request_line_id: Annotated[Id, Field(description="the request line it makes units of")]
    item_id: Annotated[Id, Field(description="the item it makes")]
    place_id: Annotated[Id, Field(description="the place that makes them")]
    design_version_id: Annotated[Id, Field(description="the design version made")]
    quantity: Annotated[Count, Field(description="units allocated")]
    accepted_quantity: Annotated[int, Field(description="units the place accepted (0 until it answers)")]
    units_made: Annotated[int, Field(description="good units made so far")]
    units_rejected: Annotated[int, Field(description="units made but rejected")]
    status: Annotated[WorkOrderStatus, Field(description="where it stands")]
    reason: Annotated[str, Field(description="why it was allocated, declined or brought down, in words")]
    plan_run_id: Annotated[int | None, Field(description="the planner run that proposed it; null: allocated by hand")]
    explanation: Annotated[str, Field(description="the planner's reasons for this place, in the caller's language")]
    distance_km: Annotated[float | None, Field(description="from the place to the delivery point, when both are known")]
    ready_by: Annotated[Day | None, Field(description="when the planner expects its units ready")]


def work_order_view(s: Session, order: WorkOrder, fresh: bool = True) -> WorkOrderView:
    """A work order as plain data; read again first unless just read (a list's rows)."""
    if fresh:
        s.refresh(order)
    line = s.get(RequestLine, order.request_line_id)
    return {
        "id": order.id, "request_id": line.request_id, "request_line_id": order.request_line_id,
        "item_id": line.item_id, "place_id": order.place_id, "design_version_id": order.design_version_id,
        "quantity": order.quantity, "accepted_quantity": order.accepted_quantity,
        "units_made": order.units_made, "units_rejected": order.units_rejected,
        "status": order.status, "reason": render_words(order.reason_words, order.reason), "plan_run_id": order.plan_run_id,
        "explanation": render_words(order.explanation_words, order.explanation), "distance_km": order.distance_km,
        "ready_by": order.ready_by.isoformat() if order.ready_by else None,
    }
