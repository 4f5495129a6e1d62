"""A job as plain data."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from makernet.domain.states import JobStatus
from makernet.models import Job
from makernet.services.places.views import MachineView
from makernet.services.shapes import Count, Id, TypedDict


class JobView(TypedDict):
    """A plate (printers) or a batch (manual work centres) of a work order on one machine."""

    id: Annotated[Id, Field(description="the job's id")]
    work_order_id: Annotated[Id, Field(description="the work order it makes units of")]
    machine_id: Annotated[Id, Field(description="the machine it is for")]
    sequence: Annotated[int, Field(description="its rank among the work order's jobs, from 1")]
    units: Annotated[Count, Field(description="units it makes")]
    units_made: Annotated[int, Field(description="good units made so far")]
    units_rejected: Annotated[int, Field(description="units made but rejected")]
    status: Annotated[JobStatus, Field(description="where it stands")]
    progress: Annotated[float | None, Field(description="percent done, as the printer last said; null: none said")]
    upload_name: Annotated[str | None, Field(description="the file's name on the printer's host, once sent")]
    dispatch_attempts: Annotated[int, Field(description="how many times it was sent to its printer")]
    outcome: Annotated[str, Field(description="how it ended, in words (a failure's reason); empty while it runs")]
    plate: Annotated[bool, Field(description="a print plate (true) or a batch counted by hand (false)")]


class BedClearView(MachineView):
    """A machine whose bed was just confirmed clear, and the plate it started on it, if any."""

    dispatched_job_id: Annotated[int | None, Field(description="the plate sent to it now; null: none waited")]
    taken_from: Annotated[str | None, Field(description=(
        "the busy machine of the place that plate waited behind, taken over by this free one; null: its own"))]


def job_view(job: Job) -> JobView:
    """A job as plain data."""
    return {"id": job.id, "work_order_id": job.work_order_id, "machine_id": job.machine_id,
            "sequence": job.sequence, "units": job.units, "units_made": job.units_made,
            "units_rejected": job.units_rejected, "status": job.status, "progress": job.progress,
            "upload_name": job.upload_name, "dispatch_attempts": job.dispatch_attempts,
            "outcome": job.outcome, "plate": job.plate_layout_id is not None}
