"""A work order as plain data."""
from __future__ import annotations

from sqlmodel import Session

from makernet.models import RequestLine, WorkOrder


def work_order_view(s: Session, order: WorkOrder) -> dict:
    """A work order as plain data."""
    s.refresh(order)
    line = s.get(RequestLine, order.request_line_id)
    return {
        "id": order.id, "request_id": line.request_id, "request_line_id": order.request_line_id,
        "item_id": line.item_id, "place_id": order.place_id, "design_version_id": order.design_version_id,
        "quantity": order.quantity, "accepted_quantity": order.accepted_quantity,
        "units_made": order.units_made, "units_rejected": order.units_rejected,
        "status": order.status, "reason": order.reason, "plan_run_id": order.plan_run_id,
        "explanation": order.explanation, "distance_km": order.distance_km,
        "ready_by": order.ready_by.isoformat() if order.ready_by else None,
    }
