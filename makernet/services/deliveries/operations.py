"""Steps on deliveries run inside a caller's transaction: their units added to the running totals per day, item
and requesting département (shipped when the delivery leaves the place, taken back when it is refused after it
left or for units counted damaged or missing at receipt, which the place makes again; received when confirmed); a
day's delivery runs stored as routed; a run done once its last stop is."""
from __future__ import annotations

import math
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, select

from makernet.domain.states import RunStatus, WorkOrderStatus
from makernet.errors import InvalidInput
from makernet.models import Delivery, DeliveryLine, DemandDay, Job, Organisation, Place, Request, RequestLine, WorkOrder
from makernet.models.base import utcnow
from makernet.models.deliveries import DeliveryRun, DeliveryRunStop
from makernet.planner.routes import Routing
from makernet.services.deliveries.inputs import RunInput
from makernet.services.production.operations import remake
from makernet.services.tallies import add_to
from makernet.services.transitions import created, move


def tally_delivery(s: Session, delivery_id: int, request_id: int, day: date, *, shipped: int = 0,
                   received: int = 0) -> None:
    """Add each line of a delivery to `DemandDay` on `day`, times `shipped` and `received` (1, -1 or 0)."""
    departement = _departement_of(s, request_id)
    for item_id, quantity in s.exec(select(RequestLine.item_id, DeliveryLine.quantity)
                                    .join(RequestLine, RequestLine.id == DeliveryLine.request_line_id)
                                    .where(DeliveryLine.delivery_id == delivery_id)).all():
        add_to(s, DemandDay, {"day": day, "item_id": item_id, "departement": departement},
               {"asked": 0, "shipped": shipped * quantity, "received": received * quantity})


def count_missing(s: Session, delivery: Delivery, missing: dict[int, int], user_id: int | None) -> int:
    """Units that came damaged or did not come, line by line (`missing`: request line -> units), as the requester
    counts them at receipt: the delivery line keeps them apart from what was received, they no longer count as
    delivered nor shipped, and the place makes them again. Returns how many; refuses a count that is not the
    delivery's, and a receipt of nothing (that is a refusal, said with its reason)."""
    lines = {line.request_line_id: line for line in s.exec(select(DeliveryLine).where(
        DeliveryLine.delivery_id == delivery.id)).all()}
    for index, (line_id, units) in enumerate(missing.items()):
        if line_id not in lines:
            raise InvalidInput("delivery.missing_not_in_delivery", field=f"missing[{index}].request_line_id",
                               line_id=line_id)
        if not 0 <= units <= lines[line_id].quantity:
            raise InvalidInput("delivery.missing_too_many", field=f"missing[{index}].quantity",
                               most=lines[line_id].quantity)
    if sum(missing.values()) >= sum(line.quantity for line in lines.values()):
        raise InvalidInput("delivery.nothing_received", field="missing")
    left_on = delivery.left_at.date()   # it has left: collected at the latest now, at its receipt
    for line_id, units in missing.items():
        if units:
            line = lines[line_id]
            line.quantity, line.units_missing = line.quantity - units, units
            s.add(line)
            s.execute(update(RequestLine).where(RequestLine.id == line_id).values(
                units_delivered=RequestLine.units_delivered - units))
            _tally_line(s, delivery.request_id, line_id, left_on, shipped=-units)
            _make_again(s, delivery.place_id, line_id, units, user_id)
    s.flush()
    return sum(missing.values())


def _departement_of(s: Session, request_id: int) -> str:
    """The requesting organisation's département: the running totals count units by it."""
    return s.exec(select(Organisation.departement).join(Request, Request.organisation_id == Organisation.id)
                  .where(Request.id == request_id)).one()


def _tally_line(s: Session, request_id: int, line_id: int, day: date, *, shipped: int) -> None:
    """Add `shipped` units of one request line to `DemandDay` on `day`."""
    departement = _departement_of(s, request_id)
    item_id = s.exec(select(RequestLine.item_id).where(RequestLine.id == line_id)).one()
    add_to(s, DemandDay, {"day": day, "item_id": item_id, "departement": departement},
           {"asked": 0, "shipped": shipped, "received": 0})


def _make_again(s: Session, place_id: int, line_id: int, units: int, user_id: int | None) -> None:
    """The place's good units of this line are fewer by `units`: its latest orders (accepted, or done and opened
    again) each queue a plate of what they lose, after their others, where their last plate was made."""
    orders = s.exec(select(WorkOrder).where(WorkOrder.place_id == place_id, WorkOrder.request_line_id == line_id,
                                            WorkOrder.status.in_(("accepted", "done")),  # type: ignore[attr-defined]
                                            WorkOrder.units_made > 0)
                    .order_by(WorkOrder.id.desc())).all()  # type: ignore[attr-defined]
    for order in orders:
        taken = min(units, order.units_made)
        s.execute(update(WorkOrder).where(WorkOrder.id == order.id).values(units_made=WorkOrder.units_made - taken))
        s.execute(update(RequestLine).where(RequestLine.id == line_id).values(
            units_made=RequestLine.units_made - taken))
        move(s, WorkOrder, WorkOrderStatus, order.id, "reopen", user_id=user_id,
             note=f"{taken} units damaged or missing at receipt")
        last = s.exec(select(Job).where(Job.work_order_id == order.id, Job.status == "done")
                      .order_by(Job.sequence.desc())).first()  # type: ignore[attr-defined]
        if last is not None:
            remake(s, last, taken)
        units -= taken
        if not units:
            return


def store_runs(s: Session, data: RunInput, routing: Routing, *, user_id: int | None = None) -> list[DeliveryRun]:
    """The day's runs as routed, in place of the place's runs still proposed for that day or before (a run under
    way is never touched); each stop takes its request's lines in order, so pieces of one request share them out."""
    # one proposal at a time per place: a second waits for the first and replaces its runs (PostgreSQL)
    s.exec(select(Place.id).where(Place.id == data.place_id).with_for_update()).one()
    old = s.exec(select(DeliveryRun.id).where(DeliveryRun.place_id == data.place_id, DeliveryRun.day <= data.day,
                                              DeliveryRun.status == "proposed")).all()
    for run_id in old:
        move(s, DeliveryRun, RunStatus, run_id, "replace", user_id=user_id, note="nouvelle proposition")
    waiting = {w.request_id: w for w in data.waiting}
    left = {w.request_id: list(w.lines) for w in data.waiting}
    stored = []
    for found in sorted(routing.runs, key=lambda r: (r.runner, r.leg)):
        run = DeliveryRun(place_id=data.place_id, day=data.day, runner=found.runner, leg=found.leg,
                          vehicle=data.runners.vehicle, km=round(found.km, 1), minutes=math.ceil(found.hours * 60))
        s.add(run)
        s.flush()
        created(s, DeliveryRun, run.id, run.status, user_id=user_id)
        for position, visit in enumerate(found.visits, start=1):
            request = waiting[visit.key]
            s.add(DeliveryRunStop(run_id=run.id, position=position, request_id=visit.key,
                                  destination=request.destination[:300], latitude=request.latitude,
                                  longitude=request.longitude, units=visit.units,
                                  lines=_take(left[visit.key], visit.units)))
        stored.append(run)
    s.flush()
    return stored


def _take(lines: list[tuple[int, int]], units: int) -> list[list[int]]:
    """`units` taken from the front of a request's lines (which keep what is left)."""
    taken = []
    while units > 0 and lines:
        line_id, ready = lines[0]
        count = min(ready, units)
        taken.append([line_id, count])
        units -= count
        if count == ready:
            lines.pop(0)
        else:
            lines[0] = (line_id, ready - count)
    return taken


def finish_run_of(s: Session, delivery_id: int, user_id: int | None = None) -> None:
    """The run a delivery left in is done once each of its stops was delivered, received or refused."""
    stop = s.exec(select(DeliveryRunStop).where(DeliveryRunStop.delivery_id == delivery_id)).first()
    if stop is None:
        return
    open_stops = s.exec(select(DeliveryRunStop.id).join(Delivery, Delivery.id == DeliveryRunStop.delivery_id)
                        .where(DeliveryRunStop.run_id == stop.run_id,
                               Delivery.status.in_(("prepared", "picked_up")))).first()  # type: ignore[attr-defined]
    if open_stops is None:
        move(s, DeliveryRun, RunStatus, stop.run_id, "finish", user_id=user_id, finished_at=utcnow())
