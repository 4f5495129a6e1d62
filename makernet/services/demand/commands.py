"""Requests: submit, change, call off, ask for a change; approve, reject, split, merge."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from makernet.domain.demand import MAX_QUANTITY, check_needed_by, check_quantity
from makernet.domain.states import RequestStatus
from makernet.errors import Conflict, InvalidInput
from makernet.models import Organisation, Request, RequestLine, WorkOrder
from makernet.services.access import Actor, own_request, visible_request
from makernet.services.context import Context
from makernet.services.demand.operations import (call_off_work, check_changeable, check_fields, check_lines,
                                                 replace_lines, sent_on, tallied)
from makernet.services.demand.views import request_view
from makernet.services.events import ChangeAsked, RequestApproved, RequestRejected, RequestSubmitted, record
from makernet.services.transitions import created, move
from makernet.services.demand.views import RequestView


def submit_request(ctx: Context, actor: Actor, *, needed_by: date, delivery_point: str,
                   lines: list[tuple[int, int]], priority: str = "normal", beneficiary: str = "",
                   urgency_reason: str = "", latitude: float | None = None,
                   longitude: float | None = None, today: date | None = None) -> RequestView:
    """Record a new request of the actor's organisation; every line is checked before anything is written."""
    actor.require("requester")
    check_fields(needed_by, delivery_point, priority, today or date.today())
    with ctx.db.transaction() as tx:
        s = tx.session
        check_lines(s, lines)
        organisation = s.get(Organisation, actor.organisation_id)
        request = Request(
            organisation_id=actor.organisation_id, created_by=actor.user_id, needed_by=needed_by,
            delivery_point=delivery_point.strip(), priority=priority, beneficiary=beneficiary.strip(),
            urgency_reason=urgency_reason.strip(),
            latitude=latitude if latitude is not None else organisation.latitude,
            longitude=longitude if longitude is not None else organisation.longitude,
            created_at=sent_on(today),
        )
        s.add(request)
        s.flush()
        rows = [RequestLine(request_id=request.id, item_id=item_id, quantity=quantity) for item_id, quantity in lines]
        s.add_all(rows)
        created(s, Request, request.id, request.status, user_id=actor.user_id)
        with tallied(s) as counted:
            counted.append(request.id)
        record(ctx, tx, RequestSubmitted(request.id))
        return request_view(s, request, rows)


EDITABLE = ("needed_by", "delivery_point", "priority", "beneficiary", "urgency_reason")


def change_request(ctx: Context, actor: Actor, request_id: int, *, needed_by: date | None = None,
                   delivery_point: str | None = None, priority: str | None = None, beneficiary: str | None = None,
                   urgency_reason: str | None = None, lines: list[tuple[int, int]] | None = None,
                   today: date | None = None) -> RequestView:
    """The requester changes a request before production started on it: it goes back to triage.

    A field left None stays as it is; `lines` replace the request's lines. Nothing changed: nothing happens.
    A request approved or allocated returns to "submitted", and its work orders are cancelled (the places
    read why on them).
    """
    fields = {"needed_by": needed_by, "delivery_point": delivery_point, "priority": priority,
              "beneficiary": beneficiary, "urgency_reason": urgency_reason}
    with ctx.db.transaction() as tx:
        s = tx.session
        request = own_request(s, actor, request_id)
        check_changeable(s, request)
        values = {name: value.strip() if isinstance(value, str) else value
                  for name, value in fields.items() if value is not None}
        merged = {name: values.get(name, getattr(request, name)) for name in EDITABLE}
        check_fields(merged["needed_by"], merged["delivery_point"], merged["priority"], today or date.today())
        before = {(line["item_id"], line["quantity"]) for line in request_view(s, request)["lines"]}
        if lines is not None:
            check_lines(s, lines)
        changed = [name for name in EDITABLE if merged[name] != getattr(request, name)]
        if lines is not None and set(lines) != before:
            changed.append("lines")
        if not changed:
            return request_view(s, request)
        why = f"Demande n° {request.id} modifiée par le demandeur : elle retourne à l'examen de la coordination."
        with tallied(s, request.id):
            cancelled = call_off_work(s, request.id, why, actor.user_id)
            for name in changed:
                if name != "lines":
                    setattr(request, name, merged[name])
            s.add(request)
            s.flush()   # before `move` reads the row again
            if lines is not None:
                replace_lines(s, request.id, lines)
            note = "changed: " + ", ".join(changed) + (f"; work orders cancelled: {len(cancelled)}" if cancelled else "")
            if move(s, Request, RequestStatus, request.id, "revise", user_id=actor.user_id, note=note) is None:
                raise Conflict("request.changed_meanwhile", id=request_id)
        return request_view(s, request)


def cancel_request(ctx: Context, actor: Actor, request_id: int) -> RequestView:
    """The requester (or a coordinator) calls off a request before production started; its work orders are cancelled."""
    with ctx.db.transaction() as tx:
        s = tx.session
        request = own_request(s, actor, request_id, coordinators=True)
        check_changeable(s, request)
        by = "le demandeur" if request.organisation_id == actor.organisation_id else "la coordination"
        cancelled = call_off_work(s, request.id, f"Demande n° {request.id} annulée par {by}.", actor.user_id)
        note = "called off" + (f"; work orders cancelled: {len(cancelled)}" if cancelled else "")
        with tallied(s, request.id):
            if move(s, Request, RequestStatus, request.id, "call_off", user_id=actor.user_id, note=note,
                    status_reason=f"annulée par {by}") is None:
                raise Conflict("request.changed_meanwhile", id=request_id)
        return request_view(s, request)


def ask_for_change(ctx: Context, actor: Actor, request_id: int, message: str) -> dict:
    """The requester asks the coordination for a change it can no longer make itself (production started)."""
    message = message.strip()
    if not message:
        raise InvalidInput("demand.ask_message_required", field="message")
    if len(message) > ASK_MOST:
        raise InvalidInput("demand.ask_message_too_long", field="message", most=ASK_MOST)
    with ctx.db.transaction() as tx:
        request = own_request(tx.session, actor, request_id)
        if request.status in ("rejected", "cancelled", "closed"):
            raise Conflict("request.no_longer_open", id=request_id, status=request.status)
        record(ctx, tx, ChangeAsked(request.id, request.status, message, actor.user_id))
        return request_view(tx.session, request)


ASK_MOST = 500   # an audit entry's note


def approve_request(ctx: Context, actor: Actor, request_id: int) -> RequestView:
    """A coordinator approves a submitted request for allocation."""
    actor.require("coordinator")
    with ctx.db.transaction() as tx:
        request = visible_request(tx.session, actor, request_id)
        if move(tx.session, Request, RequestStatus, request.id, "approve", user_id=actor.user_id) is None:
            raise Conflict("request.not_submitted", id=request_id, status=request.status)
        record(ctx, tx, RequestApproved(request.id))
        return request_view(tx.session, request)


def reject_request(ctx: Context, actor: Actor, request_id: int, reason: str) -> RequestView:
    """A coordinator rejects a request, saying why."""
    actor.require("coordinator")
    if not reason.strip():
        raise InvalidInput("demand.reject_reason_required", field="reason")
    with ctx.db.transaction() as tx:
        request = visible_request(tx.session, actor, request_id)
        with tallied(tx.session, request.id):
            if move(tx.session, Request, RequestStatus, request.id, "reject", user_id=actor.user_id,
                    note=reason, status_reason=reason.strip()) is None:
                raise Conflict("request.not_rejectable", id=request_id, status=request.status)
        record(ctx, tx, RequestRejected(request.id, reason.strip()))
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
        with tallied(s, request.id) as counted:
            twin = Request(**request.model_dump(exclude={"id", "created_at", "status_reason"}))
            twin.needed_by = needed_by or request.needed_by
            s.add(twin)
            s.flush()
            counted.append(twin.id)
            for line in lines:
                quantity = moved.get(line.id, 0)
                if quantity:
                    s.add(RequestLine(request_id=twin.id, item_id=line.item_id, quantity=quantity))
                    line.quantity -= quantity
                    s.delete(line) if line.quantity == 0 else s.add(line)
            created(s, Request, twin.id, twin.status, user_id=actor.user_id, note=f"split from request {request.id}")
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
        with tallied(s, target.id, *others):
            _merge(s, actor, target, kept, others)
        s.add(target)
        s.flush()
        return request_view(s, target)


def _merge(s: Session, actor: Actor, target: Request, kept: dict[int, RequestLine], others: list[int]) -> None:
    """Fold each other request's lines into the target's (same item: added up), and cancel it."""
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
