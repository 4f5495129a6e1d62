"""Figures for the dashboard and the public page: demand, production, stock and printers by territory."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, select

from makernet.domain.planning import TRANSIT_DAYS
from makernet.models import (DemandDay, Item, Machine, Material, Organisation, OutputDay, Place, Request, RequestLine,
                             WorkOrder)
from makernet.models.demand import OPEN_REQUESTS
from makernet.services.access import Actor, territory_scope
from makernet.services.context import Context
from makernet.services.listing import Rows, Window, page_of
from makernet.services.reporting.views import LateLine
from makernet.services.stock.queries import stock_states
from makernet.services.tallies import as_day


def public_figures(ctx: Context) -> dict:
    """Units asked, made and delivered, and the production capacity, over the whole instance."""
    with ctx.db.reading() as s:
        asked, made, received = s.exec(select(
            func.coalesce(func.sum(RequestLine.quantity), 0), func.coalesce(func.sum(RequestLine.units_made), 0),
            func.coalesce(func.sum(RequestLine.units_received), 0))).one()
        places = s.exec(select(func.count(Place.id)).where(Place.active == True)).one()  # noqa: E712
        machines = s.exec(select(func.count(Machine.id)).where(Machine.active == True)).one()  # noqa: E712
    return {"asked": int(asked), "made": int(made), "received": int(received),
            "places": int(places), "machines": int(machines)}


def database_ok(ctx: Context) -> bool:
    """Whether the database answers a trivial query."""
    with ctx.db.reading() as s:
        return s.exec(select(text("1"))).one() is not None


def _departements(actor: Actor) -> tuple[str, ...] | None:
    """The départements a coordinator watches; None for an admin (all of them)."""
    actor.require("coordinator")
    return territory_scope(actor)


def dashboard(ctx: Context, actor: Actor, days: int = 56, today: date | None = None) -> dict:
    """Demand vs made vs delivered: per day (cumulative) over the last `days`, per item, place and département.

    Each flow is read from its running totals by day, item and département (a few thousand rows whatever the
    history): units made per place and day, units asked and received per requesting département and day."""
    scope = _departements(actor)
    today = today or date.today()
    with ctx.db.reading() as s:
        items = dict(s.exec(select(Item.id, Item.name)).all())
        flows = {"asked": _demand(s, scope, "asked"), "made": _made(s, scope), "delivered": _demand(s, scope, "received")}
        per_place = _per_place(s, scope)
    start = today - timedelta(days=days - 1)
    by_day: dict[str, dict[date, int]] = {name: defaultdict(int) for name in flows}
    totals = {name: 0 for name in flows}
    for name, rows in flows.items():
        for day, _item, _departement, quantity in rows:
            if day < start:   # what happened before the window still counts in the cumulative totals
                totals[name] += quantity
            else:
                by_day[name][day] += quantity
    series = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        for name in flows:
            totals[name] += by_day[name].get(day, 0)
        series.append({"day": day.isoformat(), **totals})
    for name, rows in flows.items():   # and what is dated after today (a clock ahead) in the totals too
        totals[name] += sum(q for day, *_, q in rows if day > today)
    return {"series": series, "totals": dict(totals), "per_departement": _group(flows, lambda row: row[2]),
            "per_item": _group(flows, lambda row: items.get(row[1], "?")), "per_place": per_place}


def _dated(rows: Any) -> list[tuple[date, int, str, int]]:
    """(day, item id, département, units) with the day as a date (SQLite answers text)."""
    return [(as_day(day), item, departement or "?", int(quantity))
            for day, item, departement, quantity in rows if day is not None]


def _demand(s: Session, scope: tuple[str, ...] | None, flow: str) -> list[tuple[date, int, str, int]]:
    """Units asked or received per day, item and requesting département, from their running totals."""
    column = getattr(DemandDay, flow)
    query = (select(DemandDay.day, DemandDay.item_id, DemandDay.departement, func.sum(column))
             .group_by(DemandDay.day, DemandDay.item_id, DemandDay.departement).having(func.sum(column) != 0))
    if scope is not None:
        query = query.where(DemandDay.departement.in_(scope))  # type: ignore[attr-defined]
    return _dated(s.exec(query).all())


def _made(s: Session, scope: tuple[str, ...] | None) -> list[tuple[date, int, str, int]]:
    query = (select(OutputDay.day, OutputDay.item_id, Place.departement, func.sum(OutputDay.units_made))
             .join(Place, Place.id == OutputDay.place_id)
             .group_by(OutputDay.day, OutputDay.item_id, Place.departement))
    if scope is not None:
        query = query.where(Place.departement.in_(scope))  # type: ignore[attr-defined]
    return _dated(s.exec(query).all())


def _group(flows: dict[str, list[tuple]], key: Callable[[tuple], str]) -> list[dict]:
    """Asked, made and delivered summed by one key (item name, département)."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: {"asked": 0, "made": 0, "delivered": 0})
    for name, rows in flows.items():
        for row in rows:
            table[key(row)][name] += row[-1]
    return [{"name": name, **values} for name, values in sorted(table.items())]


def _per_place(s: Session, scope: tuple[str, ...] | None) -> list[dict]:
    """Per active place: units accepted (made, or still to make), made, rejected, and its backlog (accepted but not
    yet made), from the running totals of what it made and its open orders (never every order it ever had)."""
    query = select(Place.id, Place.name, Place.departement).where(Place.active == True).order_by(Place.name)  # noqa: E712
    if scope is not None:
        query = query.where(Place.departement.in_(scope))  # type: ignore[attr-defined]
    places = s.exec(query).all()
    made = {p: (int(good), int(bad)) for p, good, bad in s.exec(
        select(OutputDay.place_id, func.sum(OutputDay.units_made), func.sum(OutputDay.units_rejected))
        .group_by(OutputDay.place_id)).all()}
    backlog = {p: int(left) for p, left in s.exec(
        select(WorkOrder.place_id, func.sum(WorkOrder.accepted_quantity - WorkOrder.units_made))
        .where(WorkOrder.status == "accepted").group_by(WorkOrder.place_id)).all()}
    return [{"id": pid, "name": name, "departement": dep, "made": made.get(pid, (0, 0))[0],
             "rejected": made.get(pid, (0, 0))[1], "backlog": max(backlog.get(pid, 0), 0),
             "accepted": made.get(pid, (0, 0))[0] + max(backlog.get(pid, 0), 0)} for pid, name, dep in places]


def stock_overview(ctx: Context, actor: Actor) -> dict:
    """Every material level at every place of the territory, with what is free, how many days it lasts at the
    current rate, and the ones at or under their alert threshold (from the running totals, never the ledger)."""
    scope = _departements(actor)
    with ctx.db.reading() as s:
        query = select(Place).order_by(Place.name)
        if scope is not None:
            query = query.where(Place.departement.in_(scope))  # type: ignore[attr-defined]
        places = {p.id: p for p in s.exec(query).all()}
        materials = {m.id: m for m in s.exec(select(Material)).all()}
        states = stock_states(s, list(places))
    shown: dict[int, dict] = {}
    for (place_id, material_id), st in sorted(states.items(), key=lambda pair: (places[pair[0][0]].name,
                                                                                materials[pair[0][1]].code)):
        place, material = places[place_id], materials[material_id]
        entry = shown.setdefault(place_id, {"id": place_id, "name": place.name, "departement": place.departement,
                                            "levels": []})
        entry["levels"].append({"code": material.code, "name": material.name, "unit": material.unit,
                                "level": st.level, "available": st.available, "days_left": st.days_left,
                                "threshold": material.low_stock_threshold, "low": st.alert is not None})
    alerts = [{"place": p["name"], **level} for p in shown.values() for level in p["levels"] if level["low"]]
    return {"places": list(shown.values()), "alerts": alerts}


AT_RISK_DAYS = 3   # a line due within this many days that still misses units is at risk


def late_work(ctx: Context, actor: Actor, today: date | None = None, within: int = AT_RISK_DAYS,
              departement: str | None = None, window: Window | None = None) -> Rows[LateLine]:
    """Request lines of the territory that are overdue or due within `within` days and still miss units, nearest
    date first, each with why: what is not yet allocated, answered, made, shipped or received, and work a place
    expects ready too late (its planned ready date plus the transit day falls after the date needed). One page of
    them (the work orders of that page's lines read at once), or all without a window."""
    scope, today = _departements(actor), today or date.today()
    with ctx.db.reading() as s:
        query = (select(RequestLine, Request, Organisation, Item)
                 .join(Request, Request.id == RequestLine.request_id)
                 .join(Organisation, Organisation.id == Request.organisation_id)
                 .join(Item, Item.id == RequestLine.item_id)
                 .where(text("request." + OPEN_REQUESTS),   # as written in its index, which the database then uses
                        Request.needed_by <= today + timedelta(days=within),
                        RequestLine.units_received < RequestLine.quantity)
                 .order_by(Request.needed_by, Request.id, RequestLine.id))  # type: ignore[arg-type]
        if scope is not None:
            query = query.where(Organisation.departement.in_(scope))  # type: ignore[attr-defined]
        if departement is not None:   # one of them (the requester's)
            query = query.where(Organisation.departement == departement)
        orders: dict[int, list] = defaultdict(list)

        def first(rows: list) -> None:
            for order, place in s.exec(select(WorkOrder, Place).join(Place, Place.id == WorkOrder.place_id).where(
                    WorkOrder.request_line_id.in_([line.id for line, *_ in rows]),  # type: ignore[attr-defined]
                    WorkOrder.status.in_(("proposed", "accepted")))).all():  # type: ignore[attr-defined]
                orders[order.request_line_id].append((order, place))

        return page_of(s, query, window, lambda row: {
            "request_id": row[1].id, "request_line_id": row[0].id, "organisation": row[2].name, "item": row[3].name,
            "needed_by": row[1].needed_by.isoformat(), "days_left": (row[1].needed_by - today).days,
            "quantity": row[0].quantity, "units_received": row[0].units_received,
            "reasons": _late_reasons(row[1], row[0], orders[row[0].id], today)}, first=first)


def _late_reasons(request: Request, line: RequestLine, orders: list, today: date) -> list[dict]:
    """Why a line is late or at risk, as codes with their values (the page words them)."""
    reasons: list[dict] = []
    if request.needed_by < today:
        reasons.append({"code": "overdue", "days": (today - request.needed_by).days})
    if request.status == "submitted":
        reasons.append({"code": "not_approved"})
    # made by any order, or still to be made by an open one: the rest has no place yet
    covered = line.units_made + sum(max(0, (o.accepted_quantity if o.status == "accepted" else o.quantity)
                                        - o.units_made) for o, _p in orders)
    if line.quantity > covered:
        reasons.append({"code": "unallocated", "units": line.quantity - covered})
    for order, place in orders:
        if order.status == "proposed":
            reasons.append({"code": "awaiting_answer", "units": order.quantity, "place": place.name})
            continue
        left = order.accepted_quantity - order.units_made
        if left > 0:
            reasons.append({"code": "to_make", "units": left, "place": place.name})
        if left > 0 and order.ready_by and order.ready_by + timedelta(days=TRANSIT_DAYS) > request.needed_by:
            reasons.append({"code": "planned_late", "place": place.name, "ready_by": order.ready_by.isoformat()})
    if line.units_made > line.units_delivered:
        reasons.append({"code": "to_ship", "units": line.units_made - line.units_delivered})
    if line.units_delivered > line.units_received:
        reasons.append({"code": "on_the_way", "units": line.units_delivered - line.units_received})
    return reasons
