"""Supply requests: a place asking for material, transport or premises."""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from makernet.models.base import utcnow


class SupplyRequest(SQLModel, table=True):
    """A place asking for material, transport or premises."""

    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="place.id", index=True)
    kind: str = Field(max_length=20)       # material, transport, premises
    material_id: int | None = Field(default=None, foreign_key="material.id")
    quantity: int | None = None
    needed_by: date | None = None
    description: str = Field(default="", max_length=1000)
    status: str = Field(default="open", max_length=20)
    answer: str = Field(default="", max_length=1000)
    supplier_place_id: int | None = Field(default=None, foreign_key="place.id")
    supplier_name: str = Field(default="", max_length=200)   # an outside supplier (local industry, a kitty)
    quantity_supplied: int = 0             # material received so far against this request
    answered_by: int | None = Field(default=None, foreign_key="user.id")
    answered_at: datetime | None = None
    closed_at: datetime | None = None
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)
