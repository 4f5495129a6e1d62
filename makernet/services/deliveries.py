"""Deliveries: finished units leave a place; the requester confirms receipt."""
from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, select

from makernet.domain.states import DeliveryStatus, RequestStatus
from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import Delivery, DeliveryLine, Place, Request, RequestLine, WorkOrder
from makernet.models.base import utcnow
from makernet.services.accounts import Actor
from makernet.services.context import Context
from makernet.services.planning import operator_works_on_request
from makernet.services.transitions import created, move

MODES = ("direct", "collection_point", "runner")


def create_delivery(ctx: Context, actor: Actor, *, place_id: int, request_id: int,
                    lines: list[tuple[int, int]], mode: str = "direct", destination: str = "") -> dict:
    """Prepare a delivery of finished units from one of the actor's places to a request."""
    actor.require("operator")
    if mode not in MODES:
        raise InvalidInput(f"Unknown delivery mode {mode!r}; use one of: {', '.join(MODES)}.", field="mode")
    if not lines:
        raise InvalidInput("A delivery needs at least one line.", field="lines")
    with ctx.db.transaction() as tx:
        s = tx.session
        place = s.get(Place, place_id)
        if place is None or (actor.role != "admin" and place.organisation_id != actor.organisation_id):
            raise NotFound(f"Place {place_id} not found.")
        request = s.get(Request, request_id)
        if request is None or not operator_works_on_request(s, actor, request_id, place.id):
            raise NotFound(f"Request {request_id} not found among this place's work.")
        delivery = Delivery(place_id=place.id, request_id=request.id, mode=mode, created_by=actor.user_id,
                            destination=destination.strip() or request.delivery_point)
        s.add(delivery)
        s.flush()
        created(s, Delivery, delivery.id, delivery.status, user_id=actor.user_id)
        for index, (line_id, quantity) in enumerate(lines):
            _add_line(s, delivery, index, line_id, quantity)
        move(s, Request, RequestStatus, request.id, "shipped", user_id=actor.user_id, note=f"delivery {delivery.id}",
             only_from=frozenset({"allocated", "in_production"}))
        return delivery_view(s, delivery)


def _add_line(s: Session, delivery: Delivery, index: int, line_id: int, quantity: int) -> None:
    """Add a line, never shipping more than the place made for it and has not shipped yet."""
    line = s.get(RequestLine, line_id)
    if line is None or line.request_id != delivery.request_id:
        raise InvalidInput(f"Line {index + 1}: request line {line_id} is not part of this request.",
                           field=f"lines[{index}].request_line_id")
    made = s.exec(select(func.coalesce(func.sum(WorkOrder.units_made), 0)).where(
        WorkOrder.request_line_id == line_id, WorkOrder.place_id == delivery.place_id)).one()
    shipped = s.exec(select(func.coalesce(func.sum(DeliveryLine.quantity), 0))
                     .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
                     .where(DeliveryLine.request_line_id == line_id, Delivery.place_id == delivery.place_id,
                            Delivery.status != "refused")).one()
    available = int(made) - int(shipped)
    if quantity <= 0 or quantity > available:
        raise InvalidInput(f"Line {index + 1}: between 1 and {available} units are ready to ship from this place.",
                           field=f"lines[{index}].quantity")
    s.add(DeliveryLine(delivery_id=delivery.id, request_line_id=line_id, quantity=quantity))
    s.execute(update(RequestLine).where(RequestLine.id == line_id).values(
        units_delivered=RequestLine.units_delivered + quantity))
    s.flush()


def confirm_receipt(ctx: Context, actor: Actor, delivery_id: int, receiver_name: str) -> dict:
    """The requester confirms the units arrived; a request fully received is closed."""
    actor.require("requester")
    if not receiver_name.strip():
        raise InvalidInput("Give the name of the person who received the delivery.", field="receiver_name")
    with ctx.db.transaction() as tx:
        s = tx.session
        delivery = _visible_delivery(s, actor, delivery_id)
        request = s.get(Request, delivery.request_id)
        if actor.role != "admin" and request.organisation_id != actor.organisation_id:
            raise NotFound(f"Delivery {delivery_id} not found.")
        if move(s, Delivery, DeliveryStatus, delivery.id, "received", user_id=actor.user_id,
                receiver_name=receiver_name.strip(), received_at=utcnow()) is None:
            raise Conflict(f"Delivery {delivery_id} is {delivery.status}; its receipt cannot be confirmed.")
        for line in s.exec(select(DeliveryLine).where(DeliveryLine.delivery_id == delivery.id)).all():
            s.execute(update(RequestLine).where(RequestLine.id == line.request_line_id).values(
                units_received=RequestLine.units_received + line.quantity))
        s.flush()
        lines = s.exec(select(RequestLine).where(RequestLine.request_id == request.id)).all()
        if all(line.units_received >= line.quantity for line in lines):
            move(s, Request, RequestStatus, request.id, "closed", user_id=actor.user_id, note="all units received")
        return delivery_view(s, delivery)


def _visible_delivery(s: Session, actor: Actor, delivery_id: int) -> Delivery:
    """A delivery of the actor's place or request (or territory, for coordinators)."""
    delivery = s.get(Delivery, delivery_id)
    if delivery is not None:
        place = s.get(Place, delivery.place_id)
        request = s.get(Request, delivery.request_id)
        if actor.role == "admin" or actor.organisation_id in (place.organisation_id, request.organisation_id) \
                or actor.sees_departement(place.departement):
            return delivery
    raise NotFound(f"Delivery {delivery_id} not found.")


def get_delivery(ctx: Context, actor: Actor, delivery_id: int) -> dict:
    """One delivery the actor may see."""
    with ctx.db.reading() as s:
        return delivery_view(s, _visible_delivery(s, actor, delivery_id))


def delivery_view(s: Session, delivery: Delivery) -> dict:
    """A delivery as plain data."""
    s.refresh(delivery)
    lines = s.exec(select(DeliveryLine).where(DeliveryLine.delivery_id == delivery.id)).all()
    return {"id": delivery.id, "place_id": delivery.place_id, "request_id": delivery.request_id,
            "status": delivery.status, "mode": delivery.mode, "destination": delivery.destination,
            "receiver_name": delivery.receiver_name,
            "lines": [{"request_line_id": ln.request_line_id, "quantity": ln.quantity} for ln in lines]}
