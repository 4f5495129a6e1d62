"""The append-only stock ledger."""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from makernet.models.base import utcnow


class StockEntry(SQLModel, table=True):
    """One movement of a material at a place; levels are sums of these."""

    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True)
    material_id: int = Field(foreign_key="material.id", index=True)
    quantity: int                          # signed, in the material's unit
    kind: str = Field(max_length=20)       # receipt, consumption, transfer_out, transfer_in, adjustment, scrap
    reason: str = Field(default="", max_length=500)
    job_id: int | None = Field(default=None, foreign_key="job.id")
    # a repeated operation (the same job completing twice) carries the same key
    idempotency_key: str | None = Field(default=None, max_length=120, unique=True)
    # the two entries of one transfer (out of a place, into another) share this id
    transfer_id: str | None = Field(default=None, max_length=32, index=True)
    supply_request_id: int | None = Field(default=None, foreign_key="supplyrequest.id", index=True)
    cost_cents: int | None = None          # what a receipt cost, for the place's cost estimates
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class StockDay(SQLModel, table=True):
    """The ledger of one material at one place summed per day (UTC): the level is the sum of `net`, the rate of
    use the recent days' `used`. Kept in the transaction that writes each entry, so overviews never sum the ledger."""

    day: date = Field(primary_key=True)
    place_id: int = Field(foreign_key="place.id", primary_key=True, index=True)
    material_id: int = Field(foreign_key="material.id", primary_key=True)
    net: int = 0                           # signed: every entry of the day
    used: int = 0                          # consumption and scrap, positive
