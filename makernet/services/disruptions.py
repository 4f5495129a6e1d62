"""Disruptions noticed as they happen: a printer going down, a place left short of material.

Production and stock call these inside their own transaction. When the place concerned
has proposals waiting for its answer, a `replan_place` task is posted once that
transaction commits: a worker withdraws those proposals and plans the lines again with
the capacity and material the place has now, and the run tells the coordinator what
changed and why. Work the place already accepted stays with it: the place decides.
"""
from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, select

from makernet.db import Transaction
from makernet.domain.planning import DOWN_STATES
from makernet.models import BomLine, Machine, Material, WorkOrder
from makernet.services.context import Context


def printers_went_down(ctx: Context, tx: Transaction, before: dict[int, str], after: dict[int, str]) -> list[int]:
    """Printers that were up and are now offline or in error: re-plan their places' waiting proposals.

    `before` and `after`: machine id -> state. Returns the places a re-plan was posted for.
    """
    down = [m for m, state in after.items() if state in DOWN_STATES and before.get(m) not in DOWN_STATES]
    if not down:
        return []
    s = tx.session
    names: dict[int, list[str]] = defaultdict(list)
    for place_id, name in s.exec(select(Machine.place_id, Machine.name).where(
            Machine.id.in_(down)).order_by(Machine.name)).all():  # type: ignore[union-attr]
        names[place_id].append(name)
    waiting = _with_proposals(s, set(names))
    for place_id in waiting:
        which = ", ".join(names[place_id])
        _post(ctx, tx, place_id, f"imprimante hors service : {which}", "printer_down")
    return waiting


def stock_dropped(ctx: Context, tx: Transaction, place_id: int, material_id: int) -> bool:
    """Material left a place: if what remains no longer covers the work promised and proposed there, re-plan.

    Proposals are what the planner can still move; they are re-planned only when the
    place's level falls below what its accepted and proposed work need of that material.
    """
    from makernet.services.stock import level_of   # stock calls this module

    s = tx.session
    if not _with_proposals(s, {place_id}, material_id):
        return False
    level = level_of(s, place_id, material_id)
    needed = _needed(s, place_id, material_id)
    if level >= needed:
        return False
    material = s.get(Material, material_id)
    unit = material.unit if material is not None else ""
    name = material.name if material is not None else f"matière {material_id}"
    _post(ctx, tx, place_id, f"rupture de {name} : {max(level, 0)} {unit} en stock pour {needed} {unit} "
          "de travail accepté ou proposé", "stock_out")
    return True


def _with_proposals(s: Session, place_ids: set[int], material_id: int | None = None) -> list[int]:
    """Those places with proposals waiting for their answer (that use the material, if given)."""
    if not place_ids:
        return []
    query = select(WorkOrder.place_id).where(WorkOrder.place_id.in_(place_ids),  # type: ignore[union-attr]
                                             WorkOrder.status == "proposed")
    if material_id is not None:
        query = query.join(BomLine, BomLine.design_version_id == WorkOrder.design_version_id).where(
            BomLine.material_id == material_id)
    return sorted(set(s.exec(query).all()))


def _needed(s: Session, place_id: int, material_id: int) -> int:
    """Material the place's proposed and accepted (not yet made) work orders need."""
    needed = 0
    for order, per_unit in s.exec(select(WorkOrder, BomLine.quantity)
                                  .join(BomLine, BomLine.design_version_id == WorkOrder.design_version_id)
                                  .where(WorkOrder.place_id == place_id, BomLine.material_id == material_id,
                                         WorkOrder.status.in_(("proposed", "accepted")))).all():  # type: ignore[union-attr]
        units = order.quantity if order.status == "proposed" else \
            max(0, order.accepted_quantity - order.units_made - order.units_rejected)
        needed += units * per_unit
    return needed


def _post(ctx: Context, tx: Transaction, place_id: int, reason: str, trigger: str) -> None:
    """Post the re-plan once the transaction that noticed the disruption has committed."""
    tx.after_commit(lambda: ctx.tasks.enqueue("replan_place", place_id, reason, trigger))
