"""Jobs: plates on printers, batches on manual work centres, from claim to completion."""
from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from makernet.db import Transaction
from makernet.domain.planning import MANUAL_KINDS_FOR
from makernet.domain.production import split_into_plates, upload_name
from makernet.domain.states import JobStatus, RequestStatus, WorkOrderStatus
from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import BomLine, Item, Job, Machine, Place, PlateLayout, Request, RequestLine, WorkOrder
from makernet.models.base import utcnow
from makernet.services.accounts import Actor
from makernet.services.context import Context
from makernet.services.dispatch import ACTIVE, claim_next_job
from makernet.services.stock import consume_for_job
from makernet.services.transitions import created, move

PRINTER_KINDS = ("fdm_printer",)
MANUAL_BATCH = 50


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
        # a sewn item goes to sewing stations, an assembled one to assembly benches
        manual = [m for m in machines if m.kind in MANUAL_KINDS_FOR.get(item.kind, ())]
        if not manual:
            raise Conflict(f"No machine at this place can make {item.name}: add a printer with a plate "
                           "layout for its profile, or a matching manual work centre.")
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


def retry_job(ctx: Context, actor: Actor, job_id: int) -> dict:
    """The operator sends a failed plate back to its printer's queue."""
    actor.require("operator")
    with ctx.db.transaction() as tx:
        job = _own_job(tx.session, actor, job_id)
        if move(tx.session, Job, JobStatus, job.id, "queued", user_id=actor.user_id, note="retried by the operator",
                only_from=frozenset({"failed"}), progress=None, outcome="") is None:
            raise Conflict(f"Job {job_id} is {job.status}; only a failed job can be retried.")
        return job_view(tx.session.get(Job, job_id))


def scrap_job(ctx: Context, actor: Actor, job_id: int) -> dict:
    """The operator gives up a failed plate: its units count as rejects, its material as used."""
    actor.require("operator")
    with ctx.db.transaction() as tx:
        s = tx.session
        job = _own_job(s, actor, job_id)
        if move(s, Job, JobStatus, job.id, "cancelled", user_id=actor.user_id, note="scrapped by the operator",
                only_from=frozenset({"failed"}), units_rejected=job.units) is None:
            raise Conflict(f"Job {job_id} is {job.status}; only a failed job can be scrapped.")
        order = s.get(WorkOrder, job.work_order_id)
        s.execute(update(WorkOrder).where(WorkOrder.id == order.id).values(
            units_rejected=WorkOrder.units_rejected + job.units))
        boms = s.exec(select(BomLine).where(BomLine.design_version_id == order.design_version_id)).all()
        consume_for_job(s, job.id, order.place_id, [(b.material_id, b.quantity * job.units) for b in boms])
        return job_view(s.get(Job, job_id))


def _own_job(s: Session, actor: Actor, job_id: int) -> Job:
    """A job on a machine of one of the actor's places."""
    job = s.get(Job, job_id)
    if job is None:
        raise NotFound(f"Job {job_id} not found.")
    _own_machine(s, actor, job.machine_id)
    return job


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
            "bed_clear": machine.bed_clear, "state": machine.state, "state_detail": machine.state_detail,
            "active": machine.active, "key_status": machine.key_status}
