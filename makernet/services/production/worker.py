"""Sending plates to printers: claim, prepare, hand to the right worker, apply the outcome.

The database decides; messages only trigger. A plate is claimed by a conditional
update (queued → dispatching, bed flag taken), and whatever a worker reports back is
applied only if the plate is still where the report expects it.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session

from makernet.domain.planning import went_down
from makernet.domain.states import JobStatus
from makernet.models import Job, Machine, Place, PlateLayout
from makernet.models.base import utcnow
from makernet.services.context import Context, place_queue
from makernet.services.events import PrintersWentDown, record
from makernet.services.printer_io import DispatchPlan, dispatch_on_printer, status_from_dict
from makernet.services.production.operations import complete_job
from makernet.services.secrets import reveal
from makernet.services.transitions import move
from printers.base import PrinterState, PrinterStatus

# seconds after a start during which an idle reading may predate it: readings travel through
# the broker (from a place's worker, or a poll that read the printer just before the start)
START_GRACE = 15.0


# OctoPrint's own words for a printer that lost its serial link: the print is over
# (a reconnection never resumes it)
PRINT_INTERRUPTED_STATES = ("Offline", "Error")


def apply_to_job(ctx: Context, s: Session, job: Job, status: PrinterStatus, was_idle: bool = False) -> str:
    """Decide what a reading means for the plate on the printer (`was_idle`: the previous reading
    of this printer was idle too)."""
    ours = status.file_name == job.upload_name
    if ours and status.state.is_busy:
        if job.status == "dispatching":
            move(s, Job, JobStatus, job.id, "printing", note="found printing on reconciliation", started_at=utcnow())
        s.execute(update(Job).where(Job.id == job.id).values(progress=status.completion))
        return "printing"
    if ours and status.state == PrinterState.READY and (status.completion or 0) >= 100.0:
        complete_job(s, job.id)
        return "done"
    if job.status == "printing":
        return _judge_printing_job(s, job, status, ours, was_idle)
    stale = job.dispatched_at < utcnow() - timedelta(seconds=ctx.settings.dispatch_timeout)
    if stale and status.state == PrinterState.READY and not ours:
        move(s, Job, JobStatus, job.id, "queued", note="start never confirmed; requeued",
             outcome="start never confirmed")
        s.execute(update(Machine).where(Machine.id == job.machine_id).values(bed_clear=True))
        return "requeued"
    return job.status


def _judge_printing_job(s: Session, job: Job, status: PrinterStatus, ours: bool, was_idle: bool) -> str:
    """A printing plate whose printer is no longer busy with it: failed, or just out of reach."""
    if status.raw_state.startswith(PRINT_INTERRUPTED_STATES):
        reason = f"print interrupted: the printer went {status.raw_state}"
    elif not status.state.is_reachable:
        return "printing"  # the host is out of reach; the print may well go on
    elif status.state in (PrinterState.CONNECTING, PrinterState.UNKNOWN):
        return "printing"  # the host is reconnecting to its printer: wait for a clear answer
    elif job.started_at is not None and job.started_at > utcnow() - timedelta(seconds=START_GRACE):
        return "printing"  # the reading may predate the start, or OctoPrint is still starting
    elif not ours:
        reason = ("print interrupted: the printer no longer has this plate" if status.file_name is None
                  else f"print interrupted: the printer is on another file ({status.file_name})")
    elif status.completion is not None and not was_idle:
        # at the end of a print OctoPrint may read Operational an instant before its progress
        # reaches 100 %: only two idle readings in a row with the plate unfinished mean it stopped
        return "printing"
    else:
        reason = "cancelled on the printer" if status.completion is None else \
            f"stopped on the printer at {status.completion:.0f} %"
    move(s, Job, JobStatus, job.id, "failed", note=reason, outcome=reason, finished_at=utcnow())
    return "failed"


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
            if offline and went_down({job.machine_id: before}, {job.machine_id: PrinterState.OFFLINE.value}):
                record(ctx, tx, PrintersWentDown((job.machine_id,)))
    return "requeued"
