"""Production: plates and batches from claim to completion, the print queue.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.production.commands import confirm_bed_clear, report_batch, retry_job, scrap_job, stop_plate
from makernet.services.production.operations import complete_job, in_making_order
from makernet.services.production.queries import (STATUSES, get_machine, list_jobs, place_history, place_queue,
                                                  ready_to_ship)
from makernet.services.production.worker import apply_outcome, dispatch_job
from makernet.services.production.views import BedClearView, JobView

__all__ = ["apply_outcome", "BedClearView", "complete_job", "confirm_bed_clear", "dispatch_job", "get_machine",
           "in_making_order", "JobView", "list_jobs", "place_history", "place_queue", "ready_to_ship",
           "report_batch", "retry_job", "scrap_job", "STATUSES", "stop_plate"]
