"""Requests posted by requesters, and their lines."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from makernet.models.base import utcnow


OPEN_REQUESTS = "status NOT IN ('closed', 'rejected', 'cancelled')"   # still waiting for units


class Request(SQLModel, table=True):
    """What an organisation asks for, by when, delivered where."""

    # the late page and the reminders read the open requests by the date they are needed, never the history
    __table_args__ = (Index("ix_request_open_needed_by", "needed_by", postgresql_where=text(OPEN_REQUESTS),
                            sqlite_where=text(OPEN_REQUESTS)),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    created_by: int = Field(foreign_key="user.id")
    status: str = Field(default="submitted", max_length=20, index=True)
    needed_by: date
    delivery_point: str = Field(max_length=300)
    latitude: float | None = None
    longitude: float | None = None
    priority: str = Field(default="normal", max_length=20)  # Priority
    beneficiary: str = Field(default="", max_length=300)    # who it is for
    urgency_reason: str = Field(default="", max_length=1000)
    status_reason: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class RequestLine(SQLModel, table=True):
    """An item and a quantity within a request, with its running counts."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    quantity: int = Field(gt=0)
    units_made: int = 0
    units_delivered: int = 0
    units_received: int = 0


class DemandDay(SQLModel, table=True):
    """Units asked, shipped and received per day (UTC), item and requesting département: what dashboards and
    reports sum, kept up to date in the transaction of each change (a request sent, changed, split, merged,
    rejected or called off; a delivery prepared, refused or received), so no read goes through every line."""

    day: date = Field(primary_key=True)
    item_id: int = Field(foreign_key="item.id", primary_key=True)
    departement: str = Field(primary_key=True, max_length=3)
    asked: int = 0            # lines of requests sent that day, unless rejected or called off
    shipped: int = 0          # lines of deliveries prepared that day, unless refused
    received: int = 0         # lines of deliveries received that day
