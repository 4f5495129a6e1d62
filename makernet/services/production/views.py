"""A job as plain data."""
from __future__ import annotations

from makernet.models import Job


def job_view(job: Job) -> dict:
    """A job as plain data."""
    return {"id": job.id, "work_order_id": job.work_order_id, "machine_id": job.machine_id,
            "sequence": job.sequence, "units": job.units, "units_made": job.units_made,
            "units_rejected": job.units_rejected, "status": job.status, "progress": job.progress,
            "upload_name": job.upload_name, "dispatch_attempts": job.dispatch_attempts,
            "outcome": job.outcome, "plate": job.plate_layout_id is not None}
