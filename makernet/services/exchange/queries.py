"""CSV exports for spreadsheets: requests, production, stock and deliveries the actor may see, streamed.

Each export is one query narrowed in the database to what the actor sees and written out as it comes: by
PostgreSQL itself (COPY … TO STDOUT), or on SQLite read through the cursor a few thousand rows at a time and written
by Python; the first bytes leave at once and memory stays flat whatever the history (a region's season is a
million finished plates)."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Select, String, case, cast, func, literal
from sqlalchemy.dialects import postgresql
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

Export = tuple[list[str], str, Select]     # header, each column's kind (int, text, date, stamp), the query


def export_csv(ctx: Context, actor: Actor, kind: str, by_database: bool | None = None) -> Iterator[bytes]:
    """One export as CSV in chunks of UTF-8, limited to what the actor may see. The kind and the actor's role are
    checked now, before the first chunk, so a refusal is an error answer and never half a file. PostgreSQL writes
    the CSV itself unless `by_database` is False."""
    makers: dict[str, Callable[[Actor], Export]] = {"requests": _requests, "production": _production,
                                                     "deliveries": _deliveries}
    if kind not in KINDS:
        raise InvalidInput("exchange.export_unknown", field="kind", value=kind, allowed=list(KINDS))
    if kind in ("production", "stock"):
        actor.require("operator", "coordinator")
    if kind == "stock":
        return _stock(ctx, actor)
    header, kinds, query = makers[kind](actor)
    copied = ctx.db.engine.dialect.name == "postgresql" and by_database is not False
    return (_copied if copied else _stream)(ctx, header, kinds.split(), query)


def _writer() -> tuple[io.StringIO, Callable[[list[object]], object]]:
    out = io.StringIO()
    return out, csv.writer(out, delimiter=";", lineterminator="\r\n").writerow


def _taken(out: io.StringIO) -> bytes:
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text.encode()


def _stream(ctx: Context, header: list[str], kinds: list[str], query: Select) -> Iterator[bytes]:
    """Rows read through the cursor a chunk at a time and written by Python's CSV writer (SQLite)."""
    out, write = _writer()
    write(header)
    yield BOM.encode() + _taken(out)
    shown = [{"int": lambda v: v, "text": _cell, "date": lambda v: v.isoformat() if v else "", "stamp": _stamp}[k]
             for k in kinds]
    with ctx.db.reading() as s:
        for rows in s.exec(query.execution_options(yield_per=CHUNK)).partitions():  # type: ignore[call-overload]
            for row in rows:
                write([show(value) for show, value in zip(shown, row, strict=True)])
            yield _taken(out)


def _copied(ctx: Context, header: list[str], kinds: list[str], query: Select) -> Iterator[bytes]:
    """PostgreSQL writes the CSV itself (COPY … TO STDOUT), each value worded as the Python path words it: ten
    times the throughput of rows turned into objects and back into text."""
    out, write = _writer()
    write(header)
    yield BOM.encode() + _taken(out)
    worded = query.with_only_columns(*(_in_sql(column, k) for column, k in
                                       zip(query.selected_columns, kinds, strict=True)))
    sql = str(worded.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    with ctx.db.engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, DELIMITER ';')") as copy:
            pending, size = [], 0
            for data in copy:
                pending.append(bytes(data))
                size += len(data)
                if size >= 1 << 16:
                    yield b"".join(pending)
                    pending, size = [], 0
            yield b"".join(pending)


def _in_sql(column: Any, kind: str) -> Any:
    """A column worded in SQL as `_cell`, `_stamp` and `isoformat` word it in Python."""
    if kind == "text":   # what a spreadsheet would run as a formula is quoted first
        return case((func.substr(column, 1, 1).in_(FORMULA_STARTS), literal("'") + column), else_=column)
    if kind == "stamp":
        return func.to_char(func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
    if kind == "date":
        return cast(column, String)
    return column


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    """A value as written; text a spreadsheet would run as a formula is quoted first."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
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
    return header, "int text text text text date text stamp int text int int int int", requests_seen(query, actor)


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
    return header, "int stamp text text text int int text text int int int", query


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
    return header, "int int text text text text text text text text stamp stamp stamp stamp text int", query


def _stock(ctx: Context, actor: Actor) -> Iterator[bytes]:
    """One row per material held or reserved at each place (a few per place: written whole)."""
    out, write = _writer()
    write(["place_id", "place", "departement", "material", "unit", "level", "reserved", "available",
           "daily_use", "days_left", "alert"])
    with ctx.db.reading() as s:
        for row in _stock_rows(s, actor):
            write([_cell(v) for v in row])
    yield BOM.encode() + _taken(out)


def _stock_rows(s: Session, actor: Actor) -> list[list[object]]:
    places = {p.id: p for p in s.exec(select(Place).order_by(Place.name)).all() if sees_place(actor, p)}  # type: ignore[arg-type]
    materials = {m.id: m for m in s.exec(select(Material)).all()}
    states = stock_states(s, list(places))
    return sorted(([p, places[p].name, places[p].departement, materials[m].code, materials[m].unit, st.level,
                    st.reserved, st.available, str(st.daily_use).replace(".", ","),
                    "" if st.days_left is None else str(st.days_left).replace(".", ","), st.alert or ""]
                   for (p, m), st in states.items()), key=lambda r: (r[1], r[3]))
