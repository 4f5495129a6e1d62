"""Sending plates to printers: claim, prepare, hand to the right worker, apply the outcome.

The database decides; messages only trigger. A plate is claimed by a conditional
update (queued → dispatching, bed flag taken), and whatever a worker reports back is
applied only if the plate is still where the report expects it.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, case, update
from sqlmodel import Session, select

from makernet.domain.planning import TRANSIT_DAYS
from makernet.domain.states import JobStatus
from makernet.errors import Conflict
from makernet.models import Job, Machine, Place, PlateLayout, Request, RequestLine, WorkOrder
from makernet.models.base import utcnow
from makernet.services import disruptions
from makernet.services.context import Context
from makernet.services.printer_io import DispatchPlan, dispatch_on_printer, status_from_dict
from makernet.services.secrets import reveal
from makernet.services.transitions import move
from printers.base import PrinterState

ACTIVE = ("dispatching", "printing")


def place_queue(place_id: int) -> str:
    """The queue a place's own worker consumes."""
    return f"place.{place_id}"


def in_making_order(query: Select, today: date) -> Select:
    """A query of plates (joined to their work orders), in the order a place makes them: work that
    can still be on time by needed-by date, then work already late by needed-by date, each work
    order's plates in turn.

    The planner counts on it: new urgent work goes before accepted work due later, as long
    as that work stays on time.
    """
    overdue = case((Request.needed_by < today + timedelta(days=TRANSIT_DAYS), 1), else_=0)
    return (query.join(RequestLine, RequestLine.id == WorkOrder.request_line_id)
            .join(Request, Request.id == RequestLine.request_id)
            .order_by(overdue, Request.needed_by, Job.work_order_id, Job.sequence))


def claim_next_job(s: Session, machine_id: int) -> int | None:
    """Take the machine's next queued plate if its bed is clear and nothing runs on it.

    The bed flag is taken with a conditional update, so two claimers never both win.
    """
    busy = s.exec(select(Job.id).where(Job.machine_id == machine_id, Job.status.in_(ACTIVE))).first()  # type: ignore[attr-defined]
    if busy is not None:
        return None
    job = s.exec(in_making_order(select(Job).join(WorkOrder, WorkOrder.id == Job.work_order_id)
                                 .where(Job.machine_id == machine_id, Job.status == "queued",
                                        WorkOrder.status == "accepted"), date.today())).first()
    if job is None:
        return None
    taken = s.execute(update(Machine).where(Machine.id == machine_id, Machine.bed_clear == True,  # noqa: E712
                                            Machine.active == True).values(bed_clear=False))  # noqa: E712
    if taken.rowcount != 1:
        return None
    if move(s, Job, JobStatus, job.id, "dispatching", note="claimed for dispatch", only_from=frozenset({"queued"}),
            dispatch_attempts=Job.dispatch_attempts + 1, dispatched_at=utcnow()) is None:
        raise Conflict(f"Job {job.id} was taken meanwhile.")
    return job.id


def prepare(ctx: Context, job_id: int) -> tuple[DispatchPlan, bool] | None:
    """The plan for a plate still being dispatched, and whether its place runs its own worker."""
    with ctx.db.reading() as s:
        job = s.get(Job, job_id)
        if job is None or job.status != "dispatching":
            return None
        machine = s.get(Machine, job.machine_id)
        place = s.get(Place, machine.place_id)
        plan = DispatchPlan(job_id=job.id, machine_id=machine.id, place_id=place.id, driver=machine.driver,
                            url=machine.octoprint_url, api_key=reveal(ctx, machine.api_key),
                            timeout=ctx.settings.printer_timeout, file_name=job.upload_name or "",
                            gcode=s.get(PlateLayout, job.plate_layout_id).gcode)
        return plan, place.site_worker


def dispatch_job(ctx: Context, job_id: int) -> str:
    """Send a claimed plate: to the place's own worker, or straight to the printer from here."""
    prepared = prepare(ctx, job_id)
    if prepared is None:
        return "skipped"
    plan, remote = prepared
    if remote:
        ctx.tasks.enqueue("site_dispatch", plan.__dict__, queue=place_queue(plan.place_id))
        return "sent to the place's worker"
    return apply_outcome(ctx, job_id, dispatch_on_printer(plan))


def apply_outcome(ctx: Context, job_id: int, report: dict) -> str:
    """Record what the printer said about a start, if the plate is still waiting for it."""
    from makernet.services.monitoring import apply_to_job
    outcome, detail = report["outcome"], report.get("detail", "")
    with ctx.db.transaction() as tx:
        s = tx.session
        job = s.get(Job, job_id)
        if job is None or job.status != "dispatching":
            return "stale"
        if outcome == "started":
            move(s, Job, JobStatus, job_id, "printing", note="printer confirmed the start",
                 only_from=frozenset({"dispatching"}), started_at=utcnow(), progress=0.0)
            return "printing"
        if outcome == "already_started":
            return apply_to_job(ctx, s, job, status_from_dict(report["status"]))
        if outcome == "ambiguous":
            s.execute(update(Job).where(Job.id == job_id).values(outcome=f"start unconfirmed: {detail}"[:500]))
            return "ambiguous"
    return requeue(ctx, job_id, detail or "the printer did not start the plate", offline=outcome == "unreachable")


def requeue(ctx: Context, job_id: int, reason: str, offline: bool = False) -> str:
    """The plate did not start and nothing runs: put it back at the head of its queue."""
    with ctx.db.transaction() as tx:
        s = tx.session
        job = s.get(Job, job_id)
        if move(s, Job, JobStatus, job_id, "queued", note=reason, only_from=frozenset({"dispatching"}),
                outcome=reason[:500]) is not None:
            values: dict[str, object] = {"bed_clear": True, "state_detail": reason[:300]}
            before = s.get(Machine, job.machine_id).state
            if offline:
                values["state"] = PrinterState.OFFLINE.value
            s.execute(update(Machine).where(Machine.id == job.machine_id).values(**values))
            if offline:
                disruptions.printers_went_down(ctx, tx, {job.machine_id: before},
                                               {job.machine_id: PrinterState.OFFLINE.value})
    return "requeued"
