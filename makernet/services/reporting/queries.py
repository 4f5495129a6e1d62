"""Figures for the dashboard and the public page: demand, production, stock and printers by territory."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import func, text
from sqlmodel import Session, select

from makernet.domain.planning import TRANSIT_DAYS
from makernet.models import (Delivery, DeliveryLine, Item, Job, Machine, Material, Organisation, Place, Request,
                             RequestLine, StockEntry, WorkOrder)
from makernet.services.access import Actor, territory_scope
from makernet.services.context import Context
from makernet.services.places.views import shown_state
from makernet.services.reporting.views import LateLine

NOT_DEMAND = ("rejected", "cancelled")


ACTIVE_JOBS = ("dispatching", "printing")


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


def _day(moment: datetime | None) -> date | None:
    return moment.date() if moment is not None else None


def dashboard(ctx: Context, actor: Actor, days: int = 56, today: date | None = None) -> dict:
    """Demand vs made vs delivered: per day (cumulative) over the last `days`, per item, place and département."""
    scope = _departements(actor)
    today = today or date.today()
    with ctx.db.reading() as s:
        asked = _asked(s, scope)
        made = _made(s, scope)
        received = _received(s, scope)
        per_place = _per_place(s, scope)
    start = today - timedelta(days=days - 1)
    series, totals = [], {"asked": 0, "made": 0, "delivered": 0}
    flows = {"asked": asked, "made": made, "delivered": received}
    for name, rows in flows.items():  # what happened before the window still counts in the totals
        totals[name] = sum(row["quantity"] for row in rows if row["day"] is not None and row["day"] < start)
    for offset in range(days):
        day = start + timedelta(days=offset)
        for name, rows in flows.items():
            totals[name] += sum(row["quantity"] for row in rows if row["day"] == day)
        series.append({"day": day.isoformat(), **totals})
    return {"series": series, "totals": dict(totals), "per_item": _group(flows, "item"),
            "per_departement": _group(flows, "departement"), "per_place": per_place}


def _asked(s: Session, scope: tuple[str, ...] | None) -> list[dict]:
    query = (select(Request.created_at, RequestLine.quantity, Item.name, Organisation.departement)
             .join(RequestLine, RequestLine.request_id == Request.id).join(Item, Item.id == RequestLine.item_id)
             .join(Organisation, Organisation.id == Request.organisation_id)
             .where(Request.status.not_in(NOT_DEMAND)))  # type: ignore[attr-defined]
    if scope is not None:
        query = query.where(Organisation.departement.in_(scope))  # type: ignore[attr-defined]
    return [{"day": _day(at), "quantity": q, "item": item, "departement": dep} for at, q, item, dep in s.exec(query)]


def _made(s: Session, scope: tuple[str, ...] | None) -> list[dict]:
    query = (select(Job.finished_at, Job.units_made, Item.name, Place.departement)
             .join(WorkOrder, WorkOrder.id == Job.work_order_id).join(Place, Place.id == WorkOrder.place_id)
             .join(RequestLine, RequestLine.id == WorkOrder.request_line_id).join(Item, Item.id == RequestLine.item_id)
             .where(Job.status == "done"))
    if scope is not None:
        query = query.where(Place.departement.in_(scope))  # type: ignore[attr-defined]
    return [{"day": _day(at), "quantity": q, "item": item, "departement": dep} for at, q, item, dep in s.exec(query)]


def _received(s: Session, scope: tuple[str, ...] | None) -> list[dict]:
    query = (select(Delivery.received_at, DeliveryLine.quantity, Item.name, Organisation.departement)
             .join(DeliveryLine, DeliveryLine.delivery_id == Delivery.id)
             .join(RequestLine, RequestLine.id == DeliveryLine.request_line_id).join(Item, Item.id == RequestLine.item_id)
             .join(Request, Request.id == Delivery.request_id)
             .join(Organisation, Organisation.id == Request.organisation_id)
             .where(Delivery.status == "received"))
    if scope is not None:
        query = query.where(Organisation.departement.in_(scope))  # type: ignore[attr-defined]
    return [{"day": _day(at), "quantity": q, "item": item, "departement": dep} for at, q, item, dep in s.exec(query)]


def _group(flows: dict[str, list[dict]], key: str) -> list[dict]:
    """Asked, made and delivered summed by one key (item name, département)."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: {"asked": 0, "made": 0, "delivered": 0})
    for name, rows in flows.items():
        for row in rows:
            table[row[key] or "?"][name] += row["quantity"]
    return [{"name": name, **values} for name, values in sorted(table.items())]


def _per_place(s: Session, scope: tuple[str, ...] | None) -> list[dict]:
    """Per place: accepted, made, rejected and backlog (accepted but not yet made)."""
    query = select(Place).where(Place.active == True).order_by(Place.name)  # noqa: E712
    if scope is not None:
        query = query.where(Place.departement.in_(scope))  # type: ignore[attr-defined]
    result = []
    for place in s.exec(query).all():
        accepted, made, rejected = s.exec(select(
            func.coalesce(func.sum(WorkOrder.accepted_quantity), 0), func.coalesce(func.sum(WorkOrder.units_made), 0),
            func.coalesce(func.sum(WorkOrder.units_rejected), 0))
            .where(WorkOrder.place_id == place.id, WorkOrder.status.in_(("accepted", "done")))).one()  # type: ignore[attr-defined]
        open_backlog = s.exec(select(func.coalesce(func.sum(WorkOrder.accepted_quantity - WorkOrder.units_made), 0))
                              .where(WorkOrder.place_id == place.id, WorkOrder.status == "accepted")).one()
        result.append({"id": place.id, "name": place.name, "departement": place.departement,
                       "accepted": int(accepted), "made": int(made), "rejected": int(rejected),
                       "backlog": max(int(open_backlog), 0)})
    return result


def stock_overview(ctx: Context, actor: Actor) -> dict:
    """Every material level at every place of the territory, with the ones at or under their alert threshold."""
    scope = _departements(actor)
    with ctx.db.reading() as s:
        query = (select(Place, Material, func.coalesce(func.sum(StockEntry.quantity), 0))
                 .join(StockEntry, StockEntry.place_id == Place.id).join(Material, Material.id == StockEntry.material_id)
                 .group_by(Place.id, Material.id).order_by(Place.name, Material.code))
        if scope is not None:
            query = query.where(Place.departement.in_(scope))  # type: ignore[attr-defined]
        places: dict[int, dict] = {}
        for place, material, level in s.exec(query).all():
            entry = places.setdefault(place.id, {"id": place.id, "name": place.name,
                                                 "departement": place.departement, "levels": []})
            entry["levels"].append({"code": material.code, "name": material.name, "unit": material.unit,
                                    "level": int(level), "threshold": material.low_stock_threshold,
                                    "low": int(level) <= material.low_stock_threshold})
    alerts = [{"place": p["name"], **level} for p in places.values() for level in p["levels"] if level["low"]]
    return {"places": list(places.values()), "alerts": alerts}


def printer_states(ctx: Context, actor: Actor) -> dict:
    """Every machine of the territory with its state and the progress of what runs on it; one whose counts are
    reported by hand is counted as such ("by_hand"), never as a printer in an unknown state."""
    scope = _departements(actor)
    with ctx.db.reading() as s:
        query = select(Machine, Place).join(Place, Place.id == Machine.place_id).where(
            Machine.active == True).order_by(Place.name, Machine.name)  # noqa: E712
        if scope is not None:
            query = query.where(Place.departement.in_(scope))  # type: ignore[attr-defined]
        running = {job.machine_id: job for job in s.exec(select(Job).where(Job.status.in_(ACTIVE_JOBS))).all()}  # type: ignore[attr-defined]
        machines = []
        for machine, place in s.exec(query).all():
            job = running.get(machine.id)
            machines.append({"id": machine.id, "name": machine.name, "kind": machine.kind, "place": place.name,
                             "state": shown_state(machine), "state_detail": machine.state_detail,
                             "bed_clear": machine.bed_clear, "job_id": job.id if job else None,
                             "progress": job.progress if job else None})
    counts: dict[str, int] = defaultdict(int)
    for machine in machines:
        counts[machine["state"]] += 1
    return {"machines": machines, "counts": dict(sorted(counts.items()))}


AT_RISK_DAYS = 3   # a line due within this many days that still misses units is at risk


def late_work(ctx: Context, actor: Actor, today: date | None = None, within: int = AT_RISK_DAYS) -> list[LateLine]:
    """Request lines of the territory that are overdue or due within `within` days and still miss units, nearest
    date first, each with why: what is not yet allocated, answered, made, shipped or received, and work a place
    expects ready too late (its planned ready date plus the transit day falls after the date needed)."""
    scope, today = _departements(actor), today or date.today()
    with ctx.db.reading() as s:
        query = (select(RequestLine, Request, Organisation, Item)
                 .join(Request, Request.id == RequestLine.request_id)
                 .join(Organisation, Organisation.id == Request.organisation_id)
                 .join(Item, Item.id == RequestLine.item_id)
                 .where(Request.status.not_in(("closed", "rejected", "cancelled")),  # type: ignore[attr-defined]
                        Request.needed_by <= today + timedelta(days=within),
                        RequestLine.units_received < RequestLine.quantity)
                 .order_by(Request.needed_by, Request.id, RequestLine.id))  # type: ignore[arg-type]
        if scope is not None:
            query = query.where(Organisation.departement.in_(scope))  # type: ignore[attr-defined]
        rows = s.exec(query).all()
        orders = defaultdict(list)
        for order, place in s.exec(select(WorkOrder, Place).join(Place, Place.id == WorkOrder.place_id).where(
                WorkOrder.request_line_id.in_([line.id for line, *_ in rows]),  # type: ignore[attr-defined]
                WorkOrder.status.in_(("proposed", "accepted")))).all():  # type: ignore[attr-defined]
            orders[order.request_line_id].append((order, place))
        return [{"request_id": request.id, "request_line_id": line.id, "organisation": organisation.name,
                 "item": item.name, "needed_by": request.needed_by.isoformat(), "days_left": (request.needed_by - today).days,
                 "quantity": line.quantity, "units_received": line.units_received,
                 "reasons": _late_reasons(request, line, orders[line.id], today)}
                for line, request, organisation, item in rows]


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
