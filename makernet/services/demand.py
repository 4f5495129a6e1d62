"""Requests: submit, read, approve, reject."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from makernet.domain.demand import MAX_LINES, PRIORITIES, check_needed_by, check_quantity
from makernet.domain.states import RequestStatus
from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import Item, Organisation, Request, RequestLine
from makernet.services.accounts import Actor
from makernet.services.context import Context
from makernet.services.transitions import created, move


def submit_request(ctx: Context, actor: Actor, *, needed_by: date, delivery_point: str,
                   lines: list[tuple[int, int]], priority: str = "normal", beneficiary: str = "",
                   urgency_reason: str = "", latitude: float | None = None,
                   longitude: float | None = None, today: date | None = None) -> dict:
    """Record a new request of the actor's organisation; every line is checked before anything is written."""
    actor.require("requester")
    _check_request_fields(needed_by, delivery_point, lines, priority, today or date.today())
    with ctx.db.transaction() as tx:
        s = tx.session
        for index, (item_id, _quantity) in enumerate(lines):
            item = s.get(Item, item_id)
            if item is None or not item.active:
                raise InvalidInput(f"Line {index + 1}: unknown item {item_id}.", field=f"lines[{index}].item_id")
        organisation = s.get(Organisation, actor.organisation_id)
        request = Request(
            organisation_id=actor.organisation_id, created_by=actor.user_id, needed_by=needed_by,
            delivery_point=delivery_point.strip(), priority=priority, beneficiary=beneficiary.strip(),
            urgency_reason=urgency_reason.strip(),
            latitude=latitude if latitude is not None else organisation.latitude,
            longitude=longitude if longitude is not None else organisation.longitude,
        )
        s.add(request)
        s.flush()
        for item_id, quantity in lines:
            s.add(RequestLine(request_id=request.id, item_id=item_id, quantity=quantity))
        created(s, Request, request.id, request.status, user_id=actor.user_id)
        s.flush()
        return request_view(s, request)


def _check_request_fields(needed_by: date, delivery_point: str, lines: list[tuple[int, int]],
                          priority: str, today: date) -> None:
    """Refuse a request whose fields break a rule, naming the field."""
    if not lines:
        raise InvalidInput("A request needs at least one line.", field="lines")
    if len(lines) > MAX_LINES:
        raise InvalidInput(f"A request may have at most {MAX_LINES} lines.", field="lines")
    for index, (_item, quantity) in enumerate(lines):
        problem = check_quantity(quantity)
        if problem:
            raise InvalidInput(f"Line {index + 1}: {problem}", field=f"lines[{index}].quantity")
    problem = check_needed_by(needed_by, today)
    if problem:
        raise InvalidInput(problem, field="needed_by")
    if not delivery_point.strip():
        raise InvalidInput("The delivery point is required.", field="delivery_point")
    if priority not in PRIORITIES:
        raise InvalidInput(f"Unknown priority {priority!r}; use one of: {', '.join(PRIORITIES)}.", field="priority")


def visible_request(s: Session, actor: Actor, request_id: int) -> Request:
    """The request if this actor may see it; NotFound otherwise (no hint that it exists)."""
    request = s.get(Request, request_id)
    if request is None or not can_see_request(s, actor, request):
        raise NotFound(f"Request {request_id} not found.")
    return request


def can_see_request(s: Session, actor: Actor, request: Request) -> bool:
    """Requesters see their organisation's requests, coordinators their territory's,
    operators those their places work on."""
    if actor.role == "admin" or request.organisation_id == actor.organisation_id:
        return True
    if actor.role == "coordinator":
        organisation = s.get(Organisation, request.organisation_id)
        return actor.sees_departement(organisation.departement)
    if actor.role == "operator":
        from makernet.services.planning import operator_works_on_request
        return operator_works_on_request(s, actor, request.id)
    return False


def get_request(ctx: Context, actor: Actor, request_id: int) -> dict:
    """One request with its lines and running counts."""
    with ctx.db.reading() as s:
        return request_view(s, visible_request(s, actor, request_id))


def list_requests(ctx: Context, actor: Actor, status: str | None = None) -> list[dict]:
    """The requests this actor may see, newest first."""
    if status is not None and status not in {st.value for st in RequestStatus}:
        raise InvalidInput(f"Unknown status {status!r}.", field="status")
    with ctx.db.reading() as s:
        query = select(Request).order_by(Request.id.desc())  # type: ignore[union-attr]
        if status:
            query = query.where(Request.status == status)
        if actor.role == "requester":
            query = query.where(Request.organisation_id == actor.organisation_id)
        elif actor.role == "coordinator":
            query = query.join(Organisation, Organisation.id == Request.organisation_id).where(
                Organisation.departement.in_(actor.territory))  # type: ignore[attr-defined]
        rows = [r for r in s.exec(query.limit(500)).all() if can_see_request(s, actor, r)]
        return [request_view(s, r) for r in rows]


def approve_request(ctx: Context, actor: Actor, request_id: int) -> dict:
    """A coordinator approves a submitted request for allocation."""
    actor.require("coordinator")
    with ctx.db.transaction() as tx:
        request = visible_request(tx.session, actor, request_id)
        if move(tx.session, Request, RequestStatus, request.id, "approved", user_id=actor.user_id,
                only_from=frozenset({"submitted"})) is None:
            raise Conflict(f"Request {request_id} is {request.status}; only a submitted request can be approved.")
        return request_view(tx.session, request)


def reject_request(ctx: Context, actor: Actor, request_id: int, reason: str) -> dict:
    """A coordinator rejects a request, saying why."""
    actor.require("coordinator")
    if not reason.strip():
        raise InvalidInput("Say why the request is rejected.", field="reason")
    with ctx.db.transaction() as tx:
        request = visible_request(tx.session, actor, request_id)
        if move(tx.session, Request, RequestStatus, request.id, "rejected", user_id=actor.user_id,
                note=reason, status_reason=reason.strip()) is None:
            raise Conflict(f"Request {request_id} is {request.status} and can no longer be rejected.")
        return request_view(tx.session, request)


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
                   "units_received": line.units_received} for line in lines],
    }
