"""Stock movements an operator records: receipts, adjustments, scrap and transfers."""
from __future__ import annotations

from sqlmodel import Session, select

from makernet.errors import InvalidInput
from makernet.models import Material, StockEntry
from makernet.services.access import Actor, stock_place, transfer_target
from makernet.services.context import Context
from makernet.services.events import StockDropped, record
from makernet.services.stock.operations import append, lock_stock, record_receipt, withdraw, write_transfer
from makernet.services.stock.views import entry_view
from makernet.services.stock.views import LedgerEntryView, TransferView


def _material(s: Session, material_id: int) -> Material:
    material = s.get(Material, material_id)
    if material is None:
        raise InvalidInput("catalogue.material_unknown", field="material_id", id=material_id)
    return material


def _reason(reason: str, refusal: str) -> str:
    if not reason.strip():
        raise InvalidInput(refusal, field="reason")
    return reason.strip()[:500]


def receive(ctx: Context, actor: Actor, place_id: int, material_id: int, quantity: int, reason: str = "",
            cost_cents: int | None = None) -> LedgerEntryView:
    """Record material arriving at one of the actor's places."""
    with ctx.db.transaction() as tx:
        place = stock_place(tx.session, actor, place_id)
        _material(tx.session, material_id)
        entry = record_receipt(tx.session, place.id, material_id, quantity, reason.strip()[:500] or "réception",
                               actor.user_id, cost_cents)
        return entry_view(entry)


def adjust(ctx: Context, actor: Actor, place_id: int, material_id: int, quantity: int, reason: str) -> LedgerEntryView:
    """Correct a level after a count (signed quantity); never below zero."""
    why = _reason(reason, "stock.adjustment_reason_required")
    if quantity == 0:
        raise InvalidInput("stock.adjustment_zero", field="quantity")
    with ctx.db.transaction() as tx:
        s = tx.session
        place = stock_place(s, actor, place_id)
        _material(s, material_id)
        if quantity < 0:
            entry = withdraw(s, place.id, material_id, -quantity, "adjustment", why, actor.user_id)
            record(ctx, tx, StockDropped(place.id, material_id))
            return entry_view(entry)
        lock_stock(s, place.id, material_id)
        return entry_view(append(s, StockEntry(place_id=place.id, material_id=material_id, quantity=quantity,
                                               kind="adjustment", reason=why, created_by=actor.user_id)))


def scrap(ctx: Context, actor: Actor, place_id: int, material_id: int, quantity: int, reason: str) -> LedgerEntryView:
    """Write off spoilt material (a wet spool, torn fabric)."""
    why = _reason(reason, "stock.scrap_reason_required")
    with ctx.db.transaction() as tx:
        place = stock_place(tx.session, actor, place_id)
        _material(tx.session, material_id)
        entry = withdraw(tx.session, place.id, material_id, quantity, "scrap", why, actor.user_id)
        record(ctx, tx, StockDropped(place.id, material_id))
        return entry_view(entry)


def transfer(ctx: Context, actor: Actor, from_place_id: int, to_place_id: int, material_id: int,
             quantity: int, reason: str = "") -> TransferView:
    """Send material from a place (the actor's, or in a coordinator's territory) to another place."""
    with ctx.db.transaction() as tx:
        s = tx.session
        source = stock_place(s, actor, from_place_id, coordinators=True)
        target = transfer_target(s, actor, to_place_id)
        material = _material(s, material_id)
        note = reason.strip()[:500] or f"transfert {source.name} → {target.name}"
        transfer_id = write_transfer(s, source.id, target.id, material.id, quantity, note, actor.user_id)
        record(ctx, tx, StockDropped(source.id, material.id))
        entries = s.exec(select(StockEntry).where(StockEntry.transfer_id == transfer_id)
                         .order_by(StockEntry.id)).all()  # type: ignore[arg-type]
        return {"transfer_id": transfer_id, "entries": [entry_view(e) for e in entries]}
