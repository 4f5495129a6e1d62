"""What MakerNet publishes about its territory, worked out by a task and kept whole: the coordinators' figures per
commune and the public open data files, each with the moment it was made."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from makernet.models.base import utcnow


class Publication(SQLModel, table=True):
    """One published document (a JSON of figures, a CSV, a GeoJSON, a Table Schema), replaced whole each time."""

    name: str = Field(primary_key=True, max_length=80)
    media_type: str = Field(max_length=80)
    body: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
