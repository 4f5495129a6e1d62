"""Deliveries as they are read: one, a list, what a request awaits, a place's deliveries; a place's runs of a
day, one run and its run sheet."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import Select, func
from sqlmodel import Session, select

from makernet.documents.run_sheet import RunSheet, SheetStop, build_run_sheet
from makernet.domain.states import DeliveryStatus
from makernet.domain.transport import runners_of
from makernet.errors import NotFound
from makernet.models import Delivery, DeliveryLine, Item, Organisation, Place, Request, RequestLine, User
from makernet.models.deliveries import CollectionPoint, DeliveryRun
from makernet.services.access import Actor, queue_place, visible_delivery, visible_place, visible_request
from makernet.services.context import Context
from makernet.services.deliveries.views import UNDER_WAY, delivery_view, lines_of_deliveries, point_view, run_views
from makernet.services.listing import Filters, Rows, Window, deliveries_seen, filtered, loaded, page_of
from makernet.services.deliveries.views import Awaited, CollectionPointView, DeliveryView, PlaceRuns, RunView


def get_delivery(ctx: Context, actor: Actor, delivery_id: int) -> DeliveryView:
    """One delivery the actor may see."""
    with ctx.db.reading() as s:
        return delivery_view(s, visible_delivery(s, actor, delivery_id))


STATUSES = tuple(st.value for st in DeliveryStatus)


def list_deliveries(ctx: Context, actor: Actor, request_id: int | None = None, filters: Filters | None = None,
                    window: Window | None = None) -> Rows[DeliveryView]:
    """Deliveries the actor may see, newest first, optionally of one request, narrowed by state, place and the
    days they were prepared: one page of them, or all without a window."""
    with ctx.db.reading() as s:
        query = select(Delivery).order_by(Delivery.id.desc())  # type: ignore[union-attr]
        if request_id is not None:
            query = query.where(Delivery.request_id == request_id)
        query = _filtered(s, actor, deliveries_seen(query, actor), filters or Filters())
        lines: dict[int, list] = {}
        return page_of(s, query, window, lambda d: delivery_view(s, d, lines[d.id]),
                       first=lambda rows: lines.update(lines_of_deliveries(s, [d.id for d in rows])))


def _filtered(s: Session, actor: Actor, query: Select, filters: Filters) -> Select:
    """Deliveries narrowed by state, place and the days they were prepared."""
    return filtered(s, actor, query, filters, STATUSES, status=Delivery.status, place=Delivery.place_id,
                    moment=Delivery.created_at)


def awaiting(ctx: Context, actor: Actor, request_id: int) -> Awaited:
    """What a request still awaits, line by line: to make, to ship, on the way, received."""
    with ctx.db.reading() as s:
        request = visible_request(s, actor, request_id)
        prepared, on_the_way = under_way_by_line(s, request.id)
        lines = s.exec(select(RequestLine).where(RequestLine.request_id == request.id)
                       .order_by(RequestLine.id)).all()  # type: ignore[arg-type]
        deliveries = s.exec(select(Delivery).where(Delivery.request_id == request.id)
                            .order_by(Delivery.id)).all()  # type: ignore[arg-type]
        shipped = {ln.id: ln.units_delivered - prepared.get(ln.id, 0) for ln in lines}
        return {"request_id": request.id, "status": request.status,
                "lines": [{"request_line_id": ln.id, "item_id": ln.item_id, "quantity": ln.quantity,
                           "made": ln.units_made, "to_make": max(ln.quantity - ln.units_made, 0),
                           "shipped": shipped[ln.id], "to_ship": max(ln.quantity - shipped[ln.id], 0),
                           "on_the_way": on_the_way.get(ln.id, 0), "received": ln.units_received,
                           "awaiting": max(ln.quantity - ln.units_received, 0)} for ln in lines],
                "deliveries": [delivery_view(s, d) for d in deliveries]}


def under_way_by_line(s: Session, request_id: int) -> tuple[dict[int, int], dict[int, int]]:
    """Units of a request's deliveries under way, per request line: those prepared, still at the place, and those
    that left it (picked up or delivered) and are not received yet."""
    prepared: dict[int, int] = {}
    left: dict[int, int] = {}
    for line_id, status, units in s.exec(
            select(DeliveryLine.request_line_id, Delivery.status, func.sum(DeliveryLine.quantity))
            .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
            .where(Delivery.request_id == request_id, Delivery.status.in_(UNDER_WAY))  # type: ignore[attr-defined]
            .group_by(DeliveryLine.request_line_id, Delivery.status)).all():
        counted = prepared if status == "prepared" else left
        counted[line_id] = counted.get(line_id, 0) + int(units)
    return prepared, left


def list_collection_points(ctx: Context, departement: str | None = None) -> list[CollectionPointView]:
    """Active collection points, optionally of one département."""
    with ctx.db.reading() as s:
        query = select(CollectionPoint).where(CollectionPoint.active == True)  # noqa: E712
        if departement:
            query = query.where(CollectionPoint.departement == departement)
        return [point_view(p) for p in s.exec(query.order_by(CollectionPoint.name)).all()]  # type: ignore[arg-type]


def _named(s: Session, view: dict, items: dict[int, str] | None = None) -> dict:
    """A delivery with its item names, place, requester and request's delivery point."""
    items = items if items is not None else {i.id: i.name for i in s.exec(select(Item)).all()}
    request = s.get(Request, view["request_id"])
    for line in view["lines"]:
        line["item_name"] = items.get(s.get(RequestLine, line["request_line_id"]).item_id, "?")
    preparer = s.get(User, view["created_by"]) if view["created_by"] is not None else None
    return view | {"place_name": s.get(Place, view["place_id"]).name, "prepared_by": preparer.name if preparer else "",
                   "requester": s.get(Organisation, request.organisation_id).name,
                   "delivery_point": request.delivery_point, "needed_by": request.needed_by,
                   "units": sum(line["quantity"] for line in view["lines"])}


def place_deliveries(ctx: Context, actor: Actor, place_id: int, filters: Filters | None = None,
                     window: Window | None = None) -> dict:
    """The deliveries leaving a place (its operators', or a coordinator's territory's), newest first, narrowed by
    state and the days they were prepared: one page of them."""
    with ctx.db.reading() as s:
        place = visible_place(s, actor, place_id)
        query = (select(Delivery).where(Delivery.place_id == place.id)
                 .order_by(Delivery.id.desc()))  # type: ignore[union-attr]
        query = _filtered(s, actor, query, replace(filters or Filters(), place_id=None))
        lines: dict[int, list] = {}
        items = {i.id: i.name for i in s.exec(select(Item)).all()}

        held: list = []   # what every row names, read once for the page and kept for each row to find

        def first(rows: list[Delivery]) -> None:
            lines.update(lines_of_deliveries(s, [d.id for d in rows]))
            requests = loaded(s, Request, [d.request_id for d in rows])
            held.extend(requests)
            held.extend(loaded(s, Organisation, [r.organisation_id for r in requests]))
            held.extend(loaded(s, RequestLine, [ln.request_line_id for found in lines.values() for ln in found]))
            held.extend(loaded(s, User, [d.created_by for d in rows if d.created_by]))

        return {"place": {"id": place.id, "name": place.name, "organisation_id": place.organisation_id},
                "deliveries": page_of(s, query, window, lambda d: _named(s, delivery_view(s, d, lines[d.id]), items),
                                      first=first)}


def delivery_page(ctx: Context, actor: Actor, delivery_id: int) -> dict:
    """One delivery the actor may see, with item names, where it comes from and where it goes."""
    view = get_delivery(ctx, actor, delivery_id)
    with ctx.db.reading() as s:
        return _named(s, view)


def _run_place(s: Session, actor: Actor, run_id: int) -> tuple[DeliveryRun, Place]:
    """A run whose place the actor sees the work of (its operators, its territory's coordinators), else NotFound."""
    actor.require("operator", "coordinator")
    run = s.get(DeliveryRun, run_id)
    if run is None:
        raise NotFound("delivery.run_not_found", id=run_id)
    try:
        place, _operates = queue_place(s, actor, run.place_id)
    except NotFound:
        raise NotFound("delivery.run_not_found", id=run_id) from None
    return run, place


def place_runs(ctx: Context, actor: Actor, place_id: int, day: date | None = None) -> PlaceRuns:
    """A place's delivery runs of a day (today by default), replaced ones aside, by runner and leg."""
    actor.require("operator", "coordinator")
    day = day or date.today()
    with ctx.db.reading() as s:
        place, _operates = queue_place(s, actor, place_id)
        runs = s.exec(select(DeliveryRun).where(DeliveryRun.place_id == place.id, DeliveryRun.day == day,
                                                DeliveryRun.status != "cancelled")
                      .order_by(DeliveryRun.runner, DeliveryRun.leg, DeliveryRun.id)).all()  # type: ignore[arg-type]
        runners = runners_of(place)
        return {"place_id": place.id, "place_name": place.name, "day": day.isoformat(), "runners": runners.count,
                "runs_per_day": runners.runs_per_day, "run_hours": runners.run_hours, "vehicle": runners.vehicle,
                "reach_km": runners.reach_km, "run_load": runners.run_load, "runs": run_views(s, list(runs))}


def get_run(ctx: Context, actor: Actor, run_id: int) -> RunView:
    """One delivery run the actor may see."""
    with ctx.db.reading() as s:
        run, _place = _run_place(s, actor, run_id)
        return run_views(s, [run])[0]


def run_sheet_pdf(ctx: Context, actor: Actor, run_id: int, base_url: str) -> bytes:
    """The run sheet of a run the actor may see: its stops in order, each with its receipt QR code once it left."""
    with ctx.db.reading() as s:
        run, place = _run_place(s, actor, run_id)
        view = run_views(s, [run])[0]
        requests = {r.id: r for r in loaded(s, Request, [st["request_id"] for st in view["stops"]])}
        stops = [SheetStop(position=st["position"], destination=st["destination"], requester=st["requester"],
                           request_id=st["request_id"], lines=[(ln["item_name"], ln["quantity"]) for ln in st["lines"]],
                           beneficiary=requests[st["request_id"]].beneficiary,
                           needed_by=requests[st["request_id"]].needed_by, delivery_id=st["delivery_id"],
                           receipt_url=base_url.rstrip("/") + f"/deliveries/{st['delivery_id']}/receipt"
                           if st["delivery_id"] else "") for st in view["stops"]]
        address = f"{place.commune} ({place.departement})" if place.commune else place.departement
    return build_run_sheet(RunSheet(run_id=run.id, day=run.day, place_name=place.name, place_address=address,
                                    runner=run.runner, leg=run.leg, vehicle=run.vehicle, km=run.km,
                                    minutes=run.minutes, stops=stops))
