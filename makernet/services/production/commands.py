"""What operators do on the floor: bed clear, batch counts, a printing plate stopped, a failed plate retried or
scrapped."""
from __future__ import annotations

from sqlalchemy import update
from sqlmodel import select

from makernet.domain.states import JobStatus
from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import AuditEntry, Job, Machine, Place, WorkOrder
from makernet.services.access import Actor, own_job, own_machine
from makernet.services.context import Context, place_queue
from makernet.services.places.views import can, connection_message, machine_view
from printers.base import Capability
from makernet.services.production.operations import ACTIVE, complete_job, remake, take_next_plate, use_material
from makernet.services.production.views import job_view
from makernet.services.transitions import move
from makernet.services.production.views import BedClearView, JobView


def confirm_bed_clear(ctx: Context, actor: Actor, machine_id: int) -> BedClearView:
    """The operator says the bed is empty: the next plate may go."""
    actor.require("operator")
    with ctx.db.transaction() as tx:
        s = tx.session
        machine = own_machine(s, actor, machine_id)
        running = s.exec(select(Job).where(Job.machine_id == machine.id, Job.status.in_(ACTIVE))).first()  # type: ignore[attr-defined]
        if running is not None:
            raise Conflict("job.machine_busy", machine=machine.name, id=running.id, status=running.status)
        s.execute(update(Machine).where(Machine.id == machine.id).values(bed_clear=True))
        queued_on = dict(s.exec(select(Job.id, Job.machine_id).join(Machine, Machine.id == Job.machine_id).where(
            Machine.place_id == machine.place_id, Job.status == "queued")).all())
        job_id = take_next_plate(ctx, tx, machine)
        behind = queued_on.get(job_id)   # a plate waiting behind a busy printer of the place, taken over
        s.refresh(machine)
        return machine_view(machine) | {"dispatched_job_id": job_id, "taken_from": (
            s.get(Machine, behind).name if behind not in (None, machine.id) else None)}


def report_batch(ctx: Context, actor: Actor, job_id: int, units_made: int, units_rejected: int = 0) -> JobView:
    """An operator reports the count of a manual batch (sewing, assembly, laser)."""
    actor.require("operator")
    with ctx.db.transaction() as tx:
        s = tx.session
        job = s.get(Job, job_id)
        if job is None:
            raise NotFound("job.not_found", id=job_id)
        machine = own_machine(s, actor, job.machine_id)
        if can(machine, Capability.STATUS):
            raise Conflict("production.reported_by_printer")
        if units_made < 0 or units_rejected < 0 or units_made + units_rejected > job.units:
            raise InvalidInput("production.units_out_of_range", field="units_made", most=job.units)
        if not complete_job(s, job.id, units_made, units_rejected):
            raise Conflict("job.already_reported", id=job_id, status=job.status)
        return job_view(s.get(Job, job_id))


def retry_job(ctx: Context, actor: Actor, job_id: int) -> JobView:
    """The operator sends a failed plate back to its printer's queue."""
    actor.require("operator")
    with ctx.db.transaction() as tx:
        job = own_job(tx.session, actor, job_id)
        if move(tx.session, Job, JobStatus, job.id, "retry", user_id=actor.user_id, note="retried by the operator",
                progress=None, outcome="") is None:
            raise Conflict("job.not_retryable", id=job_id, status=job.status)
        return job_view(tx.session.get(Job, job_id))


def scrap_job(ctx: Context, actor: Actor, job_id: int) -> JobView:
    """The operator gives up a failed plate: its units count as rejects, the material its making used as used,
    and a plate of as many units is queued to make them again."""
    actor.require("operator")
    with ctx.db.transaction() as tx:
        s = tx.session
        job = own_job(s, actor, job_id)
        if move(s, Job, JobStatus, job.id, "scrap", user_id=actor.user_id, note="scrapped by the operator",
                units_rejected=job.units) is None:
            raise Conflict("job.not_scrappable", id=job_id, status=job.status)
        order = s.get(WorkOrder, job.work_order_id)
        s.execute(update(WorkOrder).where(WorkOrder.id == order.id).values(
            units_rejected=WorkOrder.units_rejected + job.units))
        use_material(s, job.id, order, 0, job.units)
        remake(s, job, job.units)
        return job_view(s.get(Job, job_id))


def stop_plate(ctx: Context, actor: Actor, job_id: int) -> JobView:
    """The operator stops a printing plate from MakerNet: its printer is told to cancel (by the place's own worker
    when it has one), and the reading that follows fails the plate, to be retried or scrapped as any failed one."""
    actor.require("operator")
    with ctx.db.transaction() as tx:
        s = tx.session
        job = own_job(s, actor, job_id)
        machine = s.get(Machine, job.machine_id)
        if job.status != "printing" or not can(machine, Capability.CANCEL):
            raise Conflict("job.not_stoppable", id=job_id, status=job.status)
        remote = s.get(Place, machine.place_id).site_worker
        message = connection_message(ctx, machine, keys=not remote)   # a place's own worker has the keys
        s.add(AuditEntry(entity="job", entity_id=job.id, from_state=job.status, to_state=job.status,
                         user_id=actor.user_id, note="stop asked from MakerNet"))
        tx.after_commit(lambda: ctx.tasks.enqueue("site_stop", message,
                                                  queue=place_queue(machine.place_id) if remote else None))
        return job_view(job)
