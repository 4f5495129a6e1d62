"""Counters the admin's monitoring reads: every process of the installation adds to the same rows."""
from __future__ import annotations

from sqlmodel import Field, SQLModel


class MetricCounter(SQLModel, table=True):
    """One Prometheus counter series: its name, its labels as written in the exposition, its total so far."""

    __tablename__ = "metric_counter"

    name: str = Field(primary_key=True, max_length=100)
    labels: str = Field(primary_key=True, max_length=300)   # e.g. method="GET",status="200"; "" for none
    value: float = Field(default=0.0)
