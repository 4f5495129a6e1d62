"""Deliveries from a place to a request's delivery point or a collection point."""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from makernet.models.base import json_column, utcnow


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

    @property
    def left_at(self) -> datetime | None:
        """When the delivery left its place: picked up by its carrier, else handed over there, else collected by
        its requester at receipt; None while it is still on the place's shelf (what "shipped" counts from)."""
        return self.picked_up_at or self.delivered_at or self.received_at


class DeliveryLine(SQLModel, table=True):
    """A quantity of one request line in a delivery."""

    id: int | None = Field(default=None, primary_key=True)
    delivery_id: int = Field(foreign_key="delivery.id", index=True)
    request_line_id: int = Field(foreign_key="requestline.id", index=True)
    quantity: int = Field(ge=0)        # units shipped; at receipt, those received in good condition
    units_missing: int = 0             # counted at receipt as damaged or missing: the place makes them again


class DeliveryRun(SQLModel, table=True):
    """One volunteer runner's trip on a day: proposed by the routing, under way once it left, then done."""

    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True)
    day: date = Field(index=True)
    runner: int = 1          # the place's runner 1, 2, 3
    leg: int = 1             # the runner's first or second run of the day
    vehicle: str = Field(default="bike", max_length=10)
    status: str = Field(default="proposed", max_length=20)   # proposed, under_way, done, cancelled
    km: float = 0.0
    minutes: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None


class DeliveryRunStop(SQLModel, table=True):
    """A stop of a run, in order: units of one request carried to its delivery point; its delivery once it left."""

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="deliveryrun.id", index=True)
    position: int = 1        # 1 for the first stop
    request_id: int = Field(foreign_key="request.id", index=True)
    destination: str = Field(default="", max_length=300)
    latitude: float | None = None
    longitude: float | None = None
    units: int = Field(gt=0)
    # [[request line id, units], ...]: what of the request it carries, as the run was proposed
    lines: list = Field(default_factory=list, sa_column=json_column())
    delivery_id: int | None = Field(default=None, foreign_key="delivery.id", index=True)
