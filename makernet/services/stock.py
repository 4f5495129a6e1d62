"""The stock ledger: every movement is an entry; levels are sums of entries.

Each write takes a lock on its (place, material) pair first, then reads the level
and appends entries, so two movements of the same material at the same place run
one after the other: a withdrawal can never pass the negative-stock check on a
level another transaction is about to lower.
"""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, text
from sqlmodel import Session, select

from makernet.domain import stock as rules
from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import BomLine, Material, Place, StockEntry, WorkOrder
from makernet.models.base import utcnow
from makernet.services import disruptions
from makernet.services.accounts import Actor
from makernet.services.context import Context

KINDS = rules.MOVEMENT_KINDS
USE_KINDS = ("consumption", "scrap")          # what sets the current rate of use
LOCK_NAMESPACE = 0x5354 << 48                 # "ST": keeps our advisory keys apart from others'


def lock_stock(s: Session, place_id: int, material_id: int) -> None:
    """Serialise writers of one material at one place until the transaction ends."""
    if s.get_bind().dialect.name == "postgresql":
        key = LOCK_NAMESPACE | (place_id << 24) | material_id
        s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    else:
        # SQLite has one writer at a time: a write statement takes that lock now,
        # before the level is read, instead of at the insert
        s.execute(text("UPDATE stockentry SET id = id WHERE 1 = 0"))


def level_of(s: Session, place_id: int, material_id: int) -> int:
    """The level of one material at one place: the sum of its ledger."""
    return int(s.exec(select(func.coalesce(func.sum(StockEntry.quantity), 0)).where(
        StockEntry.place_id == place_id, StockEntry.material_id == material_id)).one())


def consume_for_job(s: Session, job_id: int, place_id: int, needs: list[tuple[int, int]]) -> None:
    """Write the consumption of a finished job, once per job and material.

    Never refused for lack of stock: the units were made, so the material was used;
    a negative level shows the ledger is missing a receipt and raises an alert.
    """
    for material_id, quantity in sorted(needs):   # one lock order for every writer: no deadlock
        key = f"job:{job_id}:material:{material_id}"
        if quantity <= 0:
            continue
        lock_stock(s, place_id, material_id)
        if s.exec(select(StockEntry.id).where(StockEntry.idempotency_key == key)).first():
            continue
        s.add(StockEntry(place_id=place_id, material_id=material_id, quantity=-quantity, kind="consumption",
                         reason=f"job {job_id}", job_id=job_id, idempotency_key=key))
        s.flush()


def record_receipt(s: Session, place_id: int, material_id: int, quantity: int, reason: str,
                   user_id: int | None = None, cost_cents: int | None = None,
                   supply_request_id: int | None = None) -> StockEntry:
    """Material arriving at a place."""
    if quantity <= 0:
        raise InvalidInput("A receipt must add a positive quantity.", field="quantity")
    if cost_cents is not None and cost_cents < 0:
        raise InvalidInput("A cost cannot be negative.", field="cost_cents")
    lock_stock(s, place_id, material_id)
    entry = StockEntry(place_id=place_id, material_id=material_id, quantity=quantity, kind="receipt",
                       reason=reason, created_by=user_id, cost_cents=cost_cents,
                       supply_request_id=supply_request_id)
    s.add(entry)
    s.flush()
    return entry


def withdraw(s: Session, place_id: int, material_id: int, quantity: int, kind: str, reason: str,
             user_id: int | None = None, **links: object) -> StockEntry:
    """Take material out of a place, refusing to go below zero."""
    if quantity <= 0:
        raise InvalidInput("The quantity must be at least 1.", field="quantity")
    lock_stock(s, place_id, material_id)
    refusal = rules.refusal_for_withdrawal(level_of(s, place_id, material_id), quantity)
    if refusal:
        raise Conflict(refusal, field="quantity")
    entry = StockEntry(place_id=place_id, material_id=material_id, quantity=-quantity, kind=kind,
                       reason=reason, created_by=user_id, **links)
    s.add(entry)
    s.flush()
    return entry


def write_transfer(s: Session, from_place_id: int, to_place_id: int, material_id: int, quantity: int,
                   reason: str, user_id: int | None = None, supply_request_id: int | None = None) -> str:
    """Move material between two places as one operation: both entries or neither."""
    if from_place_id == to_place_id:
        raise InvalidInput("A transfer goes from one place to another.", field="to_place_id")
    transfer_id = uuid.uuid4().hex
    first, second = sorted((from_place_id, to_place_id))
    lock_stock(s, first, material_id)
    lock_stock(s, second, material_id)
    links = {"transfer_id": transfer_id, "supply_request_id": supply_request_id}
    withdraw(s, from_place_id, material_id, quantity, "transfer_out", reason, user_id, **links)
    s.add(StockEntry(place_id=to_place_id, material_id=material_id, quantity=quantity, kind="transfer_in",
                     reason=reason, created_by=user_id, **links))
    s.flush()
    return transfer_id


def place_for_stock(s: Session, actor: Actor, place_id: int, *, coordinators: bool = False) -> Place:
    """A place whose stock the actor may move: their own (operators), their territory's (coordinators)."""
    actor.require("operator", *(("coordinator",) if coordinators else ()))
    place = s.get(Place, place_id)
    if place is None or not (actor.role == "admin" or place.organisation_id == actor.organisation_id
                             or (coordinators and actor.sees_departement(place.departement))):
        raise NotFound(f"Place {place_id} not found.")
    return place


def visible_place(s: Session, actor: Actor, place_id: int) -> Place:
    """A place whose stock the actor may read."""
    place = s.get(Place, place_id)
    if place is None or not (place.organisation_id == actor.organisation_id
                             or actor.sees_departement(place.departement)):
        raise NotFound(f"Place {place_id} not found.")
    return place


def _material(s: Session, material_id: int) -> Material:
    material = s.get(Material, material_id)
    if material is None:
        raise InvalidInput(f"Unknown material {material_id}.", field="material_id")
    return material


def _reason(reason: str, what: str) -> str:
    if not reason.strip():
        raise InvalidInput(f"Say why: {what} needs a reason.", field="reason")
    return reason.strip()[:500]


def receive(ctx: Context, actor: Actor, place_id: int, material_id: int, quantity: int, reason: str = "",
            cost_cents: int | None = None) -> dict:
    """Record material arriving at one of the actor's places."""
    with ctx.db.transaction() as tx:
        place = place_for_stock(tx.session, actor, place_id)
        _material(tx.session, material_id)
        entry = record_receipt(tx.session, place.id, material_id, quantity, reason.strip()[:500] or "réception",
                               actor.user_id, cost_cents)
        return entry_view(entry)


def adjust(ctx: Context, actor: Actor, place_id: int, material_id: int, quantity: int, reason: str) -> dict:
    """Correct a level after a count (signed quantity); never below zero."""
    why = _reason(reason, "an adjustment")
    if quantity == 0:
        raise InvalidInput("An adjustment changes the level by at least one unit.", field="quantity")
    with ctx.db.transaction() as tx:
        s = tx.session
        place = place_for_stock(s, actor, place_id)
        _material(s, material_id)
        if quantity < 0:
            entry = withdraw(s, place.id, material_id, -quantity, "adjustment", why, actor.user_id)
            disruptions.stock_dropped(ctx, tx, place.id, material_id)
            return entry_view(entry)
        lock_stock(s, place.id, material_id)
        entry = StockEntry(place_id=place.id, material_id=material_id, quantity=quantity, kind="adjustment",
                           reason=why, created_by=actor.user_id)
        s.add(entry)
        s.flush()
        return entry_view(entry)


def scrap(ctx: Context, actor: Actor, place_id: int, material_id: int, quantity: int, reason: str) -> dict:
    """Write off spoilt material (a wet spool, torn fabric)."""
    why = _reason(reason, "scrapping material")
    with ctx.db.transaction() as tx:
        place = place_for_stock(tx.session, actor, place_id)
        _material(tx.session, material_id)
        entry = withdraw(tx.session, place.id, material_id, quantity, "scrap", why, actor.user_id)
        disruptions.stock_dropped(ctx, tx, place.id, material_id)
        return entry_view(entry)


def transfer(ctx: Context, actor: Actor, from_place_id: int, to_place_id: int, material_id: int,
             quantity: int, reason: str = "") -> dict:
    """Send material from a place (the actor's, or in a coordinator's territory) to another place."""
    with ctx.db.transaction() as tx:
        s = tx.session
        source = place_for_stock(s, actor, from_place_id, coordinators=True)
        target = s.get(Place, to_place_id)
        if target is None or not target.active:
            raise InvalidInput(f"Unknown place {to_place_id}.", field="to_place_id")
        material = _material(s, material_id)
        note = reason.strip()[:500] or f"transfert {source.name} → {target.name}"
        transfer_id = write_transfer(s, source.id, target.id, material.id, quantity, note, actor.user_id)
        disruptions.stock_dropped(ctx, tx, source.id, material.id)
        entries = s.exec(select(StockEntry).where(StockEntry.transfer_id == transfer_id)
                         .order_by(StockEntry.id)).all()  # type: ignore[arg-type]
        return {"transfer_id": transfer_id, "entries": [entry_view(e) for e in entries]}


def stock_states(s: Session, place_ids: list[int]) -> dict[tuple[int, int], rules.StockState]:
    """Level, reservations and rate of use of every material held or reserved at these places."""
    if not place_ids:
        return {}
    by_pair = lambda rows: {(int(p), int(m)): int(q) for p, m, q in rows}  # noqa: E731
    levels_ = by_pair(s.exec(select(StockEntry.place_id, StockEntry.material_id, func.sum(StockEntry.quantity))
                             .where(StockEntry.place_id.in_(place_ids))  # type: ignore[attr-defined]
                             .group_by(StockEntry.place_id, StockEntry.material_id)).all())
    since = utcnow() - timedelta(days=rules.RATE_WINDOW_DAYS)
    used = by_pair(s.exec(select(StockEntry.place_id, StockEntry.material_id, -func.sum(StockEntry.quantity))
                          .where(StockEntry.place_id.in_(place_ids), StockEntry.kind.in_(USE_KINDS),  # type: ignore[attr-defined]
                                 StockEntry.created_at >= since)
                          .group_by(StockEntry.place_id, StockEntry.material_id)).all())
    reserved = by_pair(_reservation_rows(s, place_ids, grouped=True))
    thresholds = {m.id: m.low_stock_threshold for m in s.exec(select(Material)).all()}
    return {pair: rules.stock_state(levels_.get(pair, 0), reserved.get(pair, 0), used.get(pair, 0),
                                    thresholds.get(pair[1], 0))
            for pair in sorted(set(levels_) | set(reserved))}


def _reservation_rows(s: Session, place_ids: list[int], grouped: bool) -> list:
    """Material promised to accepted work orders: units still to make × bill of materials."""
    remaining = func.max(WorkOrder.accepted_quantity - WorkOrder.units_made - WorkOrder.units_rejected, 0) \
        if s.get_bind().dialect.name == "sqlite" else \
        func.greatest(WorkOrder.accepted_quantity - WorkOrder.units_made - WorkOrder.units_rejected, 0)
    quantity = remaining * BomLine.quantity
    query = (select(WorkOrder.place_id, BomLine.material_id, func.sum(quantity) if grouped else quantity,
                    *(() if grouped else (WorkOrder.id,)))
             .join(BomLine, BomLine.design_version_id == WorkOrder.design_version_id)
             .where(WorkOrder.place_id.in_(place_ids), WorkOrder.status == "accepted"))  # type: ignore[attr-defined]
    if grouped:
        query = query.group_by(WorkOrder.place_id, BomLine.material_id)
    return [row for row in s.exec(query).all() if row[2]]


def levels(ctx: Context, actor: Actor, place_id: int) -> list[dict]:
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


def reservations(ctx: Context, actor: Actor, place_id: int) -> list[dict]:
    """What each accepted work order of a place still needs, material by material."""
    with ctx.db.reading() as s:
        place = visible_place(s, actor, place_id)
        return [{"work_order_id": wo, "material_id": m, "quantity": int(q)}
                for _p, m, q, wo in sorted(_reservation_rows(s, [place.id], grouped=False), key=lambda r: (r[3], r[1]))]


def alerts(ctx: Context, actor: Actor) -> list[dict]:
    """Low or exhausted materials at every place the actor sees, the most urgent first."""
    with ctx.db.reading() as s:
        places = {p.id: p for p in s.exec(select(Place).where(Place.active == True)).all()  # noqa: E712
                  if p.organisation_id == actor.organisation_id or actor.sees_departement(p.departement)}
        materials = {m.id: m for m in s.exec(select(Material)).all()}
        found = [(places[p], materials[m], st) for (p, m), st in stock_states(s, list(places)).items() if st.alert]
        found.sort(key=lambda r: (r[2].alert != "out", r[2].days_left if r[2].days_left is not None else 1e9,
                                  r[0].name, r[1].code))
        return [{"place_id": p.id, "place_name": p.name, "departement": p.departement, "material_id": m.id,
                 "code": m.code, "name": m.name, "unit": m.unit, "level": st.level, "reserved": st.reserved,
                 "available": st.available, "days_left": st.days_left, "alert": st.alert} for p, m, st in found]


def ledger(ctx: Context, actor: Actor, place_id: int, material_id: int | None = None) -> list[dict]:
    """The ledger entries of a place, newest first."""
    with ctx.db.reading() as s:
        visible_place(s, actor, place_id)
        query = select(StockEntry).where(StockEntry.place_id == place_id)
        if material_id is not None:
            query = query.where(StockEntry.material_id == material_id)
        entries = s.exec(query.order_by(StockEntry.id.desc()).limit(1000)).all()  # type: ignore[union-attr]
        return [entry_view(e) for e in entries]


def entry_view(e: StockEntry) -> dict:
    """A ledger entry as plain data."""
    return {"id": e.id, "place_id": e.place_id, "material_id": e.material_id, "quantity": e.quantity,
            "kind": e.kind, "reason": e.reason, "job_id": e.job_id, "transfer_id": e.transfer_id,
            "supply_request_id": e.supply_request_id, "cost_cents": e.cost_cents,
            "created_at": e.created_at.isoformat()}
