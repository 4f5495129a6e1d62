"""Stock as it is read: levels, reservations, alerts, the ledger, places with surplus."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from makernet.domain import stock as rules
from makernet.errors import InvalidInput
from makernet.models import BomLine, Job, Material, Place, StockDay, StockEntry, WorkOrder
from makernet.models.base import utcnow
from makernet.services.access import Actor, sees_place, visible_place
from makernet.services.context import Context
from makernet.services.listing import Rows, Window, page_of
from makernet.services.stock.operations import KINDS
from makernet.services.stock.views import entry_view
from makernet.services.stock.views import LedgerEntryView, Reservation, StockAlert, StockLevel

def stock_states(s: Session, place_ids: list[int]) -> dict[tuple[int, int], rules.StockState]:
    """Level, reservations and rate of use of every material held or reserved at these places."""
    if not place_ids:
        return {}
    by_pair = lambda rows: {(int(p), int(m)): int(q) for p, m, q in rows}  # noqa: E731
    pairs = (StockDay.place_id, StockDay.material_id)
    levels_ = by_pair(s.exec(select(*pairs, func.sum(StockDay.net)).where(
        StockDay.place_id.in_(place_ids)).group_by(*pairs)).all())  # type: ignore[attr-defined]
    since = (utcnow() - timedelta(days=rules.RATE_WINDOW_DAYS - 1)).date()   # the last seven days, today's too
    used = by_pair(s.exec(select(*pairs, func.sum(StockDay.used)).where(
        StockDay.place_id.in_(place_ids), StockDay.day >= since).group_by(*pairs)).all())  # type: ignore[attr-defined]
    reserved = by_pair(_reservation_rows(s, place_ids, grouped=True))
    thresholds = {m.id: m.low_stock_threshold for m in s.exec(select(Material)).all()}
    return {pair: rules.stock_state(levels_.get(pair, 0), reserved.get(pair, 0), used.get(pair, 0),
                                    thresholds.get(pair[1], 0))
            for pair in sorted(set(levels_) | set(reserved))}


def _reservation_rows(s: Session, place_ids: list[int], grouped: bool) -> list:
    """Material promised to accepted work orders: units still to make × bill of materials (rejects are made
    again, so only good units count as made)."""
    remaining = func.max(WorkOrder.accepted_quantity - WorkOrder.units_made, 0) \
        if s.get_bind().dialect.name == "sqlite" else \
        func.greatest(WorkOrder.accepted_quantity - WorkOrder.units_made, 0)
    quantity = remaining * BomLine.quantity
    query = (select(WorkOrder.place_id, BomLine.material_id, func.sum(quantity) if grouped else quantity,
                    *(() if grouped else (WorkOrder.id,)))
             .join(BomLine, BomLine.design_version_id == WorkOrder.design_version_id)
             .where(WorkOrder.place_id.in_(place_ids), WorkOrder.status == "accepted"))  # type: ignore[attr-defined]
    if grouped:
        query = query.group_by(WorkOrder.place_id, BomLine.material_id)
    return [row for row in s.exec(query).all() if row[2]]


def levels(ctx: Context, actor: Actor, place_id: int) -> list[StockLevel]:
    """Current level of every material at a place: the sum of its ledger entries, with what is promised."""
    with ctx.db.reading() as s:
        place = visible_place(s, actor, place_id)
        states = stock_states(s, [place.id])
        materials = {m.id: m for m in s.exec(select(Material)).all()}
        rows = sorted(((materials[m], st) for (_p, m), st in states.items()), key=lambda r: r[0].code)
        return [{"material_id": m.id, "code": m.code, "name": m.name, "unit": m.unit, "level": st.level,
                 "reserved": st.reserved, "available": st.available, "daily_use": st.daily_use,
                 "days_left": st.days_left, "alert": st.alert, "low": st.alert is not None,
                 "threshold": m.low_stock_threshold} for m, st in rows]


def reservations(ctx: Context, actor: Actor, place_id: int) -> list[Reservation]:
    """What each accepted work order of a place still needs, material by material."""
    with ctx.db.reading() as s:
        place = visible_place(s, actor, place_id)
        return [{"work_order_id": wo, "material_id": m, "quantity": int(q)}
                for _p, m, q, wo in sorted(_reservation_rows(s, [place.id], grouped=False), key=lambda r: (r[3], r[1]))]


def alerts(ctx: Context, actor: Actor) -> list[StockAlert]:
    """Low or exhausted materials at every place the actor sees, the most urgent first."""
    with ctx.db.reading() as s:
        places = {p.id: p for p in s.exec(select(Place).where(Place.active == True)).all()  # noqa: E712
                  if sees_place(actor, p)}
        materials = {m.id: m for m in s.exec(select(Material)).all()}
        found = [(places[p], materials[m], st) for (p, m), st in stock_states(s, list(places)).items() if st.alert]
        found.sort(key=lambda r: (r[2].alert != "out", r[2].days_left if r[2].days_left is not None else 1e9,
                                  r[0].name, r[1].code))
        return [{"place_id": p.id, "place_name": p.name, "departement": p.departement, "material_id": m.id,
                 "code": m.code, "name": m.name, "unit": m.unit, "level": st.level, "reserved": st.reserved,
                 "available": st.available, "days_left": st.days_left, "alert": st.alert} for p, m, st in found]


def ledger(ctx: Context, actor: Actor, place_id: int, material_id: int | None = None, kind: str | None = None,
           window: Window | None = None) -> Rows[LedgerEntryView]:
    """The ledger entries of a place, newest first, of one material and one kind of movement if asked: one page of
    them, or all without a window."""
    if kind is not None and kind not in KINDS:
        raise InvalidInput("stock.movement_kind_unknown", field="kind", value=kind)
    with ctx.db.reading() as s:
        visible_place(s, actor, place_id)
        query = select(StockEntry).where(StockEntry.place_id == place_id)
        if material_id is not None:
            query = query.where(StockEntry.material_id == material_id)
        if kind is not None:
            query = query.where(StockEntry.kind == kind)
        return page_of(s, query.order_by(StockEntry.id.desc()), window, entry_view)  # type: ignore[union-attr]


def materials(ctx: Context) -> list[dict]:
    """Every material, by name, with its unit."""
    with ctx.db.reading() as s:
        return [{"id": m.id, "code": m.code, "name": m.name, "unit": m.unit, "threshold": m.low_stock_threshold}
                for m in s.exec(select(Material).order_by(Material.name)).all()]  # type: ignore[arg-type]


def ledger_page(ctx: Context, actor: Actor, place_id: int, material_id: int | None = None,
                kind: str | None = None, window: Window | None = None) -> Rows:
    """A page of a place's ledger entries as the stock page shows them, newest first, of one material and one kind
    of movement if asked: with the material's name and unit, and whether a plate or a batch consumed it."""
    entries = ledger(ctx, actor, place_id, material_id, kind, window)
    names = {m["id"]: m for m in materials(ctx)}
    plates = _plates(ctx, {e["job_id"] for e in entries if e["job_id"] is not None})
    return Rows([e | {"material_name": names[e["material_id"]]["name"], "unit": names[e["material_id"]]["unit"],
                      "job_made": None if e["job_id"] is None else ("plate" if e["job_id"] in plates else "batch")}
                 for e in entries], entries.total, entries.window, entries.more)


def _plates(ctx: Context, job_ids: set[int]) -> set[int]:
    """Which of these jobs are print plates (the others are batches of a manual work centre)."""
    if not job_ids:
        return set()
    with ctx.db.reading() as s:
        return set(s.exec(select(Job.id).where(Job.id.in_(job_ids),  # type: ignore[union-attr]
                                               Job.plate_layout_id.is_not(None))).all())  # type: ignore[union-attr]


def surplus_places(ctx: Context, actor: Actor, material_id: int, except_place_id: int) -> list[dict]:
    """Places of the coordinator's territory with some of a material free (not promised to accepted work)."""
    with ctx.db.reading() as s:
        places = {p.id: p for p in s.exec(select(Place).where(Place.active == True)).all()  # noqa: E712
                  if p.id != except_place_id and actor.sees_departement(p.departement)}
        states = stock_states(s, list(places))
        found = [{"id": p, "name": places[p].name, "departement": places[p].departement, "available": st.available}
                 for (p, m), st in states.items() if m == material_id and st.available > 0]
        return sorted(found, key=lambda f: (-f["available"], f["name"]))
