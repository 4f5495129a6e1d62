"""Work orders: portions of request lines proposed to places."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from makernet.models.base import utcnow


class WorkOrder(SQLModel, table=True):
    """A quantity of one request line proposed to (then accepted by) one place."""

    id: int | None = Field(default=None, primary_key=True)
    request_line_id: int = Field(foreign_key="requestline.id", index=True)
    place_id: int = Field(foreign_key="place.id", index=True)
    design_version_id: int = Field(foreign_key="designversion.id")
    quantity: int = Field(gt=0)                # proposed
    accepted_quantity: int = 0
    units_made: int = 0
    units_rejected: int = 0
    status: str = Field(default="proposed", max_length=20, index=True)
    reason: str = Field(default="", max_length=1000)   # why proposed / why declined
    # the planner's own reasons as words (domain.explanations), said in the reader's language; None: as `reason` says
    reason_words: list | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
    # set when the planner proposed it: which run, and its reasons in plain words
    plan_run_id: int | None = Field(default=None, foreign_key="planrun.id", index=True)
    explanation: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # the same as words ([code, values] parts, domain.explanations), said in the reader's language; None before
    explanation_words: list | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    distance_km: float | None = None
    ready_by: date | None = None               # when the planner expects the units ready
    # the last day the units can be ready and still be carried to the requester on time (domain.transport):
    # places make their work by it
    due_by: date | None = None
