"""Disruptions noticed as they happen: a printer going down, a place left short of material.

Production, fleet and stock record these as events; once their transaction has committed,
and when the place concerned has proposals waiting for its answer, a `replan_place` task
is posted: a worker withdraws those proposals and plans the lines again with
the capacity and material the place has now, and the run tells the coordinator what
changed and why. Work the place already accepted stays with it: the place decides.
"""
from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, select

from makernet.domain.explanations import stored, taken_back
from makernet.models import BomLine, Machine, Material, WorkOrder
from makernet.services.context import Context
from makernet.services.events import PrintersWentDown, StockDropped, WorkRefused, WorkTakenBack
from makernet.services.plans.worker import replan_lines
from makernet.services.stock.operations import level_of


def replan_after_printers_down(ctx: Context, event: PrintersWentDown) -> None:
    """Printers went down: re-plan the waiting proposals of their places (their queued plates wait for them: a
    printer the poll finds silent may answer again; the operator reports a breakdown that lasts)."""
    with ctx.db.reading() as s:
        names: dict[int, list[str]] = defaultdict(list)
        for place_id, name in s.exec(select(Machine.place_id, Machine.name).where(
                Machine.id.in_(event.machine_ids)).order_by(Machine.name)).all():  # type: ignore[union-attr]
            names[place_id].append(name)
        waiting = _with_proposals(s, set(names))
    for place_id in waiting:
        ctx.tasks.enqueue("replan_place", place_id, stored((("explain.printers_down", {"printers": names[place_id]}),)),
                          "printer_down")


def replan_after_stock_drop(ctx: Context, event: StockDropped) -> None:
    """Material left a place: if what remains no longer covers the work promised and proposed there, re-plan.

    Proposals are what the planner can still move; they are re-planned only when the
    place's level falls below what its accepted and proposed work need of that material.
    """
    place_id, material_id = event.place_id, event.material_id
    with ctx.db.reading() as s:
        if not _with_proposals(s, {place_id}, material_id):
            return
        level = level_of(s, place_id, material_id)
        needed = _needed(s, place_id, material_id)
        if level >= needed:
            return
        material = s.get(Material, material_id)
        unit = material.unit if material is not None else ""
        name = material.name if material is not None else f"matière {material_id}"
    ctx.tasks.enqueue("replan_place", place_id, stored((("explain.stock_out", {
        "material": name, "level": max(level, 0), "unit": unit, "needed": needed}),)), "stock_out")


def replan_refused_work(ctx: Context, event: WorkRefused) -> None:
    """Work a place refused, wholly or in part, is planned again elsewhere at once (the planner's or by hand)."""
    replan_lines(ctx, {event.request_line_id}, event.trigger,
                 (("explain.run_refused", {"work_order_id": event.work_order_id}),) + event.what,
                 user_id=event.user_id, today=event.today)


def replan_taken_back_work(ctx: Context, event: WorkTakenBack) -> None:
    """Units a coordinator took back from a place are planned again at once."""
    replan_lines(ctx, {event.request_line_id}, "taken_back",
                 (("explain.run_order", {"work_order_id": event.work_order_id}),) + taken_back(event.units, event.why),
                 user_id=event.user_id, today=event.today)


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
            max(0, order.accepted_quantity - order.units_made)
        needed += units * per_unit
    return needed
