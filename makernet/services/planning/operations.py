"""Steps of allocation run inside a caller's transaction: accept an order, what is left, where and what to make."""
from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, select

from makernet.domain.explanations import Words, french, stored
from makernet.domain.states import JobStatus, WorkOrderStatus
from makernet.errors import Conflict, NotFound
from makernet.models import DesignVersion, Item, Job, Organisation, Place, Request, WorkOrder
from makernet.models.base import utcnow
from makernet.services.access import Actor
from makernet.services.transitions import move


def allocatable_place(s: Session, actor: Actor, place_id: int, item_id: int) -> Place:
    """The place, if active, in the coordinator's territory and accepting this item."""
    place = s.get(Place, place_id)
    if place is None or not actor.sees_departement(place.departement):
        raise NotFound("place.not_found", id=place_id)
    if not place.active:
        raise Conflict("planning.place_not_taking_work", place=place.name)
    if place.accepted_item_ids and item_id not in place.accepted_item_ids:
        raise Conflict("planning.place_does_not_make_item", place=place.name)
    return place


def validated_design(s: Session, item_id: int, request: Request, design_version_id: int | None) -> DesignVersion:
    """The design version to produce: validated for this kind of requester, the newest by default."""
    kind = s.get(Organisation, request.organisation_id).kind
    query = select(DesignVersion).where(DesignVersion.item_id == item_id, DesignVersion.validated == True)  # noqa: E712
    if design_version_id is not None:
        query = query.where(DesignVersion.id == design_version_id)
    for design in s.exec(query.order_by(DesignVersion.id.desc())).all():  # type: ignore[union-attr]
        if not design.validated_for or kind in design.validated_for:
            return design
    item = s.get(Item, item_id)
    raise Conflict("planning.no_design_for_requester", item=item.name, kind=kind)


def allocated_quantity(s: Session, request_line_id: int) -> int:
    """Units of a line already proposed, accepted or made elsewhere."""
    proposed = s.exec(select(func.coalesce(func.sum(WorkOrder.quantity), 0)).where(
        WorkOrder.request_line_id == request_line_id, WorkOrder.status == "proposed")).one()
    accepted = s.exec(select(func.coalesce(func.sum(WorkOrder.accepted_quantity), 0)).where(
        WorkOrder.request_line_id == request_line_id, WorkOrder.status.in_(("accepted", "done")))).one()  # type: ignore[attr-defined]
    return int(proposed) + int(accepted)


def accept_order(s: Session, order: WorkOrder, quantity: int, user_id: int | None, note: str) -> bool:
    """Guarded move to accepted with the accepted quantity."""
    done = move(s, WorkOrder, WorkOrderStatus, order.id, "accept", user_id=user_id, note=note,
                accepted_quantity=quantity, decided_at=utcnow())
    return done is not None


def not_begun(s: Session, order: WorkOrder) -> int:
    """Units of a work order no machine has begun: all of a proposal, the queued plates of accepted work."""
    if order.status == "proposed":
        return order.quantity
    if order.status != "accepted":
        return 0
    return int(s.exec(select(func.coalesce(func.sum(Job.units), 0)).where(
        Job.work_order_id == order.id, Job.status == "queued")).one())


def take_back(s: Session, order: WorkOrder, units: int, why: Words, user_id: int | None, *,
              skip_claimed: bool = False) -> int:
    """Take `units` not begun off a work order: a proposal shrinks or is withdrawn; accepted work loses its last
    queued plates (the last one taken shrinks if it holds more than is left to take), and is released when
    nothing of it had begun, finished when what had begun is all made.

    The order's quantity shrinks with it, so the place does not read as having refused any of it. `why` is kept
    on the order as words (said in the reader's language) and in French. A plate a machine claimed meanwhile is a
    conflict, or with `skip_claimed` stays with the order, the units coming from its queued plates before it as
    far as they go (the give-backs of a place that stopped or can do less; a coordinator is told). Returns the
    units taken.
    """
    text, words = french(why)[:1000], stored(why)
    reason = {"reason": text, "reason_words": words}
    if order.status == "proposed":
        kept = order.quantity - units
        if kept == 0:
            done = move(s, WorkOrder, WorkOrderStatus, order.id, "withdraw", user_id=user_id, note=text,
                        decided_at=utcnow(), **reason)
        else:
            done = s.execute(update(WorkOrder).where(WorkOrder.id == order.id, WorkOrder.status == "proposed")
                             .values(quantity=kept, **reason)).rowcount
        if not done:
            raise Conflict("work_order.decided_meanwhile", id=order.id)
        return units
    left = units
    queued = s.exec(select(Job).where(Job.work_order_id == order.id, Job.status == "queued")
                    .order_by(Job.sequence.desc(), Job.id.desc())).all()  # type: ignore[attr-defined]
    for job in queued:
        if left == 0:
            break
        if job.units <= left:
            done = move(s, Job, JobStatus, job.id, "withdraw", user_id=user_id, note=text) is not None
        else:
            done = bool(s.execute(update(Job).where(Job.id == job.id, Job.status == "queued")
                                  .values(units=job.units - left)).rowcount)
        if not done and skip_claimed:
            continue
        if not done:
            raise Conflict("work_order.decided_meanwhile", id=order.id)
        left -= min(job.units, left)
    taken = units - left
    if not taken:
        return 0
    kept = order.accepted_quantity - taken
    shrunk = {"quantity": order.quantity - taken} if kept else {}   # a released order keeps what it was
    s.execute(update(WorkOrder).where(WorkOrder.id == order.id).values(accepted_quantity=kept, **reason, **shrunk))
    if kept == 0:
        move(s, WorkOrder, WorkOrderStatus, order.id, "release", user_id=user_id, note=text, decided_at=utcnow())
    elif order.units_made >= kept:
        move(s, WorkOrder, WorkOrderStatus, order.id, "finish", user_id=user_id, note=text)
    return taken
