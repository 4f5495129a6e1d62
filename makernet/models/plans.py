"""Planner runs and coordinators' rules (pins and forbids)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from makernet.models.base import json_column, utcnow

ACTIVE_RUNS = "status IN ('queued', 'running')"   # a territory has at most one run so (waiting ones wait their turn)


class PlanRun(SQLModel, table=True):
    """One run of the planner: what triggered it, how far it has gone, what it proposed, what changed and why."""

    # two runs of one territory never overlap: the database refuses a second one queued or running
    __table_args__ = (Index("ix_planrun_active_territory", "territory_key", unique=True,
                            postgresql_where=text(ACTIVE_RUNS), sqlite_where=text(ACTIVE_RUNS)),)

    id: int | None = Field(default=None, primary_key=True)
    strategy: str = Field(default="planner", max_length=20)   # planner, baseline
    trigger: str = Field(max_length=20)        # manual, decline, partial, printer_down, stock_out, place_out
    reason: str = Field(default="", max_length=1000)
    # the same as words where MakerNet composed it (domain.explanations), said in the reader's language
    reason_words: list | None = Field(default=None, sa_column=Column(JSON, nullable=True))
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
    # waiting (its territory busy), queued, running, done, failed; a row written whole (as before runs were
    # tasks) is a finished one
    status: str = Field(default="done", max_length=10, index=True)
    step: str = Field(default="", max_length=10)          # while running: reading, solving, writing
    territory_key: str = Field(default="*", max_length=400)  # its départements sorted, comma-separated; * all
    plan_day: date | None = None                          # the day it plans from
    line_ids: list[int] | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # None: every open line
    release_days: int | None = None                       # None: every proposal made now, none held
    error: str = Field(default="", max_length=80)         # a failed run's code (makernet.messages)...
    error_params: dict = Field(default_factory=dict, sa_column=json_column())   # ...and its values
    started_at: datetime | None = None
    finished_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)  # its last news: a run silent too long is given up


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
