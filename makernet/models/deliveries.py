"""Deliveries from a place to a request's delivery point or a collection point."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from makernet.models.base import utcnow


class CollectionPoint(SQLModel, table=True):
    """Where requesters collect their units: a drive-through, a pick-up point at a town hall."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    address: str = Field(max_length=300)
    commune: str = Field(default="", max_length=120)
    departement: str = Field(default="", max_length=3, index=True)
    kind: str = Field(default="pick_up", max_length=20)   # pick_up, drive_through
    opening_hours: str = Field(default="", max_length=300)  # as the point announces them
    active: bool = True
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class Delivery(SQLModel, table=True):
    """Finished units leaving one place for one request's delivery point."""

    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True)
    request_id: int = Field(foreign_key="request.id", index=True)
    status: str = Field(default="prepared", max_length=20)
    mode: str = Field(default="direct", max_length=20)   # direct, collection_point, runner
    destination: str = Field(default="", max_length=300)
    collection_point_id: int | None = Field(default=None, foreign_key="collectionpoint.id")
    carrier_name: str = Field(default="", max_length=200)   # the volunteer runner or driver
    receiver_name: str = Field(default="", max_length=200)
    refused_reason: str = Field(default="", max_length=1000)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
    picked_up_at: datetime | None = None
    delivered_at: datetime | None = None
    received_at: datetime | None = None
    refused_at: datetime | None = None


class DeliveryLine(SQLModel, table=True):
    """A quantity of one request line in a delivery."""

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id", index=True)
    request_line_id: int = Field(foreign_key="requestline.id", index=True)
    quantity: int = Field(gt=0)
