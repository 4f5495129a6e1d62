"""Places that produce, their conditions and their machines."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from makernet.models.base import json_column, utcnow


class Place(SQLModel, table=True):
    """A fab-lab or workshop site with its stated conditions."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=200)
    commune: str = Field(default="", max_length=120)
    departement: str = Field(default="", max_length=3, index=True)
    latitude: float | None = None
    longitude: float | None = None
    staff_available: int = 1
    # {"mon": [["09:00", "18:00"]], ...}: when the place works
    opening_hours: dict = Field(default_factory=dict, sa_column=json_column())
    batch_limit: int | None = None          # most units accepted in one work order
    hourly_value_cents: int = 0             # the value of the place's time, per hour
    accepted_item_ids: list[int] = Field(default_factory=list, sa_column=json_column())  # empty: all
    auto_accept: bool = False
    site_worker: bool = False               # the place runs its own worker beside its printers
    offline_policy: str = Field(default="hold", max_length=10)  # hold or move plates of an offline printer
    # volunteer runners who deliver what is within their reach the day it is finished (domain.transport)
    runners: int = 0
    runs_per_day: int = 1
    run_hours: float = 3.0
    vehicle: str = Field(default="bike", max_length=10)   # bike (cargo bike) or car
    delivery_radius_km: float | None = None  # None: the vehicle's reach
    run_load: int | None = None              # units one run carries; None: the vehicle's
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class Machine(SQLModel, table=True):
    """A printer, laser cutter, sewing station or assembly bench."""

    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True)
    name: str = Field(max_length=120)
    kind: str = Field(max_length=20)        # MachineKind
    driver: str = Field(default="manual", max_length=20)   # a name in printers.registry
    host: str | None = Field(default=None, max_length=300)  # the driver's host address, if it has one
    # the driver's other settings by name; secret ones (an API key) sealed (services.secrets)
    driver_settings: dict = Field(default_factory=dict, sa_column=json_column())
    printer_profile: str | None = Field(default=None, max_length=60)
    clears_itself: bool = False             # belt printer or auto-ejecting bed
    bed_clear: bool = True                  # operator confirmed the bed is empty
    state: str = Field(default="unknown", max_length=20)  # printers.base.PrinterState
    state_detail: str = Field(default="", max_length=300)
    state_checked_at: datetime | None = None
    key_status: str = Field(default="stored", max_length=10)  # awaiting, stored, refused, missing (printer key)
    active: bool = True
    # taken out of the place for good: kept (its plates' history names it), hidden, never read or started
    removed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
