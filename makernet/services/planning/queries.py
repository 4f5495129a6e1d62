"""Allocation as it is read: work orders, and what a coordinator weighs before allocating."""
from __future__ import annotations

import math
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from makernet.domain.states import WorkOrderStatus
from makernet.errors import NotFound
from makernet.domain.planning import units_per_open_day
from makernet.models import (Item, Job, Machine, Material, Organisation, Place, Request, RequestLine, StockEntry,
                             WorkOrder)
from makernet.services.access import Actor, can_see_work_order
from makernet.services.listing import Filters, Rows, Window, filtered, loaded, page_of, work_orders_seen
from makernet.services.context import Context
from makernet.services.demand.queries import request_page
from makernet.services.places.operations import PRINTER_KINDS, place_capacity
from makernet.services.planning.operations import allocated_quantity, not_begun
from makernet.services.planning.views import work_order_view
from makernet.services.planning.views import WorkOrderView

def allocation_options(ctx: Context, actor: Actor, request_id: int, today: date | None = None) -> dict:
    """A request's lines with what is left to allocate, and the places that could make them."""
    actor.require("coordinator")
    page = request_page(ctx, actor, request_id)
    with ctx.db.reading() as s:
        for line in page["lines"]:
            line["left"] = line["quantity"] - allocated_quantity(s, line["id"])
        point = _request_point(s, request_id)
        query = select(Place).where(Place.active == True).order_by(Place.name)  # noqa: E712
        places = [p for p in s.exec(query).all() if actor.sees_departement(p.departement)]
        page["places"] = sorted((_place_option(s, p, page["lines"], point, today or date.today()) for p in places),
                                key=lambda p: (p["distance_km"] is None, p["distance_km"] or 0))
    return page


def _request_point(s: Session, request_id: int) -> tuple[float, float] | None:
    request = s.get(Request, request_id)
    return (request.latitude, request.longitude) if request.latitude is not None else None


def _place_option(s: Session, place: Place, lines: list[dict], point: tuple[float, float] | None,
                  today: date) -> dict:
    """One place: machines, capacity per day of each line's item as the planner counts it, backlog, stock, distance."""
    machines = s.exec(select(Machine).where(Machine.place_id == place.id, Machine.active == True)).all()  # noqa: E712
    printers = [m for m in machines if m.kind in PRINTER_KINDS]
    capacity = {item_id: {"per_day": round(units_per_open_day(c.days)), "printers": c.printers, "stations": c.stations}
                for item_id, c in place_capacity(s, place, {line["item_id"] for line in lines}, today, 7).items()}
    backlog = s.exec(select(func.coalesce(func.sum(WorkOrder.quantity), 0)).where(
        WorkOrder.place_id == place.id, WorkOrder.status == "proposed")).one() + s.exec(
        select(func.coalesce(func.sum(WorkOrder.accepted_quantity - WorkOrder.units_made), 0)).where(
            WorkOrder.place_id == place.id, WorkOrder.status == "accepted")).one()
    return {"id": place.id, "name": place.name, "commune": place.commune, "departement": place.departement,
            "staff": place.staff_available, "batch_limit": place.batch_limit, "auto_accept": place.auto_accept,
            "printers": len(printers), "stations": len(machines) - len(printers),
            "capacity_per_day": capacity, "backlog": int(backlog), "low_stock": _low_stock(s, place.id),
            "distance_km": _distance_km(point, place)}


def _low_stock(s: Session, place_id: int) -> list[str]:
    """Names of the materials at or under their alert threshold at a place."""
    rows = s.exec(select(Material, func.sum(StockEntry.quantity)).join(StockEntry, StockEntry.material_id == Material.id)
                  .where(StockEntry.place_id == place_id).group_by(Material.id)).all()
    return [m.name for m, level in rows if int(level or 0) <= m.low_stock_threshold]


def _distance_km(point: tuple[float, float] | None, place: Place) -> float | None:
    """Great-circle distance from the delivery point, when both positions are known."""
    if point is None or place.latitude is None or place.longitude is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (point[0], point[1], place.latitude, place.longitude))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return round(6371.0 * 2 * math.asin(math.sqrt(a)), 1)


def work_orders_page(ctx: Context, actor: Actor, filters: Filters | None = None, window: Window | None = None) -> Rows:
    """Work orders as the pages show them: with item, place, requester and needed-by date."""
    orders = list_work_orders(ctx, actor, filters, window)
    with ctx.db.reading() as s:
        items = {i.id: i.name for i in s.exec(select(Item)).all()}
        places = {p.id: p.name for p in s.exec(select(Place)).all()}
        requests = {r.id: r for r in loaded(s, Request, [o["request_id"] for o in orders])}
        requesters = {o.id: o.name for o in loaded(s, Organisation, [r.organisation_id for r in requests.values()])}
        for order in orders:
            request = requests[order["request_id"]]
            _readable(order, request, requesters[request.organisation_id], items, places)
    return orders


def _readable(order: dict, request: Request, requester: str, items: dict[int, str], places: dict[int, str]) -> None:
    order.update(item_name=items.get(order["item_id"], "?"), place_name=places.get(order["place_id"], "?"),
                 needed_by=request.needed_by, delivery_point=request.delivery_point, priority=request.priority,
                 requester=requester)


def work_order_page(ctx: Context, actor: Actor, work_order_id: int) -> dict:
    """One work order as its page shows it: what, for whom, its plates, and what a coordinator may take back."""
    with ctx.db.reading() as s:
        order = s.get(WorkOrder, work_order_id)
        if order is None or not can_see_work_order(s, actor, order):
            raise NotFound("work_order.not_found", id=work_order_id)
        view = work_order_view(s, order)
        item = s.get(Item, view["item_id"])
        request = s.get(Request, view["request_id"])
        _readable(view, request, s.get(Organisation, request.organisation_id).name, {item.id: item.name},
                  {order.place_id: s.get(Place, order.place_id).name})
        counts = dict(s.exec(select(Job.status, func.count()).where(Job.work_order_id == order.id)
                             .group_by(Job.status)).all())
        view.update(plates=counts, not_begun=not_begun(s, order),
                    may_take_back=actor.role in ("coordinator", "admin") and actor.sees_departement(
                        s.get(Place, order.place_id).departement))
        return view


def work_order_places(ctx: Context, actor: Actor) -> list[tuple[int, str]]:
    """The places whose work orders the actor sees, to filter the list by (id, name), by name."""
    with ctx.db.reading() as s:
        places = s.exec(select(Place).order_by(Place.name)).all()
        return [(p.id, p.name) for p in places if p.organisation_id == actor.organisation_id
                or actor.sees_departement(p.departement)]


STATUSES = tuple(st.value for st in WorkOrderStatus)   # as the lists filter by them
OPEN_WORK = ("proposed", "accepted", "done")


def get_work_order(ctx: Context, actor: Actor, work_order_id: int) -> WorkOrderView:
    """One work order the actor may see."""
    with ctx.db.reading() as s:
        order = s.get(WorkOrder, work_order_id)
        if order is None or not can_see_work_order(s, actor, order):
            raise NotFound("work_order.not_found", id=work_order_id)
        return work_order_view(s, order)


def list_work_orders(ctx: Context, actor: Actor, filters: Filters | None = None,
                     window: Window | None = None) -> Rows[WorkOrderView]:
    """Work orders of the actor's places (operators) or territory (coordinators), newest first, narrowed by
    state, place and the days they were proposed: one page of them, or all without a window."""
    with ctx.db.reading() as s:
        query = select(WorkOrder).join(Place, Place.id == WorkOrder.place_id).order_by(WorkOrder.id.desc())  # type: ignore[union-attr]
        query = filtered(s, actor, work_orders_seen(query, actor), filters or Filters(), STATUSES,
                         status=WorkOrder.status, place=WorkOrder.place_id, moment=WorkOrder.created_at)
        held: list = []   # the page's request lines, read at once and kept so that each row finds its own
        return page_of(s, query, window, lambda o: work_order_view(s, o, fresh=False),
                       first=lambda rows: held.extend(loaded(s, RequestLine, [o.request_line_id for o in rows])))
