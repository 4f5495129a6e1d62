"""Deliveries: a place ships units, a carrier picks them up, the requester confirms or refuses; a day's runs
proposed, a run leaving with its deliveries."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, update
from sqlmodel import Session, select

from makernet.db import Transaction
from makernet.domain.states import DeliveryStatus, RequestStatus, RunStatus
from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import Delivery, DeliveryLine, Request, RequestLine, WorkOrder
from makernet.models.base import utcnow
from makernet.models.deliveries import CollectionPoint, DeliveryRun, DeliveryRunStop
from makernet.services.access import (Actor, check_point_departement, operator_works_on_request, own_delivery, own_place,
                                      queue_place, requesters_delivery)
from makernet.services.context import Context
from makernet.services.events import DeliveryArrived, DeliveryRefused, DeliveryShipped, ReceiptConfirmed, record
from makernet.services.deliveries.inputs import SHIPPABLE, ready_by_line
from makernet.services.deliveries.operations import count_missing, finish_run_of, tally_delivery
from makernet.services.deliveries.views import UNDER_WAY, delivery_lines, delivery_view, point_view, run_views
from makernet.services.deliveries.worker import propose_place_runs, runner_label
from makernet.services.transitions import created, move
from makernet.services.deliveries.views import CollectionPointView, DeliveryView, RunsProposed, RunView

MODES = ("direct", "collection_point", "runner")


POINT_KINDS = ("pick_up", "drive_through")


def create_delivery(ctx: Context, actor: Actor, *, place_id: int, request_id: int,
                    lines: list[tuple[int, int]], mode: str = "direct", destination: str = "",
                    collection_point_id: int | None = None, carrier_name: str = "") -> DeliveryView:
    """Prepare a delivery of finished units from one of the actor's places to a request."""
    actor.require("operator")
    if mode not in MODES:
        raise InvalidInput("delivery.mode_unknown", field="mode", value=mode, allowed=list(MODES))
    if (mode == "collection_point") != (collection_point_id is not None):
        raise InvalidInput("delivery.point_mismatch", field="collection_point_id")
    if not lines:
        raise InvalidInput("delivery.no_lines", field="lines")
    with ctx.db.transaction() as tx:
        s = tx.session
        place = own_place(s, actor, place_id)
        request = s.get(Request, request_id)
        if request is None or not operator_works_on_request(s, actor, request_id, place.id):
            raise NotFound("delivery.request_not_found", id=request_id)
        if collection_point_id is not None:
            destination = _point_address(s, collection_point_id)
        delivery = Delivery(place_id=place.id, request_id=request.id, mode=mode, created_by=actor.user_id,
                            destination=destination.strip() or request.delivery_point,
                            collection_point_id=collection_point_id, carrier_name=carrier_name.strip()[:200])
        _prepare(s, delivery, lines, actor.user_id)
        return delivery_view(s, delivery)


def _prepare(s: Session, delivery: Delivery, lines: list[tuple[int, int]], user_id: int | None) -> None:
    """Store a new delivery with its lines; it is counted shipped, and its request ships, when it leaves."""
    s.add(delivery)
    s.flush()
    created(s, Delivery, delivery.id, delivery.status, user_id=user_id)
    for index, (line_id, quantity) in enumerate(lines):
        _add_line(s, delivery, index, line_id, quantity)


def _left(ctx: Context, tx: Transaction, delivery: Delivery, user_id: int | None, tell: bool = True) -> None:
    """The delivery left the place (picked up by its carrier, handed over or collected there): its units count as
    shipped today, its request is shipped and, unless it arrives at the same moment, its requester told it is on
    its way."""
    tally_delivery(tx.session, delivery.id, delivery.request_id, utcnow().date(), shipped=1)
    move(tx.session, Request, RequestStatus, delivery.request_id, "ship", user_id=user_id,
         note=f"delivery {delivery.id}")
    if tell:
        record(ctx, tx, DeliveryShipped(delivery.id))


def _point_address(s: Session, point_id: int) -> str:
    """Where a collection point is, as it goes on the delivery."""
    point = s.get(CollectionPoint, point_id)
    if point is None or not point.active:
        raise InvalidInput("delivery.point_unknown", field="collection_point_id", id=point_id)
    return f"{point.name}, {point.address}"[:300]


def _add_line(s: Session, delivery: Delivery, index: int, line_id: int, quantity: int) -> None:
    """Add a line, never shipping more than the place made for it and has not shipped yet."""
    line = s.get(RequestLine, line_id)
    if line is None or line.request_id != delivery.request_id:
        raise InvalidInput("delivery.line_not_in_request", field=f"lines[{index}].request_line_id", line=index + 1,
                           line_id=line_id)
    made = s.exec(select(func.coalesce(func.sum(WorkOrder.units_made), 0)).where(
        WorkOrder.request_line_id == line_id, WorkOrder.place_id == delivery.place_id)).one()
    shipped = s.exec(select(func.coalesce(func.sum(DeliveryLine.quantity), 0))
                     .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
                     .where(DeliveryLine.request_line_id == line_id, Delivery.place_id == delivery.place_id,
                            Delivery.status != "refused")).one()
    available = int(made) - int(shipped)
    if quantity <= 0 or quantity > available:
        raise InvalidInput("delivery.not_enough_ready", field=f"lines[{index}].quantity", line=index + 1,
                           most=available)
    s.add(DeliveryLine(delivery_id=delivery.id, request_line_id=line_id, quantity=quantity))
    s.execute(update(RequestLine).where(RequestLine.id == line_id).values(
        units_delivered=RequestLine.units_delivered + quantity))
    s.flush()


def mark_picked_up(ctx: Context, actor: Actor, delivery_id: int, carrier_name: str = "") -> DeliveryView:
    """A runner or driver took the parcel from the place."""
    with ctx.db.transaction() as tx:
        s = tx.session
        delivery = own_delivery(s, actor, delivery_id)
        carrier = carrier_name.strip()[:200] or delivery.carrier_name
        if move(s, Delivery, DeliveryStatus, delivery.id, "pick_up", user_id=actor.user_id, note=carrier,
                carrier_name=carrier, picked_up_at=utcnow()) is None:
            raise Conflict("delivery.not_pickable", id=delivery_id, status=delivery.status)
        _left(ctx, tx, delivery, actor.user_id)
        return delivery_view(s, delivery)


def mark_delivered(ctx: Context, actor: Actor, delivery_id: int) -> DeliveryView:
    """The parcel reached its delivery point or collection point; the requester has yet to confirm."""
    with ctx.db.transaction() as tx:
        s = tx.session
        delivery = own_delivery(s, actor, delivery_id)
        was = move(s, Delivery, DeliveryStatus, delivery.id, "deliver", user_id=actor.user_id, delivered_at=utcnow())
        if was is None:
            raise Conflict("delivery.not_deliverable", id=delivery_id, status=delivery.status)
        if was == "prepared":   # handed over without a pick-up recorded: it left and arrived at once
            _left(ctx, tx, delivery, actor.user_id, tell=False)
        finish_run_of(s, delivery.id, actor.user_id)
        record(ctx, tx, DeliveryArrived(delivery.id))
        return delivery_view(s, delivery)


def confirm_receipt(ctx: Context, actor: Actor, delivery_id: int, receiver_name: str,
                    missing: dict[int, int] | None = None) -> DeliveryView:
    """The requester confirms the units arrived, counting per request line those that came damaged or did not come
    (`missing`): the place makes them again. A request fully received is closed."""
    actor.require("requester")
    if not receiver_name.strip():
        raise InvalidInput("delivery.receiver_required", field="receiver_name")
    with ctx.db.transaction() as tx:
        s = tx.session
        delivery, request = requesters_delivery(s, actor, delivery_id)
        now = utcnow()
        was = move(s, Delivery, DeliveryStatus, delivery.id, "receive", user_id=actor.user_id,
                   receiver_name=receiver_name.strip()[:200], received_at=now)
        if was is None:
            raise Conflict("delivery.not_receivable", id=delivery_id, status=delivery.status)
        if was == "prepared":   # collected at the place by its requester: it left and arrived at once
            _left(ctx, tx, delivery, actor.user_id, tell=False)
        short = count_missing(s, delivery, missing or {}, actor.user_id)
        tally_delivery(s, delivery.id, request.id, now.date(), received=1)
        finish_run_of(s, delivery.id, actor.user_id)
        for line in delivery_lines(s, delivery.id):
            s.execute(update(RequestLine).where(RequestLine.id == line.request_line_id).values(
                units_received=RequestLine.units_received + line.quantity))
        s.flush()
        lines = s.exec(select(RequestLine).where(RequestLine.request_id == request.id)).all()
        if all(line.units_received >= line.quantity for line in lines):
            move(s, Request, RequestStatus, request.id, "close", user_id=actor.user_id, note="all units received")
        elif short:
            _resume_unless_under_way(s, request.id, actor.user_id, f"delivery {delivery.id}: {short} units missing")
        record(ctx, tx, ReceiptConfirmed(delivery.id, s.get(Request, request.id).status == "closed", short))
        return delivery_view(s, delivery)


def refuse_delivery(ctx: Context, actor: Actor, delivery_id: int, reason: str) -> DeliveryView:
    """The requester refuses a delivery, saying why; its units go back to the place's stock of finished units."""
    actor.require("requester")
    if not reason.strip():
        raise InvalidInput("delivery.refusal_reason_required", field="reason")
    with ctx.db.transaction() as tx:
        s = tx.session
        delivery, request = requesters_delivery(s, actor, delivery_id)
        left_at = delivery.left_at
        if move(s, Delivery, DeliveryStatus, delivery.id, "refuse", user_id=actor.user_id, note=reason,
                refused_reason=reason.strip()[:1000], refused_at=utcnow()) is None:
            raise Conflict("delivery.not_refusable", id=delivery_id, status=delivery.status)
        if left_at is not None:   # it had left: no longer counted shipped that day
            tally_delivery(s, delivery.id, request.id, left_at.date(), shipped=-1)
        finish_run_of(s, delivery.id, actor.user_id)
        for line in delivery_lines(s, delivery.id):
            s.execute(update(RequestLine).where(RequestLine.id == line.request_line_id).values(
                units_delivered=RequestLine.units_delivered - line.quantity))
        _resume_unless_under_way(s, request.id, actor.user_id, f"delivery {delivery.id} refused")
        record(ctx, tx, DeliveryRefused(delivery.id, reason.strip()[:1000]))
        return delivery_view(s, delivery)


def _resume_unless_under_way(s: Session, request_id: int, user_id: int | None, note: str) -> None:
    """Units of a shipped request are to be delivered again: it is back in production unless another delivery is
    on its way."""
    under_way = s.exec(select(Delivery.id).where(Delivery.request_id == request_id,
                                                 Delivery.status.in_(UNDER_WAY))).first()  # type: ignore[attr-defined]
    if under_way is None:
        move(s, Request, RequestStatus, request_id, "resume_production", user_id=user_id, note=note)


def create_collection_point(ctx: Context, actor: Actor, *, name: str, address: str, commune: str = "",
                            departement: str = "", kind: str = "pick_up", opening_hours: str = "") -> CollectionPointView:
    """Open a place where requesters collect their units (a drive-through, a town-hall pick-up point)."""
    actor.require("coordinator", "operator")
    if kind not in POINT_KINDS:
        raise InvalidInput("delivery.point_kind_unknown", field="kind", value=kind, allowed=list(POINT_KINDS))
    if not name.strip() or not address.strip():
        raise InvalidInput("delivery.point_incomplete", field="name" if not name.strip() else "address")
    with ctx.db.transaction() as tx:
        check_point_departement(tx.session, actor, departement.strip())
        point = CollectionPoint(name=name.strip()[:200], address=address.strip()[:300], commune=commune.strip()[:120],
                                departement=departement.strip()[:3], kind=kind, created_by=actor.user_id,
                                opening_hours=opening_hours.strip()[:300])
        tx.session.add(point)
        tx.session.flush()
        return point_view(point)


def propose_runs(ctx: Context, actor: Actor, place_id: int, day: date | None = None) -> RunsProposed:
    """Route the place's finished units within its runners' reach into the day's runs (its operators or its
    territory's coordinators), in place of the day's runs still proposed."""
    actor.require("operator", "coordinator")
    day = day or date.today()
    if day < date.today():
        raise InvalidInput("delivery.run_day_past", field="day", day=day)
    with ctx.db.reading() as s:
        place, _operates = queue_place(s, actor, place_id)
        if place.runners <= 0:
            raise InvalidInput("delivery.no_runners", name=place.name)
        if place.latitude is None or place.longitude is None:
            raise InvalidInput("delivery.place_not_located", name=place.name)
    return propose_place_runs(ctx, place_id, day, user_id=actor.user_id)


def start_run(ctx: Context, actor: Actor, run_id: int) -> RunView:
    """The runner leaves: one delivery per stop, each picked up by the runner, all at once; a run leaves once."""
    actor.require("operator")
    with ctx.db.transaction() as tx:
        s = tx.session
        run = s.get(DeliveryRun, run_id)
        if run is None:
            raise NotFound("delivery.run_not_found", id=run_id)
        try:
            place = own_place(s, actor, run.place_id)
        except NotFound:
            raise NotFound("delivery.run_not_found", id=run_id) from None
        now = utcnow()
        carrier = runner_label(place.name, run.runner, run.vehicle)
        if move(s, DeliveryRun, RunStatus, run.id, "start", user_id=actor.user_id, started_at=now) is None:
            raise Conflict("delivery.run_not_startable", id=run_id)
        stops = s.exec(select(DeliveryRunStop).where(DeliveryRunStop.run_id == run.id)
                       .order_by(DeliveryRunStop.position)).all()  # type: ignore[arg-type]
        _check_still_ready(s, run, place.id, stops)
        for stop in stops:
            delivery = Delivery(place_id=place.id, request_id=stop.request_id, mode="runner", created_by=actor.user_id,
                                destination=stop.destination, carrier_name=carrier)
            _prepare(s, delivery, [(line_id, units) for line_id, units in stop.lines], actor.user_id)
            move(s, Delivery, DeliveryStatus, delivery.id, "pick_up", user_id=actor.user_id, note=carrier,
                 picked_up_at=now)
            _left(ctx, tx, delivery, actor.user_id)
            stop.delivery_id = delivery.id
            s.add(stop)
        s.flush()
        return run_views(s, [s.get(DeliveryRun, run.id)])[0]


def _check_still_ready(s: Session, run: DeliveryRun, place_id: int, stops: list[DeliveryRunStop]) -> None:
    """Refuse a run whose units left some other way since it was proposed, or whose request no longer awaits them."""
    ready = ready_by_line(s, place_id)
    wanted: dict[int, int] = {}
    for stop in stops:
        for line_id, units in stop.lines:
            wanted[line_id] = wanted.get(line_id, 0) + units
    open_requests = set(s.exec(select(Request.id).where(
        Request.id.in_([st.request_id for st in stops]), Request.status.in_(SHIPPABLE))).all())  # type: ignore[attr-defined]
    for stop in stops:
        if stop.request_id not in open_requests or any(wanted[ln] > ready.get(ln, 0) for ln, _units in stop.lines):
            raise Conflict("delivery.run_outdated", id=run.id, request_id=stop.request_id)
