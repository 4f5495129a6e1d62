"""The installation's own processes: the heartbeats beat and the push listener leave."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from makernet.models.base import utcnow


class Heartbeat(SQLModel, table=True):
    """The last sign of life of one process role (`beat`, `listener`), whichever host it runs on."""

    name: str = Field(primary_key=True, max_length=40)
    beat_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    host: str = Field(default="", max_length=200)   # who recorded it: a worker's or the listener's host name
