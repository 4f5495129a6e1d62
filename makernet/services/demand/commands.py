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
                raise InvalidInput("demand.line_item_unknown", field=f"lines[{index}].item_id", line=index + 1,
                                   id=item_id)
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
        raise InvalidInput("demand.no_lines", field="lines")
    if len(lines) > MAX_LINES:
        raise InvalidInput("demand.too_many_lines", field="lines", most=MAX_LINES)
    for index, (_item, quantity) in enumerate(lines):
        problem = check_quantity(quantity)
        if problem:
            code, figures = problem
            raise InvalidInput(code, field=f"lines[{index}].quantity", line=index + 1, **figures)
    problem = check_needed_by(needed_by, today)
    if problem:
        raise InvalidInput(problem, field="needed_by")
    if not delivery_point.strip():
        raise InvalidInput("demand.delivery_point_required", field="delivery_point")
    if priority not in PRIORITIES:
        raise InvalidInput("demand.priority_unknown", field="priority", value=priority, allowed=list(PRIORITIES))


def approve_request(ctx: Context, actor: Actor, request_id: int) -> dict:
    """A coordinator approves a submitted request for allocation."""
    actor.require("coordinator")
    with ctx.db.transaction() as tx:
        request = visible_request(tx.session, actor, request_id)
        if move(tx.session, Request, RequestStatus, request.id, "approve", user_id=actor.user_id) is None:
            raise Conflict("request.not_submitted", id=request_id, status=request.status)
        record(ctx, tx, RequestApproved(request.id))
        return request_view(tx.session, request)


def reject_request(ctx: Context, actor: Actor, request_id: int, reason: str) -> dict:
    """A coordinator rejects a request, saying why."""
    actor.require("coordinator")
    if not reason.strip():
        raise InvalidInput("demand.reject_reason_required", field="reason")
    with ctx.db.transaction() as tx:
        request = visible_request(tx.session, actor, request_id)
        if move(tx.session, Request, RequestStatus, request.id, "reject", user_id=actor.user_id,
                note=reason, status_reason=reason.strip()) is None:
            raise Conflict("request.not_rejectable", id=request_id, status=request.status)
        return request_view(tx.session, request)


TRIAGE_STATES = frozenset({"submitted", "approved"})


def _unplanned(s: Session, request: Request) -> list[RequestLine]:
    """The lines of a request in triage that no work order points at yet (else Conflict)."""
    if request.status not in TRIAGE_STATES:
        raise Conflict("request.not_in_triage", id=request.id, status=request.status)
    lines = list(s.exec(select(RequestLine).where(RequestLine.request_id == request.id)
                        .order_by(RequestLine.id)).all())  # type: ignore[arg-type]
    planned = s.exec(select(WorkOrder.id).where(WorkOrder.request_line_id.in_([ln.id for ln in lines]))).first()  # type: ignore[union-attr]
    if planned is not None:
        raise Conflict("request.has_work_orders", id=request.id)
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
            raise InvalidInput("demand.line_not_in_request", field="lines", line_id=line_id)
        if not 0 <= quantity <= by_id[line_id].quantity:
            raise InvalidInput("demand.split_out_of_range", field=f"line_{line_id}", most=by_id[line_id].quantity,
                               line_id=line_id)
    total_moved = sum(moved.values())
    if total_moved == 0:
        raise InvalidInput("demand.split_nothing_moved", field="lines")
    if total_moved == sum(line.quantity for line in lines):
        raise InvalidInput("demand.split_nothing_left", field="lines")


def merge_requests(ctx: Context, actor: Actor, into_id: int, other_ids: list[int]) -> dict:
    """Fold duplicate requests of one organisation into one; the others are cancelled."""
    actor.require("coordinator")
    others = sorted(set(other_ids) - {into_id})
    if not others:
        raise InvalidInput("demand.merge_nothing_chosen", field="other_ids")
    with ctx.db.transaction() as tx:
        s = tx.session
        target = visible_request(s, actor, into_id)
        kept = {line.item_id: line for line in _unplanned(s, target)}
        for other_id in others:
            other = visible_request(s, actor, other_id)
            if other.organisation_id != target.organisation_id:
                raise InvalidInput("demand.merge_other_organisation", field="other_ids", id=other_id)
            for line in _unplanned(s, other):
                if line.item_id in kept:
                    kept[line.item_id].quantity += line.quantity
                    if check_quantity(kept[line.item_id].quantity):
                        raise InvalidInput("demand.merged_quantity_too_large", field="other_ids", most=MAX_QUANTITY)
                    s.delete(line)
                else:
                    line.request_id = target.id
                    kept[line.item_id] = line
                s.add(kept[line.item_id])
            target.needed_by = min(target.needed_by, other.needed_by)
            if move(s, Request, RequestStatus, other.id, "cancel", user_id=actor.user_id,
                    note=f"merged into request {target.id}", status_reason=f"merged into request {target.id}") is None:
                raise Conflict("request.changed_meanwhile", id=other_id)
        s.add(target)
        s.flush()
        return request_view(s, target)
