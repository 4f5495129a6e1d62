"""Jobs: plates and batches on machines."""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from makernet.models.base import utcnow


class Job(SQLModel, table=True):
    """One plate (printers) or batch (manual work centres) of a work order on a machine."""

    id: int | None = Field(default=None, primary_key=True)
    work_order_id: int = Field(foreign_key="workorder.id", index=True)
    machine_id: int = Field(foreign_key="machine.id", index=True)
    plate_layout_id: int | None = Field(default=None, foreign_key="platelayout.id")
    sequence: int = 1
    units: int = Field(gt=0)
    units_made: int = 0
    units_rejected: int = 0
    status: str = Field(default="queued", max_length=20, index=True)
    upload_name: str | None = Field(default=None, max_length=200, unique=True)
    dispatch_attempts: int = 0
    progress: float | None = None          # percent, as the printer last reported it
    dispatched_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = Field(default=None, index=True)
    outcome: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)


class OutputDay(SQLModel, table=True):
    """Units made and rejected at a place, per item and day (UTC): what dashboards, reports and open data sum,
    kept up to date in the transaction that finishes each job, so no read goes through every job."""

    day: date = Field(primary_key=True)
    place_id: int = Field(foreign_key="place.id", primary_key=True, index=True)
    item_id: int = Field(foreign_key="item.id", primary_key=True)
    units_made: int = 0
    units_rejected: int = 0
    jobs: int = 0
