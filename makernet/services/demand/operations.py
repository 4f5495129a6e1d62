"""Steps on requests run inside a caller's transaction: the rules on their fields and lines, their lines replaced,
the work not started on them called off."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from makernet.domain.demand import MAX_LINES, PRIORITIES, check_needed_by, check_quantity, repeated_item
from makernet.domain.states import JobStatus, WorkOrderStatus
from makernet.errors import Conflict, InvalidInput
from makernet.models import (DeliveryLine, DemandDay, Delivery, Item, Job, Organisation, PlanningRule, Request,
                             RequestLine, WorkOrder)
from makernet.models.base import utcnow
from makernet.services.tallies import add_to
from makernet.services.transitions import move

CHANGEABLE = ("submitted", "approved", "allocated")   # the sources of the `revise` and `call_off` transitions
NOT_DEMAND = ("rejected", "cancelled")                # requests whose units are not asked for any more
STARTED_JOBS = ("dispatching", "printing", "done", "failed")


def check_fields(needed_by: date, delivery_point: str, priority: str, today: date) -> None:
    """Refuse a needed-by date before tomorrow, an empty delivery point or an unknown priority, naming the field."""
    problem = check_needed_by(needed_by, today)
    if problem:
        raise InvalidInput(problem, field="needed_by")
    if not delivery_point.strip():
        raise InvalidInput("demand.delivery_point_required", field="delivery_point")
    if priority not in PRIORITIES:
        raise InvalidInput("demand.priority_unknown", field="priority", value=priority, allowed=list(PRIORITIES))


def check_lines(s: Session, lines: list[tuple[int, int]]) -> None:
    """Refuse lines that break a rule: none or too many, a bad quantity, an unknown item, an item twice."""
    if not lines:
        raise InvalidInput("demand.no_lines", field="lines")
    if len(lines) > MAX_LINES:
        raise InvalidInput("demand.too_many_lines", field="lines", most=MAX_LINES)
    for index, (_item, quantity) in enumerate(lines):
        problem = check_quantity(quantity)
        if problem:
            code, figures = problem
            raise InvalidInput(code, field=f"lines[{index}].quantity", line=index + 1, **figures)
    for index, (item_id, _quantity) in enumerate(lines):
        item = s.get(Item, item_id)
        if item is None or not item.active:
            raise InvalidInput("demand.line_item_unknown", field=f"lines[{index}].item_id", line=index + 1,
                               id=item_id)
    repeated = repeated_item([item_id for item_id, _quantity in lines])
    if repeated:
        index, first = repeated
        raise InvalidInput("demand.line_item_repeated", field=f"lines[{index}].item_id", line=index + 1,
                           first=first + 1, item=s.get(Item, lines[index][0]).name)


def check_changeable(s: Session, request: Request) -> None:
    """Refuse to change or call off a request once production has started on it, or once it is over."""
    if request.status in ("in_production", "shipped") or (
            request.status in CHANGEABLE and production_started(s, request.id)):
        raise Conflict("request.production_started", id=request.id)
    if request.status not in CHANGEABLE:
        raise Conflict("request.no_longer_open", id=request.id, status=request.status)


def production_started(s: Session, request_id: int) -> bool:
    """Whether a plate or batch of the request has begun, a unit was made, or a delivery was prepared."""
    lines = select(RequestLine.id).where(RequestLine.request_id == request_id)
    made = s.exec(select(func.coalesce(func.sum(RequestLine.units_made + RequestLine.units_delivered), 0))
                  .where(RequestLine.request_id == request_id)).one()
    begun = s.exec(select(Job.id).join(WorkOrder, WorkOrder.id == Job.work_order_id).where(
        WorkOrder.request_line_id.in_(lines), Job.status.in_(STARTED_JOBS))).first()  # type: ignore[attr-defined]
    delivery = s.exec(select(Delivery.id).where(Delivery.request_id == request_id)).first()
    return bool(made) or begun is not None or delivery is not None


def call_off_work(s: Session, request_id: int, why: str, user_id: int | None) -> list[int]:
    """Cancel the request's work orders that nothing was made of, their plates waiting in queue with them.

    Each move leaves its audit entry, and the work order keeps `why` as its reason: the place reads it on its
    list of work orders. Returns the ids of the work orders cancelled.
    """
    orders = s.exec(select(WorkOrder).join(RequestLine, RequestLine.id == WorkOrder.request_line_id).where(
        RequestLine.request_id == request_id, WorkOrder.status.in_(("proposed", "accepted")))  # type: ignore[attr-defined]
        .order_by(WorkOrder.id)).all()
    cancelled = []
    for order in orders:
        for job in s.exec(select(Job).where(Job.work_order_id == order.id, Job.status == "queued")).all():
            if move(s, Job, JobStatus, job.id, "withdraw", user_id=user_id, note=why) is None:
                raise Conflict("request.changed_meanwhile", id=request_id)
        name = "withdraw" if order.status == "proposed" else "release"
        if move(s, WorkOrder, WorkOrderStatus, order.id, name, user_id=user_id, note=why, reason=why[:1000],
                decided_at=utcnow()) is None:
            raise Conflict("request.changed_meanwhile", id=request_id)
        cancelled.append(order.id)
    return cancelled


def demand_of(s: Session, request_ids: list[int]) -> Counter:
    """What these requests ask for now, per (day sent, item, requesting département)."""
    if not request_ids:   # a request being created: nothing asked before it
        return Counter()
    rows = s.exec(select(Request.created_at, RequestLine.item_id, Organisation.departement, RequestLine.quantity)
                  .join(RequestLine, RequestLine.request_id == Request.id)
                  .join(Organisation, Organisation.id == Request.organisation_id)
                  .where(Request.id.in_(request_ids), Request.status.not_in(NOT_DEMAND))).all()  # type: ignore[attr-defined]
    asked: Counter = Counter()
    for sent, item_id, departement, quantity in rows:
        asked[(sent.date(), item_id, departement)] += quantity
    return asked


def sent_on(today: date | None) -> datetime:
    """When a request is sent: now, or now on the day a simulation or a test plays (`today`)."""
    now = utcnow()
    return now if today is None or today == now.date() else datetime.combine(today, now.timetz())


@contextmanager
def tallied(s: Session, *request_ids: int) -> Iterator[list[int]]:
    """Keep the units asked per day, item and département (`DemandDay`) up to date with whatever the block does
    to these requests (and to those it appends to the list it is given: a request it creates)."""
    ids = list(request_ids)
    before = demand_of(s, ids)
    yield ids
    s.flush()
    after = demand_of(s, ids)
    for (day, item_id, departement) in set(before) | set(after):
        if after[(day, item_id, departement)] != before[(day, item_id, departement)]:
            add_to(s, DemandDay, {"day": day, "item_id": item_id, "departement": departement},
                   {"asked": after[(day, item_id, departement)] - before[(day, item_id, departement)],
                    "shipped": 0, "received": 0})


def replace_lines(s: Session, request_id: int, lines: list[tuple[int, int]]) -> None:
    """Give the request exactly these (item, quantity) lines, keeping the line of an item it already had.

    A line dropped that a work order, a planning rule or a delivery points at stays, at quantity 0, so their
    history holds; the request's views leave it out.
    """
    wanted = dict(lines)
    for line in s.exec(select(RequestLine).where(RequestLine.request_id == request_id)).all():
        quantity = wanted.pop(line.item_id, None)
        if quantity is not None:
            line.quantity = quantity
            s.add(line)
        elif _referenced(s, line.id):
            line.quantity = 0
            s.add(line)
            for rule in s.exec(select(PlanningRule).where(PlanningRule.request_line_id == line.id)).all():
                rule.active = False
                s.add(rule)
        else:
            s.delete(line)
    for item_id, quantity in wanted.items():
        s.add(RequestLine(request_id=request_id, item_id=item_id, quantity=quantity))
    s.flush()


def _referenced(s: Session, line_id: int) -> bool:
    """Whether a work order, a planning rule or a delivery points at a request line."""
    return any(s.exec(select(model.id).where(model.request_line_id == line_id)).first() is not None
               for model in (WorkOrder, PlanningRule, DeliveryLine))
