"""A request as plain data."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from sqlmodel import Session, select

from makernet.domain.demand import PRIORITIES
from makernet.domain.states import RequestStatus
from makernet.models import Request, RequestLine
from makernet.services.shapes import Count, Day, Id, Stamp, TypedDict


class RequestLineView(TypedDict):
    """An item of a request, how many, and how far they got."""

    id: Annotated[Id, Field(description="the line's id")]
    item_id: Annotated[Id, Field(description="the item asked for")]
    quantity: Annotated[Count, Field(description="units asked for")]
    units_made: Annotated[int, Field(description="good units made so far")]
    units_delivered: Annotated[int, Field(description="units shipped (refused deliveries not counted)")]
    units_received: Annotated[int, Field(description="units the requester confirmed received")]


class RequestView(TypedDict):
    """A requester's request: where and by when, for whom, its lines and how far they got."""

    id: Annotated[Id, Field(description="the request's id")]
    organisation_id: Annotated[Id, Field(description="the requesting organisation")]
    status: Annotated[RequestStatus, Field(description="where it stands")]
    needed_by: Annotated[Day, Field(description="the day the units are needed")]
    delivery_point: Annotated[str, Field(description="where they go", examples=["Mairie, 1 rue Audry de Puyravault"])]
    priority: Annotated[Literal[PRIORITIES], Field(description="who it is for, the most urgent first")]  # type: ignore[valid-type]
    beneficiary: Annotated[str, Field(description="who will use the units, in words")]
    urgency_reason: Annotated[str, Field(description="why it is urgent, in words")]
    status_reason: Annotated[str, Field(description="why it was rejected or cancelled, in words")]
    created_at: Annotated[Stamp, Field(description="when it was posted")]
    lines: Annotated[list[RequestLineView], Field(description="its lines; those a change dropped are left out")]


def lines_of(s: Session, request_ids: list[int]) -> dict[int, list[RequestLine]]:
    """The lines of these requests, in one query: each request's, in order."""
    found: dict[int, list[RequestLine]] = {request_id: [] for request_id in request_ids}
    for line in s.exec(select(RequestLine).where(RequestLine.request_id.in_(request_ids))  # type: ignore[attr-defined]
                       .order_by(RequestLine.id)).all():  # type: ignore[arg-type]
        found[line.request_id].append(line)
    return found


def request_view(s: Session, request: Request, lines: list[RequestLine] | None = None) -> RequestView:
    """A request as plain data, lines included (read here unless given)."""
    if lines is None:
        lines = lines_of(s, [request.id])[request.id]
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
