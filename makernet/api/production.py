"""API of production (/api/v1): jobs (plates, batches), batch counts, retries, machines and "bed clear"."""
from __future__ import annotations

from flask import Blueprint, request

from makernet.api.endpoints import endpoint, query_int
from makernet.api.openapi import QueryParameter
from makernet.api.schemas import BatchReportIn
from makernet.services import production
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx
from makernet.services.listing import Filters, Rows, Window
from makernet.services.places import MachineView
from makernet.services.production import BedClearView, JobView

bp = Blueprint("production_api", __name__, url_prefix="/api/v1")


@endpoint(bp, "get", "/jobs", "Jobs (plates, batches), newest first", paged=True,
          filters=("status", "place_id", "since", "until"), statuses=production.STATUSES, dated="created",
          query=(QueryParameter.id_of("work_order_id", "only the plates and batches of this work order"),
                 QueryParameter.id_of("machine_id", "only those of this machine")))
def list_jobs(actor: Actor, window: Window) -> Rows[JobView]:
    return production.list_jobs(ctx(), actor, query_int("work_order_id"), query_int("machine_id"), window,
                                Filters.of(request.args))


@endpoint(bp, "post", "/jobs/{job_id}/report", "Report the counts of a manual batch (operators)",
          body=BatchReportIn, roles=("operator",))
def report_batch(actor: Actor, job_id: int, body: BatchReportIn) -> JobView:
    return production.report_batch(ctx(), actor, job_id, body.units_made, body.units_rejected)


@endpoint(bp, "post", "/jobs/{job_id}/stop", "Stop a printing plate on its printer (operators): the printer is told "
          "to cancel, and the plate then fails, to be retried or scrapped", roles=("operator",))
def stop_plate(actor: Actor, job_id: int) -> JobView:
    return production.stop_plate(ctx(), actor, job_id)


@endpoint(bp, "post", "/jobs/{job_id}/retry", "Send a failed plate back to its printer's queue (operators)",
          roles=("operator",))
def retry_job(actor: Actor, job_id: int) -> JobView:
    return production.retry_job(ctx(), actor, job_id)


@endpoint(bp, "post", "/jobs/{job_id}/scrap", "Give up a failed plate: its units count as rejects (operators)",
          roles=("operator",))
def scrap_job(actor: Actor, job_id: int) -> JobView:
    return production.scrap_job(ctx(), actor, job_id)


@endpoint(bp, "get", "/machines/{machine_id}", "One machine and its printer state")
def get_machine(actor: Actor, machine_id: int) -> MachineView:
    return production.get_machine(ctx(), actor, machine_id)


@endpoint(bp, "post", "/machines/{machine_id}/bed-clear", "Confirm the bed is clear: the next plate may start (operators)",
          roles=("operator",))
def confirm_bed_clear(actor: Actor, machine_id: int) -> BedClearView:
    return production.confirm_bed_clear(ctx(), actor, machine_id)
