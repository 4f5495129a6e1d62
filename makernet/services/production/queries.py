"""Production as it is read: a place's print queue, its jobs, what is ready to ship."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from makernet.errors import NotFound
from makernet.models import (Delivery, DeliveryLine, Item, Job, Machine, Organisation, Place, Request, RequestLine,
                             WorkOrder)
from makernet.services.access import Actor, can_see_work_order, own_machine, queue_place
from makernet.services.context import Context
from makernet.services.places.views import can, machine_view, shown_state
from printers.base import Capability
from makernet.services.production.views import job_view
from makernet.domain.states import JobStatus
from makernet.services.listing import Filters, Rows, Window, filtered, jobs_seen, page_of
from makernet.services.places.views import MachineView
from makernet.services.production.views import JobView


STATUSES = tuple(st.value for st in JobStatus)
FINISHED = ("done", "failed")


def list_jobs(ctx: Context, actor: Actor, work_order_id: int | None = None, machine_id: int | None = None,
              window: Window | None = None, filters: Filters | None = None) -> Rows[JobView]:
    """Jobs of the actor's places (or territory), optionally of one work order or machine, narrowed by state,
    place and the days they were created, in making order: one page of them, or all without a window."""
    with ctx.db.reading() as s:
        query = select(Job).order_by(Job.id)  # type: ignore[arg-type]
        if work_order_id is not None:
            order = s.get(WorkOrder, work_order_id)
            if order is None or not can_see_work_order(s, actor, order):
                raise NotFound("work_order.not_found", id=work_order_id)
            query = query.where(Job.work_order_id == work_order_id)
        if machine_id is not None:
            query = query.where(Job.machine_id == machine_id)
        query = filtered(s, actor, jobs_seen(query, actor), filters or Filters(), STATUSES, status=Job.status,
                         place=WorkOrder.place_id, moment=Job.created_at)
        return page_of(s, query, window, job_view)


def get_machine(ctx: Context, actor: Actor, machine_id: int) -> MachineView:
    """One machine of the actor's places."""
    with ctx.db.reading() as s:
        return machine_view(own_machine(s, actor, machine_id))


PRINTER_KINDS = ("fdm_printer",)


def place_queue(ctx: Context, actor: Actor, place_id: int) -> dict:
    """Each machine of a place with its state, the job running (with progress) and the jobs waiting."""
    with ctx.db.reading() as s:
        place, can_operate = queue_place(s, actor, place_id)
        machines = s.exec(select(Machine).where(Machine.place_id == place.id, Machine.active == True)  # noqa: E712
                          .order_by(Machine.id)).all()  # type: ignore[arg-type]
        items = {i.id: i.name for i in s.exec(select(Item)).all()}
        views = []
        for machine in machines:
            jobs = s.exec(select(Job, WorkOrder, RequestLine)
                          .join(WorkOrder, WorkOrder.id == Job.work_order_id)
                          .join(RequestLine, RequestLine.id == WorkOrder.request_line_id)
                          .where(Job.machine_id == machine.id, Job.status.in_(LIVE))  # type: ignore[attr-defined]
                          .order_by(Job.work_order_id, Job.sequence)).all()
            rows = [_job_row(job, order, line, items) for job, order, line in jobs]
            views.append({
                "id": machine.id, "name": machine.name, "kind": machine.kind, "driver": machine.driver,
                "is_printer": machine.kind in PRINTER_KINDS, "manual": not can(machine, Capability.STATUS),
                "can_stop": can(machine, Capability.CANCEL),
                "state": shown_state(machine), "state_detail": machine.state_detail, "bed_clear": machine.bed_clear,
                "clears_itself": machine.clears_itself, "checked_at": machine.state_checked_at,
                "running": [r for r in rows if r["status"] in ("dispatching", "printing")],
                "waiting": [r for r in rows if r["status"] == "queued" and r["order_status"] == "accepted"],
                # failed plates wait for the operator: printed again, or given up and their units made again
                "failed": [r for r in rows if r["status"] == "failed" and r["order_status"] == "accepted"],
            })
        return {"place": {"id": place.id, "name": place.name}, "can_operate": can_operate, "machines": views}


LIVE = ("queued", "dispatching", "printing", "failed")   # a machine's card; done and failed ones are also history


def place_history(ctx: Context, actor: Actor, place_id: int, window: Window | None = None) -> Rows:
    """A place's finished plates and batches (done or failed), the last finished first: one page of them."""
    with ctx.db.reading() as s:
        place, _ = queue_place(s, actor, place_id)
        items = {i.id: i.name for i in s.exec(select(Item)).all()}
        query = (select(Job).join(WorkOrder, WorkOrder.id == Job.work_order_id)
                 .where(WorkOrder.place_id == place.id, Job.status.in_(FINISHED))  # type: ignore[attr-defined]
                 .order_by(Job.finished_at.desc().nulls_last(), Job.id.desc()))  # type: ignore[union-attr]

        def row(job: Job) -> dict:
            order = s.get(WorkOrder, job.work_order_id)
            return _job_row(job, order, s.get(RequestLine, order.request_line_id), items) | {
                "machine_name": s.get(Machine, job.machine_id).name, "finished_at": job.finished_at}
        return page_of(s, query, window, row)


def _job_row(job: Job, order: WorkOrder, line: RequestLine, items: dict[int, str]) -> dict:
    return {"id": job.id, "sequence": job.sequence, "units": job.units, "units_made": job.units_made,
            "units_rejected": job.units_rejected, "status": job.status, "progress": job.progress,
            "outcome": job.outcome, "work_order_id": order.id, "order_status": order.status,
            "request_id": line.request_id, "item_name": items.get(line.item_id, "?")}


def ready_to_ship(ctx: Context, actor: Actor, place_id: int) -> dict:
    """Per request this place works on: units made here and not shipped yet, line by line."""
    with ctx.db.reading() as s:
        place, can_operate = queue_place(s, actor, place_id)
        if not can_operate:
            raise NotFound("place.not_found", id=place_id)
        made_rows = s.exec(select(RequestLine, func.sum(WorkOrder.units_made))
                           .join(WorkOrder, WorkOrder.request_line_id == RequestLine.id)
                           .where(WorkOrder.place_id == place.id).group_by(RequestLine.id)).all()
        items = {i.id: i.name for i in s.exec(select(Item)).all()}
        requests: dict[int, dict] = {}
        for line, made in made_rows:
            shipped = s.exec(select(func.coalesce(func.sum(DeliveryLine.quantity), 0))
                             .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
                             .where(DeliveryLine.request_line_id == line.id, Delivery.place_id == place.id,
                                    Delivery.status != "refused")).one()
            available = int(made or 0) - int(shipped)
            if available <= 0:
                continue
            request = s.get(Request, line.request_id)
            entry = requests.setdefault(request.id, {
                "id": request.id, "delivery_point": request.delivery_point, "needed_by": request.needed_by,
                "requester": s.get(Organisation, request.organisation_id).name, "lines": []})
            entry["lines"].append({"id": line.id, "item_name": items.get(line.item_id, "?"), "available": available})
        return {"place": {"id": place.id, "name": place.name}, "requests": list(requests.values())}


def operator_place_ids(ctx: Context, actor: Actor) -> list[int]:
    """The places of the actor's organisation (an operator's own places)."""
    with ctx.db.reading() as s:
        return list(s.exec(select(Place.id).where(Place.organisation_id == actor.organisation_id)
                           .order_by(Place.id)).all())  # type: ignore[arg-type]
