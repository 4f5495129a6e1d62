"""The stock ledger: every movement is an entry; levels are sums of entries."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from makernet.errors import InvalidInput, NotFound
from makernet.models import Material, Place, StockEntry
from makernet.services.accounts import Actor
from makernet.services.context import Context

KINDS = ("receipt", "consumption", "transfer_out", "transfer_in", "adjustment", "scrap")


def consume_for_job(s: Session, job_id: int, place_id: int, needs: list[tuple[int, int]]) -> None:
    """Write the consumption of a finished job, once per job and material."""
    for material_id, quantity in needs:
        key = f"job:{job_id}:material:{material_id}"
        if quantity <= 0 or s.exec(select(StockEntry.id).where(StockEntry.idempotency_key == key)).first():
            continue
        s.add(StockEntry(place_id=place_id, material_id=material_id, quantity=-quantity, kind="consumption",
                         reason=f"job {job_id}", job_id=job_id, idempotency_key=key))
    s.flush()


def record_receipt(s: Session, place_id: int, material_id: int, quantity: int, reason: str,
                   user_id: int | None = None) -> StockEntry:
    """Material arriving at a place."""
    if quantity <= 0:
        raise InvalidInput("A receipt must add a positive quantity.", field="quantity")
    entry = StockEntry(place_id=place_id, material_id=material_id, quantity=quantity, kind="receipt",
                       reason=reason, created_by=user_id)
    s.add(entry)
    s.flush()
    return entry


def levels(ctx: Context, actor: Actor, place_id: int) -> list[dict]:
    """Current level of every material at a place: the sum of its ledger entries."""
    with ctx.db.reading() as s:
        place = s.get(Place, place_id)
        if place is None or not (place.organisation_id == actor.organisation_id
                                 or actor.sees_departement(place.departement)):
            raise NotFound(f"Place {place_id} not found.")
        rows = s.exec(select(Material, func.coalesce(func.sum(StockEntry.quantity), 0))
                      .join(StockEntry, (StockEntry.material_id == Material.id) & (StockEntry.place_id == place_id))
                      .group_by(Material.id).order_by(Material.code)).all()
        return [{"material_id": m.id, "code": m.code, "name": m.name, "unit": m.unit, "level": int(total),
                 "low": int(total) <= m.low_stock_threshold} for m, total in rows]


def ledger(ctx: Context, actor: Actor, place_id: int, material_id: int | None = None) -> list[dict]:
    """The ledger entries of a place, newest first."""
    levels(ctx, actor, place_id)  # same visibility rule
    with ctx.db.reading() as s:
        query = select(StockEntry).where(StockEntry.place_id == place_id)
        if material_id is not None:
            query = query.where(StockEntry.material_id == material_id)
        entries = s.exec(query.order_by(StockEntry.id.desc()).limit(1000)).all()  # type: ignore[union-attr]
        return [{"id": e.id, "material_id": e.material_id, "quantity": e.quantity, "kind": e.kind,
                 "reason": e.reason, "job_id": e.job_id, "created_at": e.created_at.isoformat()}
                for e in entries]
