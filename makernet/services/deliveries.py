"""Deliveries: finished units leave a place, travel, and the requester confirms receipt or refuses them."""
from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, select

from makernet.domain.states import DeliveryStatus, RequestStatus
from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import Delivery, DeliveryLine, Place, Request, RequestLine, WorkOrder
from makernet.models.base import utcnow
from makernet.models.deliveries import CollectionPoint
from makernet.services.accounts import Actor
from makernet.services.context import Context
from makernet.services.planning import operator_works_on_request
from makernet.services.transitions import created, move

MODES = ("direct", "collection_point", "runner")
POINT_KINDS = ("pick_up", "drive_through")
UNDER_WAY = ("prepared", "picked_up", "delivered")


def create_delivery(ctx: Context, actor: Actor, *, place_id: int, request_id: int,
                    lines: list[tuple[int, int]], mode: str = "direct", destination: str = "",
                    collection_point_id: int | None = None, carrier_name: str = "") -> dict:
    """Prepare a delivery of finished units from one of the actor's places to a request."""
    actor.require("operator")
    if mode not in MODES:
        raise InvalidInput(f"Unknown delivery mode {mode!r}; use one of: {', '.join(MODES)}.", field="mode")
    if (mode == "collection_point") != (collection_point_id is not None):
        raise InvalidInput("A delivery to a collection point names the point, and only such a delivery does.",
                           field="collection_point_id")
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
        if collection_point_id is not None:
            destination = _point_address(s, collection_point_id)
        delivery = Delivery(place_id=place.id, request_id=request.id, mode=mode, created_by=actor.user_id,
                            destination=destination.strip() or request.delivery_point,
                            collection_point_id=collection_point_id, carrier_name=carrier_name.strip()[:200])
        s.add(delivery)
        s.flush()
        created(s, Delivery, delivery.id, delivery.status, user_id=actor.user_id)
        for index, (line_id, quantity) in enumerate(lines):
            _add_line(s, delivery, index, line_id, quantity)
        move(s, Request, RequestStatus, request.id, "shipped", user_id=actor.user_id, note=f"delivery {delivery.id}",
             only_from=frozenset({"allocated", "in_production"}))
        return delivery_view(s, delivery)


def _point_address(s: Session, point_id: int) -> str:
    """Where a collection point is, as it goes on the delivery."""
    point = s.get(CollectionPoint, point_id)
    if point is None or not point.active:
        raise InvalidInput(f"Unknown collection point {point_id}.", field="collection_point_id")
    return f"{point.name}, {point.address}"[:300]


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


def _own_delivery(s: Session, actor: Actor, delivery_id: int) -> Delivery:
    """A delivery leaving one of the operator's places."""
    actor.require("operator")
    delivery = _visible_delivery(s, actor, delivery_id)
    if actor.role != "admin" and s.get(Place, delivery.place_id).organisation_id != actor.organisation_id:
        raise NotFound(f"Delivery {delivery_id} not found.")
    return delivery


def mark_picked_up(ctx: Context, actor: Actor, delivery_id: int, carrier_name: str = "") -> dict:
    """A runner or driver took the parcel from the place."""
    with ctx.db.transaction() as tx:
        s = tx.session
        delivery = _own_delivery(s, actor, delivery_id)
        carrier = carrier_name.strip()[:200] or delivery.carrier_name
        if move(s, Delivery, DeliveryStatus, delivery.id, "picked_up", user_id=actor.user_id, note=carrier,
                carrier_name=carrier, picked_up_at=utcnow()) is None:
            raise Conflict(f"Delivery {delivery_id} is {delivery.status}; it cannot be picked up.")
        return delivery_view(s, delivery)


def mark_delivered(ctx: Context, actor: Actor, delivery_id: int) -> dict:
    """The parcel reached its delivery point or collection point; the requester has yet to confirm."""
    with ctx.db.transaction() as tx:
        s = tx.session
        delivery = _own_delivery(s, actor, delivery_id)
        if move(s, Delivery, DeliveryStatus, delivery.id, "delivered", user_id=actor.user_id,
                delivered_at=utcnow()) is None:
            raise Conflict(f"Delivery {delivery_id} is {delivery.status}; it cannot be marked delivered.")
        return delivery_view(s, delivery)


def confirm_receipt(ctx: Context, actor: Actor, delivery_id: int, receiver_name: str) -> dict:
    """The requester confirms the units arrived; a request fully received is closed."""
    actor.require("requester")
    if not receiver_name.strip():
        raise InvalidInput("Give the name of the person who received the delivery.", field="receiver_name")
    with ctx.db.transaction() as tx:
        s = tx.session
        delivery, request = _requesters_delivery(s, actor, delivery_id)
        if move(s, Delivery, DeliveryStatus, delivery.id, "received", user_id=actor.user_id,
                receiver_name=receiver_name.strip()[:200], received_at=utcnow()) is None:
            raise Conflict(f"Delivery {delivery_id} is {delivery.status}; its receipt cannot be confirmed.")
        for line in _lines(s, delivery.id):
            s.execute(update(RequestLine).where(RequestLine.id == line.request_line_id).values(
                units_received=RequestLine.units_received + line.quantity))
        s.flush()
        lines = s.exec(select(RequestLine).where(RequestLine.request_id == request.id)).all()
        if all(line.units_received >= line.quantity for line in lines):
            move(s, Request, RequestStatus, request.id, "closed", user_id=actor.user_id, note="all units received")
        return delivery_view(s, delivery)


def refuse_delivery(ctx: Context, actor: Actor, delivery_id: int, reason: str) -> dict:
    """The requester refuses a delivery, saying why; its units go back to the place's stock of finished units."""
    actor.require("requester")
    if not reason.strip():
        raise InvalidInput("Say why the delivery is refused.", field="reason")
    with ctx.db.transaction() as tx:
        s = tx.session
        delivery, request = _requesters_delivery(s, actor, delivery_id)
        if move(s, Delivery, DeliveryStatus, delivery.id, "refused", user_id=actor.user_id, note=reason,
                refused_reason=reason.strip()[:1000], refused_at=utcnow()) is None:
            raise Conflict(f"Delivery {delivery_id} is {delivery.status}; it can no longer be refused.")
        for line in _lines(s, delivery.id):
            s.execute(update(RequestLine).where(RequestLine.id == line.request_line_id).values(
                units_delivered=RequestLine.units_delivered - line.quantity))
        under_way = s.exec(select(Delivery.id).where(Delivery.request_id == request.id,
                                                     Delivery.status.in_(UNDER_WAY))).first()  # type: ignore[attr-defined]
        if under_way is None:
            move(s, Request, RequestStatus, request.id, "in_production", user_id=actor.user_id,
                 note=f"delivery {delivery.id} refused", only_from=frozenset({"shipped"}))
        return delivery_view(s, delivery)


def _requesters_delivery(s: Session, actor: Actor, delivery_id: int) -> tuple[Delivery, Request]:
    """A delivery to one of the requester's requests."""
    delivery = _visible_delivery(s, actor, delivery_id)
    request = s.get(Request, delivery.request_id)
    if actor.role != "admin" and request.organisation_id != actor.organisation_id:
        raise NotFound(f"Delivery {delivery_id} not found.")
    return delivery, request


def _visible_delivery(s: Session, actor: Actor, delivery_id: int) -> Delivery:
    """A delivery of the actor's place or request (or territory, for coordinators)."""
    delivery = s.get(Delivery, delivery_id)
    if delivery is not None and can_see_delivery(s, actor, delivery):
        return delivery
    raise NotFound(f"Delivery {delivery_id} not found.")


def can_see_delivery(s: Session, actor: Actor, delivery: Delivery) -> bool:
    """Deliveries of the actor's places or requests, or of a coordinator's territory."""
    place = s.get(Place, delivery.place_id)
    request = s.get(Request, delivery.request_id)
    return actor.role == "admin" or actor.organisation_id in (place.organisation_id, request.organisation_id) \
        or actor.sees_departement(place.departement)


def get_delivery(ctx: Context, actor: Actor, delivery_id: int) -> dict:
    """One delivery the actor may see."""
    with ctx.db.reading() as s:
        return delivery_view(s, _visible_delivery(s, actor, delivery_id))


def list_deliveries(ctx: Context, actor: Actor, request_id: int | None = None, status: str | None = None) -> list[dict]:
    """Deliveries the actor may see, newest first, optionally of one request or in one state."""
    if status is not None and status not in {st.value for st in DeliveryStatus}:
        raise InvalidInput(f"Unknown status {status!r}.", field="status")
    with ctx.db.reading() as s:
        query = select(Delivery).order_by(Delivery.id.desc())  # type: ignore[union-attr]
        if request_id is not None:
            query = query.where(Delivery.request_id == request_id)
        if status is not None:
            query = query.where(Delivery.status == status)
        return [delivery_view(s, d) for d in s.exec(query.limit(1000)).all() if can_see_delivery(s, actor, d)]


def awaiting(ctx: Context, actor: Actor, request_id: int) -> dict:
    """What a request still awaits, line by line: to make, to ship, on the way, received."""
    from makernet.services.demand import visible_request
    with ctx.db.reading() as s:
        request = visible_request(s, actor, request_id)
        on_the_way = dict(s.exec(select(DeliveryLine.request_line_id, func.sum(DeliveryLine.quantity))
                                 .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
                                 .where(Delivery.request_id == request.id, Delivery.status.in_(UNDER_WAY))  # type: ignore[attr-defined]
                                 .group_by(DeliveryLine.request_line_id)).all())
        lines = s.exec(select(RequestLine).where(RequestLine.request_id == request.id)
                       .order_by(RequestLine.id)).all()  # type: ignore[arg-type]
        deliveries = s.exec(select(Delivery).where(Delivery.request_id == request.id)
                            .order_by(Delivery.id)).all()  # type: ignore[arg-type]
        return {"request_id": request.id, "status": request.status,
                "lines": [{"request_line_id": ln.id, "item_id": ln.item_id, "quantity": ln.quantity,
                           "made": ln.units_made, "to_make": max(ln.quantity - ln.units_made, 0),
                           "to_ship": max(ln.quantity - ln.units_delivered, 0),
                           "on_the_way": int(on_the_way.get(ln.id, 0)), "received": ln.units_received,
                           "awaiting": max(ln.quantity - ln.units_received, 0)} for ln in lines],
                "deliveries": [delivery_view(s, d) for d in deliveries]}


def create_collection_point(ctx: Context, actor: Actor, *, name: str, address: str, commune: str = "",
                            departement: str = "", kind: str = "pick_up", opening_hours: str = "") -> dict:
    """Open a place where requesters collect their units (a drive-through, a town-hall pick-up point)."""
    actor.require("coordinator", "operator")
    if kind not in POINT_KINDS:
        raise InvalidInput(f"Unknown kind {kind!r}; use one of: {', '.join(POINT_KINDS)}.", field="kind")
    if not name.strip() or not address.strip():
        raise InvalidInput("A collection point needs a name and an address.",
                           field="name" if not name.strip() else "address")
    if actor.role == "coordinator" and not actor.sees_departement(departement.strip()):
        raise InvalidInput("A coordinator opens collection points in their own territory.", field="departement")
    with ctx.db.transaction() as tx:
        point = CollectionPoint(name=name.strip()[:200], address=address.strip()[:300], commune=commune.strip()[:120],
                                departement=departement.strip()[:3], kind=kind, created_by=actor.user_id,
                                opening_hours=opening_hours.strip()[:300])
        tx.session.add(point)
        tx.session.flush()
        return point_view(point)


def list_collection_points(ctx: Context, departement: str | None = None) -> list[dict]:
    """Active collection points, optionally of one département."""
    with ctx.db.reading() as s:
        query = select(CollectionPoint).where(CollectionPoint.active == True)  # noqa: E712
        if departement:
            query = query.where(CollectionPoint.departement == departement)
        return [point_view(p) for p in s.exec(query.order_by(CollectionPoint.name)).all()]  # type: ignore[arg-type]


def point_view(point: CollectionPoint) -> dict:
    """A collection point as plain data."""
    return {"id": point.id, "name": point.name, "address": point.address, "commune": point.commune,
            "departement": point.departement, "kind": point.kind, "opening_hours": point.opening_hours}


def _lines(s: Session, delivery_id: int) -> list[DeliveryLine]:
    return list(s.exec(select(DeliveryLine).where(DeliveryLine.delivery_id == delivery_id)
                       .order_by(DeliveryLine.id)).all())  # type: ignore[arg-type]


def delivery_view(s: Session, delivery: Delivery) -> dict:
    """A delivery as plain data."""
    s.refresh(delivery)
    stamp = lambda t: t.isoformat() if t else None  # noqa: E731
    return {"id": delivery.id, "place_id": delivery.place_id, "request_id": delivery.request_id,
            "status": delivery.status, "mode": delivery.mode, "destination": delivery.destination,
            "collection_point_id": delivery.collection_point_id, "carrier_name": delivery.carrier_name,
            "receiver_name": delivery.receiver_name, "refused_reason": delivery.refused_reason,
            "created_at": stamp(delivery.created_at), "picked_up_at": stamp(delivery.picked_up_at),
            "delivered_at": stamp(delivery.delivered_at), "received_at": stamp(delivery.received_at),
            "refused_at": stamp(delivery.refused_at), "receipt_path": f"/deliveries/{delivery.id}/receipt",
            "lines": [{"request_line_id": ln.request_line_id, "quantity": ln.quantity} for ln in _lines(s, delivery.id)]}
