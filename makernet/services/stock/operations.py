"""The stock ledger: every movement is an entry; levels are sums of entries.

Each write takes a lock on its (place, material) pair first, then reads the level
and appends entries, so two movements of the same material at the same place run
one after the other: a withdrawal can never pass the negative-stock check on a
level another transaction is about to lower.
"""
from __future__ import annotations

import uuid

from sqlalchemy import func, text
from sqlmodel import Session, select

from makernet.domain import stock as rules
from makernet.errors import Conflict, InvalidInput
from makernet.models import Job, StockDay, StockEntry
from makernet.services.tallies import add_to

KINDS = rules.MOVEMENT_KINDS


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


USE_KINDS = ("consumption", "scrap")          # what sets the current rate of use


def append(s: Session, entry: StockEntry) -> StockEntry:
    """Write one ledger entry and add it to its place's day: the only way an entry is written."""
    s.add(entry)
    s.flush()
    add_to(s, StockDay, {"day": entry.created_at.date(), "place_id": entry.place_id, "material_id": entry.material_id},
           {"net": entry.quantity, "used": -entry.quantity if entry.kind in USE_KINDS else 0})
    return entry


def level_of(s: Session, place_id: int, material_id: int) -> int:
    """The level of one material at one place: the sum of its ledger."""
    return int(s.exec(select(func.coalesce(func.sum(StockEntry.quantity), 0)).where(
        StockEntry.place_id == place_id, StockEntry.material_id == material_id)).one())


def consume_for_job(s: Session, job_id: int, place_id: int, needs: list[tuple[int, int]]) -> None:
    """Write the consumption of a finished job, once per job and material.

    Never refused for lack of stock: the units were made, so the material was used;
    a negative level shows the ledger is missing a receipt and raises an alert.
    """
    job = s.get(Job, job_id)
    reason = f"{'plateau' if job is not None and job.plate_layout_id is not None else 'lot'} n° {job_id}"
    for material_id, quantity in sorted(needs):   # one lock order for every writer: no deadlock
        key = f"job:{job_id}:material:{material_id}"
        if quantity <= 0:
            continue
        lock_stock(s, place_id, material_id)
        if s.exec(select(StockEntry.id).where(StockEntry.idempotency_key == key)).first():
            continue
        append(s, StockEntry(place_id=place_id, material_id=material_id, quantity=-quantity, kind="consumption",
                             reason=reason, job_id=job_id, idempotency_key=key))


def record_receipt(s: Session, place_id: int, material_id: int, quantity: int, reason: str,
                   user_id: int | None = None, cost_cents: int | None = None,
                   supply_request_id: int | None = None) -> StockEntry:
    """Material arriving at a place."""
    if quantity <= 0:
        raise InvalidInput("stock.receipt_not_positive", field="quantity")
    if cost_cents is not None and cost_cents < 0:
        raise InvalidInput("stock.cost_negative", field="cost_cents")
    lock_stock(s, place_id, material_id)
    return append(s, StockEntry(place_id=place_id, material_id=material_id, quantity=quantity, kind="receipt",
                                reason=reason, created_by=user_id, cost_cents=cost_cents,
                                supply_request_id=supply_request_id))


def withdraw(s: Session, place_id: int, material_id: int, quantity: int, kind: str, reason: str,
             user_id: int | None = None, **links: object) -> StockEntry:
    """Take material out of a place, refusing to go below zero."""
    if quantity <= 0:
        raise InvalidInput("stock.quantity_too_small", field="quantity")
    lock_stock(s, place_id, material_id)
    refusal = rules.refusal_for_withdrawal(level_of(s, place_id, material_id), quantity)
    if refusal:
        code, figures = refusal
        raise Conflict(code, field="quantity", **figures)
    return append(s, StockEntry(place_id=place_id, material_id=material_id, quantity=-quantity, kind=kind,
                                reason=reason, created_by=user_id, **links))


def write_transfer(s: Session, from_place_id: int, to_place_id: int, material_id: int, quantity: int,
                   reason: str, user_id: int | None = None, supply_request_id: int | None = None) -> str:
    """Move material between two places as one operation: both entries or neither."""
    if from_place_id == to_place_id:
        raise InvalidInput("stock.transfer_same_place", field="to_place_id")
    transfer_id = uuid.uuid4().hex
    first, second = sorted((from_place_id, to_place_id))
    lock_stock(s, first, material_id)
    lock_stock(s, second, material_id)
    links = {"transfer_id": transfer_id, "supply_request_id": supply_request_id}
    withdraw(s, from_place_id, material_id, quantity, "transfer_out", reason, user_id, **links)
    append(s, StockEntry(place_id=to_place_id, material_id=material_id, quantity=quantity, kind="transfer_in",
                         reason=reason, created_by=user_id, **links))
    return transfer_id
