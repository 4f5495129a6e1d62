"""Steps of re-planning run inside a caller's transaction: proposals withdrawn, accepted work released."""
from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from makernet.domain.states import JobStatus, WorkOrderStatus
from makernet.models import Job, Place, WorkOrder
from makernet.models.base import utcnow
from makernet.services.transitions import move


def withdraw_proposals(s: Session, place: Place, reason: str, user_id: int | None) -> list[dict]:
    """Cancel the place's proposals that wait for its answer."""
    changes = []
    for order in s.exec(select(WorkOrder).where(WorkOrder.place_id == place.id, WorkOrder.status == "proposed")).all():
        if move(s, WorkOrder, WorkOrderStatus, order.id, "withdraw", user_id=user_id, note=reason,
                decided_at=utcnow()) is not None:
            changes.append({"work_order_id": order.id, "request_line_id": order.request_line_id,
                            "place_id": place.id, "quantity": order.quantity, "what": "retiré",
                            "why": f"Proposition retirée à {place.name} : {reason}"})
    return changes


def release_accepted(s: Session, place: Place, reason: str, user_id: int | None) -> list[dict]:
    """Give back the accepted units of a place that stopped, except those already made or on a machine."""
    changes = []
    for order in s.exec(select(WorkOrder).where(WorkOrder.place_id == place.id, WorkOrder.status == "accepted")).all():
        freed = 0
        for job in s.exec(select(Job).where(Job.work_order_id == order.id, Job.status == "queued")).all():
            if move(s, Job, JobStatus, job.id, "withdraw", user_id=user_id, note=reason) is not None:
                freed += job.units
        if not freed:
            continue
        kept = max(order.accepted_quantity - freed, order.units_made)
        s.execute(update(WorkOrder).where(WorkOrder.id == order.id).values(accepted_quantity=kept))
        if kept == 0:
            move(s, WorkOrder, WorkOrderStatus, order.id, "release", user_id=user_id, note=reason)
        elif order.units_made >= kept:
            move(s, WorkOrder, WorkOrderStatus, order.id, "finish", user_id=user_id, note=reason)
        changes.append({"work_order_id": order.id, "request_line_id": order.request_line_id, "place_id": place.id,
                        "quantity": order.accepted_quantity - kept, "what": "libéré",
                        "why": f"Unités non commencées reprises à {place.name} : {reason}"})
    return changes
