"""Sending plates to printers: claim, prepare, hand to the right worker, apply the outcome.

The database decides; messages only trigger. A plate is claimed by a conditional
update (queued → dispatching, bed flag taken), and whatever a worker reports back is
applied only if the plate is still where the report expects it.
"""
from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session

from makernet.domain.planning import went_down
from makernet.domain.plates import Decision, Plate, Reading, judge_reading, judge_start
from makernet.models import Job, Machine, Place, PlateLayout
from makernet.models.base import utcnow
from makernet.services.context import Context, place_queue
from makernet.services.events import PrintersWentDown, record
from makernet.services.printer_io import (DispatchPlan, dispatch_on_printer, in_printer_networks, not_contacted_report,
                                         status_from_dict)
from makernet.services.production.operations import apply_decision
from makernet.services.places.views import connection_of
from printers.base import PrinterState, PrinterStatus

def reading_of(job: Job, status: PrinterStatus) -> Reading:
    """A printer's status as the plate on it sees it."""
    return Reading(ours=status.file_name == job.upload_name, busy=status.state.is_busy,
                   idle=status.state == PrinterState.READY, reachable=status.state.is_reachable,
                   settling=status.state in (PrinterState.CONNECTING, PrinterState.UNKNOWN),
                   print_lost=status.print_lost, completion=status.completion, file_name=status.file_name,
                   state_text=status.raw_state)


def apply_to_job(ctx: Context, s: Session, job: Job, status: PrinterStatus, was_idle: bool = False) -> str:
    """Apply what a reading means for the plate on the printer (`was_idle`: the previous reading
    of this printer was idle too)."""
    plate = Plate(job.status, job.dispatched_at, job.started_at)
    decision = judge_reading(plate, reading_of(job, status), utcnow(), was_idle=was_idle,
                             dispatch_timeout=ctx.settings.dispatch_timeout)
    apply_decision(s, job, decision)
    return decision.result or job.status


def prepare(ctx: Context, job_id: int) -> tuple[DispatchPlan, bool] | None:
    """The plan for a plate still being dispatched, and whether its place runs its own worker."""
    with ctx.db.reading() as s:
        job = s.get(Job, job_id)
        if job is None or job.status != "dispatching":
            return None
        machine = s.get(Machine, job.machine_id)
        place = s.get(Place, machine.place_id)
        conn = connection_of(ctx, machine, keys=not place.site_worker)   # a place's own worker has the keys
        plan = DispatchPlan(job_id=job.id, machine_id=machine.id, place_id=place.id, driver=conn.driver,
                            url=conn.url, api_key=conn.api_key, timeout=conn.timeout, file_name=job.upload_name or "",
                            gcode=s.get(PlateLayout, job.plate_layout_id).gcode, settings=dict(conn.settings))
        return plan, place.site_worker


def dispatch_job(ctx: Context, job_id: int) -> str:
    """Send a claimed plate: to the place's own worker, or straight to the printer from here."""
    prepared = prepare(ctx, job_id)
    if prepared is None:
        return "skipped"
    plan, remote = prepared
    if remote:
        # checked here as well: a connection this installation may not reach never goes in a message
        if not in_printer_networks(plan.url, ctx.settings.printer_networks):
            return apply_outcome(ctx, job_id, not_contacted_report(plan.url))
        ctx.tasks.enqueue("site_dispatch", plan.__dict__, queue=place_queue(plan.place_id))
        return "sent to the place's worker"
    return apply_outcome(ctx, job_id, dispatch_on_printer(plan, ctx.settings.printer_networks))


def apply_outcome(ctx: Context, job_id: int, report: dict) -> str:
    """Record what the printer said about a start, if the plate is still waiting for it."""
    with ctx.db.transaction() as tx:
        s = tx.session
        job = s.get(Job, job_id)
        if job is None or job.status != "dispatching":
            return "stale"
        if report["outcome"] == "already_started":
            return apply_to_job(ctx, s, job, status_from_dict(report["status"]))
        decision = judge_start(report["outcome"], report.get("detail", ""))
        if decision.transition != "requeue":
            apply_decision(s, job, decision)
            return "printing" if decision.started else "ambiguous"
    return requeue(ctx, job_id, decision, offline=report["outcome"] == "unreachable")


def requeue(ctx: Context, job_id: int, decision: Decision, offline: bool = False) -> str:
    """The plate did not start and nothing runs: put it back at the head of its queue."""
    with ctx.db.transaction() as tx:
        s = tx.session
        job = s.get(Job, job_id)
        before = s.get(Machine, job.machine_id).state
        if apply_decision(s, job, decision):
            values: dict[str, object] = {"state_detail": decision.note[:300]}
            if offline:
                values["state"] = PrinterState.OFFLINE.value
            s.execute(update(Machine).where(Machine.id == job.machine_id).values(**values))
            if offline and went_down({job.machine_id: before}, {job.machine_id: PrinterState.OFFLINE.value}):
                record(ctx, tx, PrintersWentDown((job.machine_id,)))
    return "requeued"
