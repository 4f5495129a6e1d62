"""Production steps run inside a caller's transaction: plates made from work, the making order, a free printer's
claim (its own next plate, or one waiting behind a busy printer of the same profile), plates completed and made
again, moved off an unreachable printer or handed over by a machine leaving its place."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, case, func, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from makernet.db import Transaction
from makernet.domain.planning import MANUAL_KINDS_FOR
from makernet.domain.plates import Decision
from makernet.domain.production import split_into_plates, upload_name
from makernet.domain.states import JobStatus, RequestStatus, WorkOrderStatus
from makernet.errors import Conflict
from makernet.models import (BomLine, Item, Job, Machine, OutputDay, Place, PlateLayout, Request, RequestLine,
                             WorkOrder)
from makernet.models.base import utcnow
from makernet.services.context import Context
from makernet.services.stock.operations import consume_for_job
from makernet.services.tallies import add_to
from makernet.services.transitions import created, move
from printers.base import Capability, PrinterState
from printers.registry import driver_info, drivers_that


PRINTER_KINDS = ("fdm_printer",)


ACTIVE = ("dispatching", "printing")


def in_making_order(query: Select, today: date) -> Select:
    """A query of plates (joined to their work orders), in the order a place makes them: work that
    can still be on time by the day it must be ready to be carried in time (`due_by`, set when the
    work is proposed), then work already late in the same order, each work order's plates in turn.

    The planner counts on it: new urgent work goes before accepted work due later, as long
    as that work stays on time.
    """
    due = func.coalesce(WorkOrder.due_by, Request.needed_by)
    overdue = case((due < today, 1), else_=0)
    return (query.join(RequestLine, RequestLine.id == WorkOrder.request_line_id)
            .join(Request, Request.id == RequestLine.request_id)
            .order_by(overdue, due, Request.needed_by, Job.work_order_id, Job.sequence))


def claim_next_job(s: Session, machine_id: int) -> int | None:
    """Take the machine's next plate if its bed is clear and nothing runs on it: its own next queued plate, or,
    with none left, the next one waiting behind a busy printer of its place and profile (`waiting_behind`).

    The bed flag is taken with a conditional update, so two claimers never both win; a plate another claimer
    took meanwhile leaves the bed clear and nothing claimed.
    """
    busy = s.exec(select(Job.id).where(Job.machine_id == machine_id, Job.status.in_(ACTIVE))).first()  # type: ignore[attr-defined]
    if busy is not None:
        return None
    job = s.exec(in_making_order(select(Job).join(WorkOrder, WorkOrder.id == Job.work_order_id)
                                 .where(Job.machine_id == machine_id, Job.status == "queued",
                                        WorkOrder.status == "accepted"), date.today())).first()
    job = job or waiting_behind(s, machine_id)
    if job is None:
        return None
    taken = s.execute(update(Machine).where(Machine.id == machine_id, Machine.bed_clear == True,  # noqa: E712
                                            Machine.active == True).values(bed_clear=False))  # noqa: E712
    if taken.rowcount != 1:
        return None
    claimed = (job.machine_id == machine_id or take_over(s, job, machine_id)) and move(
        s, Job, JobStatus, job.id, "claim", note="claimed for dispatch",
        dispatch_attempts=Job.dispatch_attempts + 1, dispatched_at=utcnow()) is not None
    if not claimed:   # another claimer took the plate meanwhile: the bed stays clear for the next one
        s.execute(update(Machine).where(Machine.id == machine_id).values(bed_clear=True))
        return None
    return job.id


def waiting_behind(s: Session, machine_id: int) -> Job | None:
    """The first plate, in making order, queued on another printer of the machine's place and printer profile
    that is busy (a plate on it, or its bed not cleared yet) and answering: a free printer takes it rather than
    stand idle. A printer offline or in error keeps its plates, as the place's offline policy decides."""
    machine = s.get(Machine, machine_id)
    if machine is None or not (machine.bed_clear and machine.active and machine.kind in PRINTER_KINDS
                               and machine.printer_profile is not None):
        return None
    other, on_it = aliased(Machine), aliased(Job)
    running = select(on_it.id).where(on_it.machine_id == other.id, on_it.status.in_(ACTIVE)).exists()
    return s.exec(in_making_order(
        select(Job).join(WorkOrder, WorkOrder.id == Job.work_order_id).join(other, other.id == Job.machine_id)
        .join(PlateLayout, PlateLayout.id == Job.plate_layout_id)
        .where(Job.status == "queued", WorkOrder.status == "accepted", other.place_id == machine.place_id,
               other.id != machine.id, other.printer_profile == machine.printer_profile,
               PlateLayout.printer_profile == machine.printer_profile,
               other.state.not_in((PrinterState.OFFLINE.value, PrinterState.ERROR.value)),  # type: ignore[attr-defined]
               (other.bed_clear == False) | running), date.today())).first()  # noqa: E712


def take_over(s: Session, job: Job, machine_id: int) -> bool:
    """Move a queued plate to the free machine, unless it left the queue or its machine meanwhile."""
    busy = job.machine_id
    moved = s.execute(update(Job).where(Job.id == job.id, Job.status == "queued", Job.machine_id == busy)
                      .values(machine_id=machine_id))
    if moved.rowcount != 1:
        return False
    return move(s, Job, JobStatus, job.id, "reassign",
                note=f"taken over by free machine {machine_id} from busy machine {busy}") is not None


def move_plates_off(s: Session, machine_ids: list[int]) -> None:
    """Queued plates of unreachable printers go to a reachable printer of the same profile,
    at places that chose so; other places hold them."""
    if not machine_ids:
        return
    for machine in s.exec(select(Machine).join(Place, Place.id == Machine.place_id).where(
            Machine.id.in_(machine_ids), Place.offline_policy == "move")).all():  # type: ignore[attr-defined]
        others = s.exec(select(Machine.id).where(
            Machine.place_id == machine.place_id, Machine.id != machine.id, Machine.active == True,  # noqa: E712
            Machine.printer_profile == machine.printer_profile,
            Machine.driver.in_(drivers_that(Capability.START)),  # type: ignore[attr-defined]
            Machine.state == PrinterState.READY.value).order_by(Machine.id)).all()
        queued = s.exec(select(Job).where(Job.machine_id == machine.id, Job.status == "queued")
                        .order_by(Job.sequence)).all()  # type: ignore[arg-type]
        for index, job in enumerate(queued if others else []):
            target = others[index % len(others)]
            s.execute(update(Job).where(Job.id == job.id, Job.status == "queued").values(machine_id=target))
            move(s, Job, JobStatus, job.id, "reassign",
                 note=f"moved from offline machine {machine.id} to machine {target}")


def hand_over_plates(s: Session, machine: Machine) -> dict[int, int]:
    """A machine leaving its place: its waiting plates (queued, or failed and awaiting a decision) go in turn
    to the place's other active machines of the same kind and profile; returns which machine took each plate
    (job id → machine id); refused when none can."""
    waiting = s.exec(select(Job).where(Job.machine_id == machine.id, Job.status.in_(("queued", "failed")))  # type: ignore[attr-defined]
                     .order_by(Job.work_order_id, Job.sequence)).all()
    if not waiting:
        return {}
    same_profile = (Machine.printer_profile == machine.printer_profile if machine.printer_profile is not None
                    else Machine.printer_profile.is_(None))  # type: ignore[union-attr]
    others = s.exec(select(Machine.id).where(
        Machine.place_id == machine.place_id, Machine.id != machine.id, Machine.active == True,  # noqa: E712
        Machine.kind == machine.kind, same_profile).order_by(Machine.id)).all()
    if not others:
        raise Conflict("production.plates_stranded", machine=machine.name, n=len(waiting),
                       profile=machine.printer_profile or "—")
    taken = {}
    for index, job in enumerate(waiting):
        target = taken[job.id] = others[index % len(others)]
        s.execute(update(Job).where(Job.id == job.id, Job.status == job.status).values(machine_id=target))
        if job.status == "queued":
            move(s, Job, JobStatus, job.id, "reassign", note=f"moved from removed machine {machine.id} to machine {target}")
    return taken


MANUAL_BATCH = 50


def start_work_order(ctx: Context, tx: Transaction, order: WorkOrder) -> list[int]:
    """Turn an accepted work order into plates (printers) or batches (manual centres)."""
    s = tx.session
    item = s.get(Item, s.get(RequestLine, order.request_line_id).item_id)
    machines = s.exec(select(Machine).where(Machine.place_id == order.place_id, Machine.active == True)  # noqa: E712
                      .order_by(Machine.id)).all()  # type: ignore[arg-type]
    layouts = {lay.printer_profile: lay for lay in s.exec(
        select(PlateLayout).where(PlateLayout.design_version_id == order.design_version_id)).all()}
    # the plates go round the machines from the least loaded: small orders do not all queue on the first one
    load = dict(s.exec(select(Job.machine_id, func.sum(Job.units)).where(
        Job.machine_id.in_([m.id for m in machines]), Job.status.in_(ACTIVE + ("queued",)))  # type: ignore[attr-defined]
        .group_by(Job.machine_id)).all())
    machines = sorted(machines, key=lambda m: (load.get(m.id, 0), m.id))
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
            raise Conflict("production.no_machine_for_item", item=item.name)
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
        take_next_plate(ctx, tx, machine)
    return [job.id for job in jobs]


def _profile(printers: list[Machine], machine_id: int) -> str:
    return next(m.printer_profile for m in printers if m.id == machine_id)


def complete_job(s: Session, job_id: int, units_made: int | None = None, units_rejected: int = 0) -> bool:
    """Record a finished job once: units on the work order and request line, material consumed."""
    job = s.get(Job, job_id)
    made, now = job.units if units_made is None else units_made, utcnow()
    if move(s, Job, JobStatus, job_id, "finish", note=f"{made} made, {units_rejected} rejected",
            units_made=made, units_rejected=units_rejected, finished_at=now, progress=100.0) is None:
        return False
    order = s.get(WorkOrder, job.work_order_id)
    s.execute(update(WorkOrder).where(WorkOrder.id == order.id).values(
        units_made=WorkOrder.units_made + made, units_rejected=WorkOrder.units_rejected + units_rejected))
    s.execute(update(RequestLine).where(RequestLine.id == order.request_line_id).values(
        units_made=RequestLine.units_made + made))
    item_id = s.exec(select(RequestLine.item_id).where(RequestLine.id == order.request_line_id)).one()
    add_to(s, OutputDay, {"day": now.date(), "place_id": order.place_id, "item_id": item_id},
           {"units_made": made, "units_rejected": units_rejected, "jobs": 1})
    use_material(s, job_id, order, made, units_rejected)
    machine = s.get(Machine, job.machine_id)
    s.execute(update(Machine).where(Machine.id == machine.id).values(bed_clear=machine.clears_itself))
    s.refresh(order)
    if made < job.units:
        remake(s, job, job.units - made)
    if order.units_made >= order.accepted_quantity:
        move(s, WorkOrder, WorkOrderStatus, order.id, "finish", note="all accepted units made")
    line = s.get(RequestLine, order.request_line_id)
    move(s, Request, RequestStatus, line.request_id, "start_production", note="first units made")
    return True


def use_material(s: Session, job_id: int, order: WorkOrder, good: int, rejected: int) -> None:
    """Take a plate's material off the place's stock, once: the whole bill for its good units; for its rejects,
    only what the making uses (a failed frame's filament, not the sheet and elastic fitted to good frames)."""
    boms = s.exec(select(BomLine).where(BomLine.design_version_id == order.design_version_id)).all()
    consume_for_job(s, job_id, order.place_id,
                    [(b.material_id, b.quantity * (good + (0 if b.good_units_only else rejected))) for b in boms])


def remake(s: Session, job: Job, units: int) -> int | None:
    """Units of a plate that did not come out good (rejects, a plate given up) go back to the queue: a plate of
    as many units after the order's others, on the same machine, so that the accepted order is still made whole.
    Nothing for an order no longer accepted (taken back or called off meanwhile)."""
    order = s.get(WorkOrder, job.work_order_id)
    if order.status != "accepted":
        return None
    last = s.exec(select(func.max(Job.sequence)).where(Job.work_order_id == order.id)).one() or 0
    again = Job(work_order_id=order.id, machine_id=job.machine_id, units=units, sequence=last + 1,
                plate_layout_id=job.plate_layout_id)
    s.add(again)
    s.flush()
    if again.plate_layout_id is not None:
        item_code = s.exec(select(Item.code).join(RequestLine, RequestLine.item_id == Item.id)
                           .where(RequestLine.id == order.request_line_id)).one()
        again.upload_name = upload_name(again.id, item_code)
        s.flush()
    created(s, Job, again.id, again.status, note=f"{units} units of plate {job.id} to make again")
    return again.id


def apply_decision(s: Session, job: Job, decision: Decision) -> bool:
    """Write what was decided for a plate: its named transition, guarded, and what goes with it.

    False when the plate moved meanwhile (another worker applied the same news first).
    """
    if decision.finished:
        return complete_job(s, job.id)
    values: dict[str, object] = {}
    if decision.outcome is not None:
        values["outcome"] = decision.outcome[:500]
    if decision.track_progress:
        values["progress"] = decision.progress
    if decision.started:
        values["started_at"] = utcnow()
    if decision.transition == "fail":
        values["finished_at"] = utcnow()
    if decision.transition is not None:
        if move(s, Job, JobStatus, job.id, decision.transition, note=decision.note, **values) is None:
            return False
    elif values:
        s.execute(update(Job).where(Job.id == job.id).values(**values))
    if decision.free_bed:
        s.execute(update(Machine).where(Machine.id == job.machine_id).values(bed_clear=True))
    return True


def take_next_plate(ctx: Context, tx: Transaction, machine: Machine) -> int | None:
    """Give a printer its next plate if its bed is clear and nothing runs on it: sent to the printer after
    commit, or, on a printer reported by hand (no host to start it), printing at once, for the operator to
    print and then report its counts."""
    job_id = claim_next_job(tx.session, machine.id)
    if job_id is None:
        return None
    if driver_info(machine.driver).can(Capability.START):
        tx.after_commit(lambda: ctx.tasks.enqueue("dispatch_job", job_id))
    else:
        move(tx.session, Job, JobStatus, job_id, "confirm_start", note="printed by hand: the operator reports its counts",
             started_at=utcnow(), progress=0.0)
    return job_id
