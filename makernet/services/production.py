"""Jobs: plates on printers, batches on manual work centres, from claim to completion."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from makernet.domain.production import split_into_plates, upload_name
from makernet.domain.states import JobStatus, RequestStatus, WorkOrderStatus
from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import BomLine, Item, Job, Machine, Place, PlateLayout, RequestLine, WorkOrder
from makernet.models.base import utcnow
from makernet.db import Transaction
from makernet.services.accounts import Actor
from makernet.services.context import Context
from makernet.services.stock import consume_for_job
from makernet.services.transitions import created, move
from printers.base import (AmbiguousOutcome, MachineConnection, PrinterError, PrinterState,
                           PrinterStatus, PrinterUnreachable)
from printers.registry import driver_for

ACTIVE = ("dispatching", "printing")
PRINTER_KINDS = ("fdm_printer",)
MANUAL_BATCH = 50
START_GRACE = 5.0  # seconds during which a fresh start may still read as idle
# OctoPrint's own words for a printer that lost its serial link: the print is over
# (a reconnection never resumes it)
PRINT_INTERRUPTED_STATES = ("Offline", "Error")


def start_work_order(ctx: Context, tx: Transaction, order: WorkOrder) -> list[int]:
    """Turn an accepted work order into plates (printers) or batches (manual centres)."""
    s = tx.session
    item = s.get(Item, s.get(RequestLine, order.request_line_id).item_id)
    machines = s.exec(select(Machine).where(Machine.place_id == order.place_id, Machine.active == True)  # noqa: E712
                      .order_by(Machine.id)).all()  # type: ignore[arg-type]
    layouts = {lay.printer_profile: lay for lay in s.exec(
        select(PlateLayout).where(PlateLayout.design_version_id == order.design_version_id)).all()}
    printers = [m for m in machines if m.kind in PRINTER_KINDS and m.printer_profile in layouts]
    if printers:
        layout = layouts[printers[0].printer_profile]
        plans = split_into_plates(order.accepted_quantity, layout.units_per_plate, [m.id for m in printers])
        jobs = [Job(work_order_id=order.id, machine_id=p.machine_id, units=p.units, sequence=p.sequence,
                    plate_layout_id=layouts[_profile(printers, p.machine_id)].id) for p in plans]
    else:
        manual = [m for m in machines if m.kind not in PRINTER_KINDS]
        if not manual:
            raise Conflict(f"No machine at this place can make {item.name}: add a printer with a plate "
                           "layout for its profile, or a manual work centre.")
        plans = split_into_plates(order.accepted_quantity, MANUAL_BATCH, [m.id for m in manual])
        jobs = [Job(work_order_id=order.id, machine_id=p.machine_id, units=p.units, sequence=p.sequence)
                for p in plans]
    s.add_all(jobs)
    s.flush()
    for job in jobs:
        if job.plate_layout_id is not None:
            job.upload_name = upload_name(job.id, item.code)
        created(s, Job, job.id, job.status, note=f"{job.units} units on machine {job.machine_id}")
    s.flush()
    for machine in printers:
        claimed = claim_next_job(s, machine.id)
        if claimed is not None:
            tx.after_commit(lambda j=claimed: ctx.tasks.enqueue("dispatch_job", j))
    return [job.id for job in jobs]


def _profile(printers: list[Machine], machine_id: int) -> str:
    return next(m.printer_profile for m in printers if m.id == machine_id)


def claim_next_job(s: Session, machine_id: int) -> int | None:
    """Take the machine's next queued plate if its bed is clear and nothing runs on it.

    The bed flag is taken with a conditional update, so two claimers never both win.
    """
    busy = s.exec(select(Job.id).where(Job.machine_id == machine_id, Job.status.in_(ACTIVE))).first()  # type: ignore[attr-defined]
    if busy is not None:
        return None
    job = s.exec(select(Job).join(WorkOrder, WorkOrder.id == Job.work_order_id)
                 .where(Job.machine_id == machine_id, Job.status == "queued", WorkOrder.status == "accepted")
                 .order_by(Job.work_order_id, Job.sequence)).first()  # type: ignore[arg-type]
    if job is None:
        return None
    taken = s.execute(update(Machine).where(Machine.id == machine_id, Machine.bed_clear == True,  # noqa: E712
                                            Machine.active == True).values(bed_clear=False))  # noqa: E712
    if taken.rowcount != 1:
        return None
    if move(s, Job, JobStatus, job.id, "dispatching", note="claimed for dispatch",
            dispatch_attempts=Job.dispatch_attempts + 1, dispatched_at=utcnow()) is None:
        raise Conflict(f"Job {job.id} was taken meanwhile.")
    return job.id


def confirm_bed_clear(ctx: Context, actor: Actor, machine_id: int) -> dict:
    """The operator says the bed is empty: the next plate may go."""
    actor.require("operator")
    with ctx.db.transaction() as tx:
        s = tx.session
        machine = _own_machine(s, actor, machine_id)
        running = s.exec(select(Job).where(Job.machine_id == machine.id, Job.status.in_(ACTIVE))).first()  # type: ignore[attr-defined]
        if running is not None:
            raise Conflict(f"{machine.name} is still busy with job {running.id} ({running.status}).")
        s.execute(update(Machine).where(Machine.id == machine.id).values(bed_clear=True))
        job_id = claim_next_job(s, machine.id) if machine.driver != "manual" else None
        if job_id is not None:
            tx.after_commit(lambda: ctx.tasks.enqueue("dispatch_job", job_id))
        s.refresh(machine)
        return machine_view(machine) | {"dispatched_job_id": job_id}


def _own_machine(s: Session, actor: Actor, machine_id: int) -> Machine:
    """A machine of one of the actor's places (any, for admins)."""
    machine = s.get(Machine, machine_id)
    if machine is None:
        raise NotFound(f"Machine {machine_id} not found.")
    place = s.get(Place, machine.place_id)
    if actor.role != "admin" and place.organisation_id != actor.organisation_id:
        raise NotFound(f"Machine {machine_id} not found.")
    return machine


def dispatch_job(ctx: Context, job_id: int) -> str:
    """Send a claimed plate to its printer and record whether it really started."""
    with ctx.db.reading() as s:
        job = s.get(Job, job_id)
        if job is None or job.status != "dispatching":
            return "skipped"
        machine = s.get(Machine, job.machine_id)
        gcode = s.get(PlateLayout, job.plate_layout_id).gcode.encode()
        conn, name, attempts = _connection(ctx, machine), job.upload_name, job.dispatch_attempts
    driver = driver_for(conn)
    if attempts > 1:
        # a retry: the first attempt may have reached the printer, ask it before sending again
        status = driver.status()
        if status.file_name == name and (status.state.is_busy or status.completion == 100.0):
            return _record_status(ctx, machine.id, job_id, status)
    try:
        result = driver.upload_and_start(name, gcode, job_id)
    except AmbiguousOutcome as error:
        _note_job(ctx, job_id, f"unconfirmed start, reconciling: {error}")
        return "ambiguous"
    except PrinterError as error:
        return _requeue(ctx, job_id, machine.id, str(error), offline=isinstance(error, PrinterUnreachable))
    if not result.started:
        return _requeue(ctx, job_id, machine.id, result.detail or "the printer did not start the plate")
    with ctx.db.transaction() as tx:
        move(tx.session, Job, JobStatus, job_id, "printing", note="printer confirmed the start",
             only_from=frozenset({"dispatching"}), started_at=utcnow(), progress=0.0)
    return "printing"


def _connection(ctx: Context, machine: Machine) -> MachineConnection:
    """Plain values a driver needs for a machine."""
    return MachineConnection(driver=machine.driver, url=machine.octoprint_url, api_key=machine.api_key,
                             timeout=ctx.settings.printer_timeout)


def _note_job(ctx: Context, job_id: int, text: str) -> None:
    """Keep the latest word on a job for operators."""
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Job).where(Job.id == job_id).values(outcome=text[:500]))


def _requeue(ctx: Context, job_id: int, machine_id: int, reason: str, offline: bool = False) -> str:
    """The plate did not start and nothing runs: put it back at the head of the queue."""
    with ctx.db.transaction() as tx:
        s = tx.session
        if move(s, Job, JobStatus, job_id, "queued", note=reason, only_from=frozenset({"dispatching"}),
                outcome=reason[:500]) is not None:
            values: dict[str, object] = {"bed_clear": True, "state_detail": reason[:300]}
            if offline:
                values["state"] = PrinterState.OFFLINE.value
            s.execute(update(Machine).where(Machine.id == machine_id).values(**values))
    return "requeued"


def poll_printers(ctx: Context) -> int:
    """Enqueue a poll of every active printer, and dispatch to those ready for a plate."""
    with ctx.db.transaction() as tx:
        s = tx.session
        machine_ids = s.exec(select(Machine.id).where(Machine.active == True, Machine.driver != "manual")).all()  # noqa: E712
        for machine_id in machine_ids:
            tx.after_commit(lambda m=machine_id: ctx.tasks.enqueue("poll_machine", m))
    return len(machine_ids)


def poll_machine(ctx: Context, machine_id: int) -> str:
    """Read a printer's state, record what it says of its job, and hand it its next plate."""
    with ctx.db.reading() as s:
        machine = s.get(Machine, machine_id)
        if machine is None or not machine.active or machine.driver == "manual":
            return "skipped"
        conn = _connection(ctx, machine)
        job = s.exec(select(Job).where(Job.machine_id == machine_id, Job.status.in_(ACTIVE))).first()  # type: ignore[attr-defined]
        job_id = job.id if job else None
    status = driver_for(conn).status()
    outcome = _record_status(ctx, machine_id, job_id, status)
    if status.state == PrinterState.READY:
        with ctx.db.transaction() as tx:
            claimed = claim_next_job(tx.session, machine_id)
            if claimed is not None:
                tx.after_commit(lambda: ctx.tasks.enqueue("dispatch_job", claimed))
    return outcome


def _record_status(ctx: Context, machine_id: int, job_id: int | None, status: PrinterStatus) -> str:
    """Apply one printer reading to the machine and its running job."""
    with ctx.db.transaction() as tx:
        s = tx.session
        s.execute(update(Machine).where(Machine.id == machine_id).values(
            state=status.state.value, state_detail=(status.error or status.raw_state or "")[:300],
            state_checked_at=utcnow()))
        if job_id is None:
            return status.state.value
        job = s.get(Job, job_id)
        if job.status not in ACTIVE:
            return job.status
        return _apply_to_job(ctx, s, job, status)


def _apply_to_job(ctx: Context, s: Session, job: Job, status: PrinterStatus) -> str:
    """Decide what a reading means for the job on the printer."""
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
        return _judge_printing_job(s, job, status, ours)
    if job.dispatched_at < utcnow() - timedelta(seconds=ctx.settings.dispatch_timeout) \
            and status.state == PrinterState.READY and not ours:
        move(s, Job, JobStatus, job.id, "queued", note="start never confirmed; requeued",
             outcome="start never confirmed")
        s.execute(update(Machine).where(Machine.id == job.machine_id).values(bed_clear=True))
        return "requeued"
    return job.status


def _judge_printing_job(s: Session, job: Job, status: PrinterStatus, ours: bool) -> str:
    """A printing job whose printer is no longer busy with it: failed, or just out of reach."""
    if status.raw_state.startswith(PRINT_INTERRUPTED_STATES):
        reason = f"print interrupted: the printer went {status.raw_state}"
    elif not status.state.is_reachable:
        return "printing"  # the host is out of reach; the print may well go on
    elif not ours:
        reason = "print interrupted: the printer is on another file"
    elif job.started_at is not None and job.started_at > utcnow() - timedelta(seconds=START_GRACE):
        return "printing"  # OctoPrint reports Operational for a moment after a start
    else:
        reason = "cancelled on the printer"
    move(s, Job, JobStatus, job.id, "failed", note=reason, outcome=reason, finished_at=utcnow())
    return "failed"


def complete_job(s: Session, job_id: int, units_made: int | None = None, units_rejected: int = 0) -> bool:
    """Record a finished job once: units on the work order and request line, material consumed."""
    job = s.get(Job, job_id)
    made = job.units if units_made is None else units_made
    if move(s, Job, JobStatus, job_id, "done", note=f"{made} made, {units_rejected} rejected",
            units_made=made, units_rejected=units_rejected, finished_at=utcnow(), progress=100.0) is None:
        return False
    order = s.get(WorkOrder, job.work_order_id)
    s.execute(update(WorkOrder).where(WorkOrder.id == order.id).values(
        units_made=WorkOrder.units_made + made, units_rejected=WorkOrder.units_rejected + units_rejected))
    s.execute(update(RequestLine).where(RequestLine.id == order.request_line_id).values(
        units_made=RequestLine.units_made + made))
    boms = s.exec(select(BomLine).where(BomLine.design_version_id == order.design_version_id)).all()
    consume_for_job(s, job_id, order.place_id, [(b.material_id, b.quantity * (made + units_rejected)) for b in boms])
    machine = s.get(Machine, job.machine_id)
    s.execute(update(Machine).where(Machine.id == machine.id).values(bed_clear=machine.clears_itself))
    s.refresh(order)
    if order.units_made >= order.accepted_quantity:
        move(s, WorkOrder, WorkOrderStatus, order.id, "done", note="all accepted units made")
    from makernet.models import Request
    line = s.get(RequestLine, order.request_line_id)
    move(s, Request, RequestStatus, line.request_id, "in_production", note="first units made",
         only_from=frozenset({"allocated"}))
    return True


def report_batch(ctx: Context, actor: Actor, job_id: int, units_made: int, units_rejected: int = 0) -> dict:
    """An operator reports the count of a manual batch (sewing, assembly, laser)."""
    actor.require("operator")
    with ctx.db.transaction() as tx:
        s = tx.session
        job = s.get(Job, job_id)
        if job is None:
            raise NotFound(f"Job {job_id} not found.")
        machine = _own_machine(s, actor, job.machine_id)
        if machine.driver != "manual":
            raise Conflict("Printer jobs are reported by the printer, not by hand.")
        if units_made < 0 or units_rejected < 0 or units_made + units_rejected > job.units:
            raise InvalidInput(f"Made plus rejected must be between 0 and {job.units}.", field="units_made")
        if not complete_job(s, job.id, units_made, units_rejected):
            raise Conflict(f"Job {job_id} is {job.status}; it was already reported.")
        return job_view(s.get(Job, job_id))


def list_jobs(ctx: Context, actor: Actor, work_order_id: int | None = None, machine_id: int | None = None) -> list[dict]:
    """Jobs of the actor's places (or territory), optionally of one work order or machine."""
    from makernet.services.planning import can_see_work_order
    with ctx.db.reading() as s:
        query = select(Job).order_by(Job.id)  # type: ignore[arg-type]
        if work_order_id is not None:
            order = s.get(WorkOrder, work_order_id)
            if order is None or not can_see_work_order(s, actor, order):
                raise NotFound(f"Work order {work_order_id} not found.")
            query = query.where(Job.work_order_id == work_order_id)
        if machine_id is not None:
            query = query.where(Job.machine_id == machine_id)
        jobs = s.exec(query.limit(1000)).all()
        return [job_view(j) for j in jobs if can_see_work_order(s, actor, s.get(WorkOrder, j.work_order_id))]


def get_machine(ctx: Context, actor: Actor, machine_id: int) -> dict:
    """One machine of the actor's places."""
    with ctx.db.reading() as s:
        return machine_view(_own_machine(s, actor, machine_id))


def job_view(job: Job) -> dict:
    """A job as plain data."""
    return {"id": job.id, "work_order_id": job.work_order_id, "machine_id": job.machine_id,
            "sequence": job.sequence, "units": job.units, "units_made": job.units_made,
            "units_rejected": job.units_rejected, "status": job.status, "progress": job.progress,
            "upload_name": job.upload_name, "dispatch_attempts": job.dispatch_attempts,
            "outcome": job.outcome}


def machine_view(machine: Machine) -> dict:
    """A machine as plain data; the API key is never shown."""
    return {"id": machine.id, "place_id": machine.place_id, "name": machine.name, "kind": machine.kind,
            "driver": machine.driver, "octoprint_url": machine.octoprint_url,
            "printer_profile": machine.printer_profile, "clears_itself": machine.clears_itself,
            "bed_clear": machine.bed_clear, "state": machine.state, "state_detail": machine.state_detail}
