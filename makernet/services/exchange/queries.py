"""CSV exports for spreadsheets: requests, production, stock and deliveries the actor may see, streamed.

Each export is one query narrowed in the database to what the actor sees, read through a server-side cursor a
few thousand rows at a time and written out as it comes: the first bytes leave at once and memory stays flat
whatever the history (a region's season is a million finished plates)."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from sqlalchemy import Select
from sqlmodel import Session, select

from makernet.errors import InvalidInput
from makernet.models import (Delivery, DeliveryLine, DesignVersion, Item, Job, Machine, Material, Organisation, Place,
                             Request, RequestLine, WorkOrder)
from makernet.services.access import Actor, sees_place
from makernet.services.context import Context
from makernet.services.listing import deliveries_seen, jobs_seen, requests_seen
from makernet.services.stock.queries import stock_states

KINDS = ("requests", "production", "stock", "deliveries")
BOM = "\ufeff"
CHUNK = 2000          # rows read from the cursor and written out at a time

Export = tuple[list[str], Select, Callable[[tuple], list[object]]]


def export_csv(ctx: Context, actor: Actor, kind: str) -> Iterator[str]:
    """One export as CSV text in chunks, limited to what the actor may see. The kind and the actor's role are
    checked now, before the first chunk, so a refusal is an error answer and never half a file."""
    makers: dict[str, Callable[[Actor], Export]] = {"requests": _requests, "production": _production,
                                                     "deliveries": _deliveries}
    if kind not in KINDS:
        raise InvalidInput("exchange.export_unknown", field="kind", value=kind, allowed=list(KINDS))
    if kind in ("production", "stock"):
        actor.require("operator", "coordinator")
    if kind == "stock":
        return _stock(ctx, actor)
    return _stream(ctx, *makers[kind](actor))


def _writer() -> tuple[io.StringIO, Callable[[list[object]], object]]:
    out = io.StringIO()
    return out, csv.writer(out, delimiter=";", lineterminator="\r\n").writerow


def _taken(out: io.StringIO) -> str:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text


def _stream(ctx: Context, header: list[str], query: Select, row_of: Callable[[tuple], list[object]]) -> Iterator[str]:
    out, write = _writer()
    write(header)
    yield BOM + _taken(out)
    with ctx.db.reading() as s:
        for rows in s.exec(query.execution_options(yield_per=CHUNK)).partitions():  # type: ignore[call-overload]
            for row in rows:
                write([_cell(v) for v in row_of(row)])
            yield _taken(out)


def _cell(value: object) -> object:
    """A value as written; text a spreadsheet would run as a formula is quoted first."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _stamp(moment: object) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""  # type: ignore[attr-defined]


def _requests(actor: Actor) -> Export:
    """One row per request line."""
    header = ["request_id", "organisation", "departement", "status", "priority", "needed_by", "delivery_point",
              "created_at", "request_line_id", "item", "quantity", "units_made", "units_delivered", "units_received"]
    query = (select(Request.id, Organisation.name, Organisation.departement, Request.status, Request.priority,
                    Request.needed_by, Request.delivery_point, Request.created_at, RequestLine.id, Item.code,
                    RequestLine.quantity, RequestLine.units_made, RequestLine.units_delivered, RequestLine.units_received)
             .join(Organisation, Organisation.id == Request.organisation_id)
             .join(RequestLine, RequestLine.request_id == Request.id).join(Item, Item.id == RequestLine.item_id)
             .order_by(Request.id, RequestLine.id))
    return header, requests_seen(query, actor), lambda r: [
        *r[:5], r[5].isoformat(), r[6], _stamp(r[7]), *r[8:]]


def _production(actor: Actor) -> Export:
    """One row per finished job (plate or batch)."""
    header = ["job_id", "finished_at", "place", "departement", "machine", "work_order_id", "request_id", "item",
              "design_version", "units", "units_made", "units_rejected"]
    query = (select(Job.id, Job.finished_at, Place.name, Place.departement, Machine.name, WorkOrder.id,
                    RequestLine.request_id, Item.code, DesignVersion.label, Job.units, Job.units_made, Job.units_rejected)
             .where(Job.status == "done"))
    query = (jobs_seen(query, actor).join(Machine, Machine.id == Job.machine_id)
             .join(RequestLine, RequestLine.id == WorkOrder.request_line_id).join(Item, Item.id == RequestLine.item_id)
             .join(DesignVersion, DesignVersion.id == WorkOrder.design_version_id)
             .order_by(Job.finished_at, Job.id))  # type: ignore[arg-type]
    return header, query, lambda r: [r[0], _stamp(r[1]), *r[2:]]


def _deliveries(actor: Actor) -> Export:
    """One row per delivery line."""
    header = ["delivery_id", "request_id", "place", "requester", "status", "mode", "destination", "carrier",
              "receiver", "refused_reason", "created_at", "picked_up_at", "delivered_at", "received_at", "item",
              "quantity"]
    query = deliveries_seen(select(
        Delivery.id, Delivery.request_id, Place.name, Organisation.name, Delivery.status, Delivery.mode,
        Delivery.destination, Delivery.carrier_name, Delivery.receiver_name, Delivery.refused_reason,
        Delivery.created_at, Delivery.picked_up_at, Delivery.delivered_at, Delivery.received_at, Item.code,
        DeliveryLine.quantity).select_from(Delivery), actor)
    query = (query.join(Organisation, Organisation.id == Request.organisation_id)
             .join(DeliveryLine, DeliveryLine.delivery_id == Delivery.id)
             .join(RequestLine, RequestLine.id == DeliveryLine.request_line_id).join(Item, Item.id == RequestLine.item_id)
             .order_by(Delivery.id, DeliveryLine.id))
    return header, query, lambda r: [*r[:10], *(_stamp(m) for m in r[10:14]), *r[14:]]


def _stock(ctx: Context, actor: Actor) -> Iterator[str]:
    """One row per material held or reserved at each place (a few per place: written whole)."""
    out, write = _writer()
    write(["place_id", "place", "departement", "material", "unit", "level", "reserved", "available",
           "daily_use", "days_left", "alert"])
    with ctx.db.reading() as s:
        for row in _stock_rows(s, actor):
            write([_cell(v) for v in row])
    yield BOM + _taken(out)


def _stock_rows(s: Session, actor: Actor) -> list[list[object]]:
    places = {p.id: p for p in s.exec(select(Place).order_by(Place.name)).all() if sees_place(actor, p)}  # type: ignore[arg-type]
    materials = {m.id: m for m in s.exec(select(Material)).all()}
    states = stock_states(s, list(places))
    return sorted(([p, places[p].name, places[p].departement, materials[m].code, materials[m].unit, st.level,
                    st.reserved, st.available, str(st.daily_use).replace(".", ","),
                    "" if st.days_left is None else str(st.days_left).replace(".", ","), st.alert or ""]
                   for (p, m), st in states.items()), key=lambda r: (r[1], r[3]))
