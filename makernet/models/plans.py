"""Planner runs and coordinators' rules (pins and forbids)."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from makernet.models.base import json_column, utcnow


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
