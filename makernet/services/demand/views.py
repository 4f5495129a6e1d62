"""A request as plain data."""
from __future__ import annotations

from sqlmodel import Session, select

from makernet.models import Request, RequestLine


def request_view(s: Session, request: Request) -> dict:
    """A request as plain data, lines included."""
    lines = s.exec(select(RequestLine).where(RequestLine.request_id == request.id)
                   .order_by(RequestLine.id)).all()  # type: ignore[arg-type]
    return {
        "id": request.id, "organisation_id": request.organisation_id, "status": request.status,
        "needed_by": request.needed_by.isoformat(), "delivery_point": request.delivery_point,
        "priority": request.priority, "beneficiary": request.beneficiary,
        "urgency_reason": request.urgency_reason, "status_reason": request.status_reason,
        "created_at": request.created_at.isoformat(),
        "lines": [{"id": line.id, "item_id": line.item_id, "quantity": line.quantity,
                   "units_made": line.units_made, "units_delivered": line.units_delivered,
                   "units_received": line.units_received} for line in lines
                  if line.quantity or line.units_made or line.units_delivered],  # quantity 0: dropped by a change
    }
