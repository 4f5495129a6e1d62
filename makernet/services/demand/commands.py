"""Requests: submit, approve, reject, split, merge."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from makernet.domain.demand import MAX_LINES, MAX_QUANTITY, PRIORITIES, check_needed_by, check_quantity
from makernet.domain.states import RequestStatus
from makernet.errors import Conflict, InvalidInput
from makernet.models import Item, Organisation, Request, RequestLine, WorkOrder
from makernet.services.access import Actor, visible_request
from makernet.services.context import Context
from makernet.services.demand.views import request_view
from makernet.services.events import RequestApproved, record
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


def approve_request(ctx: Context, actor: Actor, request_id: int) -> dict:
    """A coordinator approves a submitted request for allocation."""
    actor.require("coordinator")
    with ctx.db.transaction() as tx:
        request = visible_request(tx.session, actor, request_id)
        if move(tx.session, Request, RequestStatus, request.id, "approve", user_id=actor.user_id) is None:
            raise Conflict(f"Request {request_id} is {request.status}; only a submitted request can be approved.")
        record(ctx, tx, RequestApproved(request.id))
        return request_view(tx.session, request)


def reject_request(ctx: Context, actor: Actor, request_id: int, reason: str) -> dict:
    """A coordinator rejects a request, saying why."""
    actor.require("coordinator")
    if not reason.strip():
        raise InvalidInput("Say why the request is rejected.", field="reason")
    with ctx.db.transaction() as tx:
        request = visible_request(tx.session, actor, request_id)
        if move(tx.session, Request, RequestStatus, request.id, "reject", user_id=actor.user_id,
                note=reason, status_reason=reason.strip()) is None:
            raise Conflict(f"Request {request_id} is {request.status} and can no longer be rejected.")
        return request_view(tx.session, request)


TRIAGE_STATES = frozenset({"submitted", "approved"})


def _unplanned(s: Session, request: Request) -> list[RequestLine]:
    """The lines of a request in triage that no work order points at yet (else Conflict)."""
    if request.status not in TRIAGE_STATES:
        raise Conflict(f"Request {request.id} is {request.status}; only a request in triage can be split or merged.")
    lines = list(s.exec(select(RequestLine).where(RequestLine.request_id == request.id)
                        .order_by(RequestLine.id)).all())  # type: ignore[arg-type]
    planned = s.exec(select(WorkOrder.id).where(WorkOrder.request_line_id.in_([ln.id for ln in lines]))).first()  # type: ignore[union-attr]
    if planned is not None:
        raise Conflict(f"Request {request.id} already has work orders; it can no longer be split or merged.")
    return lines


def split_request(ctx: Context, actor: Actor, request_id: int, moved: dict[int, int],
                  needed_by: date | None = None, today: date | None = None) -> dict:
    """Move part of a request's quantities into a new request (e.g. a later needed-by date)."""
    actor.require("coordinator")
    with ctx.db.transaction() as tx:
        s = tx.session
        request = visible_request(s, actor, request_id)
        lines = _unplanned(s, request)
        _check_split(lines, moved)
        if needed_by is not None and (problem := check_needed_by(needed_by, today or date.today())):
            raise InvalidInput(problem, field="needed_by")
        twin = Request(**request.model_dump(exclude={"id", "created_at", "status_reason"}))
        twin.needed_by = needed_by or request.needed_by
        s.add(twin)
        s.flush()
        for line in lines:
            quantity = moved.get(line.id, 0)
            if quantity:
                s.add(RequestLine(request_id=twin.id, item_id=line.item_id, quantity=quantity))
                line.quantity -= quantity
                s.delete(line) if line.quantity == 0 else s.add(line)
        created(s, Request, twin.id, twin.status, user_id=actor.user_id, note=f"split from request {request.id}")
        s.flush()
        return request_view(s, twin)


def _check_split(lines: list[RequestLine], moved: dict[int, int]) -> None:
    """Each moved quantity fits its line, something moves, and something stays."""
    by_id = {line.id: line for line in lines}
    for line_id, quantity in moved.items():
        if line_id not in by_id:
            raise InvalidInput(f"Line {line_id} is not part of this request.", field="lines")
        if not 0 <= quantity <= by_id[line_id].quantity:
            raise InvalidInput(f"Move between 0 and {by_id[line_id].quantity} units of line {line_id}.",
                               field=f"line_{line_id}")
    total_moved = sum(moved.values())
    if total_moved == 0:
        raise InvalidInput("Move at least one unit to the new request.", field="lines")
    if total_moved == sum(line.quantity for line in lines):
        raise InvalidInput("Leave at least one unit in this request.", field="lines")


def merge_requests(ctx: Context, actor: Actor, into_id: int, other_ids: list[int]) -> dict:
    """Fold duplicate requests of one organisation into one; the others are cancelled."""
    actor.require("coordinator")
    others = sorted(set(other_ids) - {into_id})
    if not others:
        raise InvalidInput("Choose at least one other request to merge.", field="other_ids")
    with ctx.db.transaction() as tx:
        s = tx.session
        target = visible_request(s, actor, into_id)
        kept = {line.item_id: line for line in _unplanned(s, target)}
        for other_id in others:
            other = visible_request(s, actor, other_id)
            if other.organisation_id != target.organisation_id:
                raise InvalidInput(f"Request {other_id} is from another organisation.", field="other_ids")
            for line in _unplanned(s, other):
                if line.item_id in kept:
                    kept[line.item_id].quantity += line.quantity
                    problem = check_quantity(kept[line.item_id].quantity)
                    if problem:
                        raise InvalidInput(problem, field="other_ids")
                    s.delete(line)
                else:
                    line.request_id = target.id
                    kept[line.item_id] = line
                s.add(kept[line.item_id])
            target.needed_by = min(target.needed_by, other.needed_by)
            if move(s, Request, RequestStatus, other.id, "cancel", user_id=actor.user_id,
                    note=f"merged into request {target.id}", status_reason=f"merged into request {target.id}") is None:
                raise Conflict(f"Request {other_id} changed meanwhile.")
        s.add(target)
        s.flush()
        return request_view(s, target)
