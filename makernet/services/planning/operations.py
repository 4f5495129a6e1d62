"""Steps of allocation run inside a caller's transaction: accept an order, what is left, where and what to make."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from makernet.domain.states import WorkOrderStatus
from makernet.errors import Conflict, NotFound
from makernet.models import DesignVersion, Item, Organisation, Place, Request, WorkOrder
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
