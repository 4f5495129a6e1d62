"""Shared column helpers for the tables."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, Column


def utcnow() -> datetime:
    """Current time, aware, in UTC (every stored time is UTC)."""
    return datetime.now(UTC)


def json_column() -> Column:
    """A JSON column (lists of codes, opening hours)."""
    return Column(JSON, nullable=False)
