"""The audit trail of every state change."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from makernet.models.base import utcnow


class AuditEntry(SQLModel, table=True):
    """Who moved what from which state to which, and when."""

    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=30, index=True)
    entity_id: int = Field(index=True)
    from_state: str | None = Field(default=None, max_length=20)
    to_state: str = Field(max_length=20)
    user_id: int | None = Field(default=None, foreign_key="user.id")  # None: the system
    note: str = Field(default="", max_length=500)
    at: datetime = Field(default_factory=utcnow)
