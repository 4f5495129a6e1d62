"""CSV exports for spreadsheets: requests, production, stock and deliveries the actor may see."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from sqlmodel import Session, select

from makernet.errors import InvalidInput
from makernet.models import (Delivery, DeliveryLine, DesignVersion, Item, Job, Machine, Material, Organisation, Place,
                             Request, RequestLine, WorkOrder)
from makernet.services.access import Actor, can_see_delivery, sees_place
from makernet.services.listing import requests_seen
from makernet.services.context import Context
from makernet.services.stock.queries import stock_states

KINDS = ("requests", "production", "stock", "deliveries")


BOM = "\ufeff"


def export_csv(ctx: Context, actor: Actor, kind: str) -> str:
    """One export as CSV text, limited to what the actor may see."""
    makers = {"requests": _requests, "production": _production, "stock": _stock, "deliveries": _deliveries}
    if kind not in makers:
        raise InvalidInput("exchange.export_unknown", field="kind", value=kind, allowed=list(KINDS))
    if kind in ("production", "stock"):
        actor.require("operator", "coordinator")
    with ctx.db.reading() as s:
        header, rows = makers[kind](s, actor)
        return _write(header, rows)


def _write(header: list[str], rows: Iterable[list[object]]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return out.getvalue()


def _cell(value: object) -> object:
    """A value as written; text a spreadsheet would run as a formula is quoted first."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _stamp(moment: object) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""  # type: ignore[attr-defined]


def _requests(s: Session, actor: Actor) -> tuple[list[str], list[list[object]]]:
    """One row per request line."""
    header = ["request_id", "organisation", "departement", "status", "priority", "needed_by", "delivery_point",
              "created_at", "request_line_id", "item", "quantity", "units_made", "units_delivered", "units_received"]
    query = (select(Request, Organisation, RequestLine, Item)
             .join(Organisation, Organisation.id == Request.organisation_id)
             .join(RequestLine, RequestLine.request_id == Request.id).join(Item, Item.id == RequestLine.item_id)
             .order_by(Request.id, RequestLine.id))
    rows = [[request.id, org.name, org.departement, request.status, request.priority, request.needed_by.isoformat(),
             request.delivery_point, _stamp(request.created_at), line.id, item.code, line.quantity, line.units_made,
             line.units_delivered, line.units_received]
            for request, org, line, item in s.exec(requests_seen(query, actor)).all()]
    return header, rows


def _production(s: Session, actor: Actor) -> tuple[list[str], list[list[object]]]:
    """One row per finished job (plate or batch)."""
    header = ["job_id", "finished_at", "place", "departement", "machine", "work_order_id", "request_id", "item",
              "design_version", "units", "units_made", "units_rejected"]
    query = (select(Job, Machine, Place, WorkOrder, RequestLine, Item, DesignVersion)
             .join(Machine, Machine.id == Job.machine_id).join(WorkOrder, WorkOrder.id == Job.work_order_id)
             .join(Place, Place.id == WorkOrder.place_id).join(RequestLine, RequestLine.id == WorkOrder.request_line_id)
             .join(Item, Item.id == RequestLine.item_id)
             .join(DesignVersion, DesignVersion.id == WorkOrder.design_version_id)
             .where(Job.status == "done").order_by(Job.finished_at, Job.id))  # type: ignore[arg-type]
    return header, [[job.id, _stamp(job.finished_at), place.name, place.departement, machine.name, order.id,
                     line.request_id, item.code, design.label, job.units, job.units_made, job.units_rejected]
                    for job, machine, place, order, line, item, design in s.exec(query).all()
                    if sees_place(actor, place)]


def _stock(s: Session, actor: Actor) -> tuple[list[str], list[list[object]]]:
    """One row per material held or reserved at each place."""
    header = ["place_id", "place", "departement", "material", "unit", "level", "reserved", "available",
              "daily_use", "days_left", "alert"]
    places = {p.id: p for p in s.exec(select(Place).order_by(Place.name)).all() if sees_place(actor, p)}  # type: ignore[arg-type]
    materials = {m.id: m for m in s.exec(select(Material)).all()}
    states = stock_states(s, list(places))
    rows = sorted(([p, places[p].name, places[p].departement, materials[m].code, materials[m].unit, st.level,
                    st.reserved, st.available, str(st.daily_use).replace(".", ","),
                    "" if st.days_left is None else str(st.days_left).replace(".", ","), st.alert or ""]
                   for (p, m), st in states.items()), key=lambda r: (r[1], r[3]))
    return header, rows


def _deliveries(s: Session, actor: Actor) -> tuple[list[str], list[list[object]]]:
    """One row per delivery line."""
    header = ["delivery_id", "request_id", "place", "requester", "status", "mode", "destination", "carrier",
              "receiver", "refused_reason", "created_at", "picked_up_at", "delivered_at", "received_at", "item",
              "quantity"]
    query = (select(Delivery, DeliveryLine, Place, Organisation, Item)
             .join(DeliveryLine, DeliveryLine.delivery_id == Delivery.id).join(Place, Place.id == Delivery.place_id)
             .join(Request, Request.id == Delivery.request_id)
             .join(Organisation, Organisation.id == Request.organisation_id)
             .join(RequestLine, RequestLine.id == DeliveryLine.request_line_id).join(Item, Item.id == RequestLine.item_id)
             .order_by(Delivery.id, DeliveryLine.id))
    return header, [[d.id, d.request_id, place.name, org.name, d.status, d.mode, d.destination, d.carrier_name,
                     d.receiver_name, d.refused_reason, _stamp(d.created_at), _stamp(d.picked_up_at),
                     _stamp(d.delivered_at), _stamp(d.received_at), item.code, line.quantity]
                    for d, line, place, org, item in s.exec(query).all() if can_see_delivery(s, actor, d)]
