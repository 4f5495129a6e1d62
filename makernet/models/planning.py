"""Work orders (portions of request lines proposed to places), planner runs and coordinators' rules."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from makernet.models.base import json_column, utcnow


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
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
    # set when the planner proposed it: which run, and its reasons in plain words
    plan_run_id: int | None = Field(default=None, foreign_key="planrun.id", index=True)
    explanation: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    distance_km: float | None = None
    ready_by: date | None = None               # when the planner expects the units ready


class PlanRun(SQLModel, table=True):
    """One run of the planner: what triggered it, what it proposed, what changed and why."""

    id: int | None = Field(default=None, primary_key=True)
    strategy: str = Field(default="planner", max_length=20)   # planner, baseline
    trigger: str = Field(max_length=20)        # manual, decline, partial, printer_down, stock_out, place_out
    reason: str = Field(default="", max_length=1000)
    territory: list[str] = Field(default_factory=list, sa_column=json_column())
    proposed_units: int = 0
    unplanned_units: int = 0
    seconds: float = 0.0
    # [{"line_id", "quantity", "reason"}] left over; [{"work_order_id", "what", "why"}] changed
    unplanned: list[dict] = Field(default_factory=list, sa_column=json_column())
    changes: list[dict] = Field(default_factory=list, sa_column=json_column())
    # [{"line_id", "place_id", "quantity", "start", "on_time", "reason"}] planned for later, not yet proposed
    held: list[dict] = Field(default_factory=list, sa_column=json_column())
    held_units: int = 0
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class PlanningRule(SQLModel, table=True):
    """A coordinator's pin (give this line to this place) or forbid (never), kept until lifted."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)           # pin, forbid
    request_line_id: int = Field(foreign_key="requestline.id", index=True)
    place_id: int = Field(foreign_key="place.id", index=True)
    quantity: int | None = None                # pin: how many units (None: as many as the place can)
    note: str = Field(default="", max_length=500)
    active: bool = True
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
