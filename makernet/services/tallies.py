"""Running totals kept beside the rows they sum (units made per place and day, stock per place and day): added
to in the transaction that writes each row, with one upsert, so reads sum a few thousand totals, not the history;
and rows replaced whole in one statement (what the territory publishes)."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel


def add_to(s: Session, table: type[SQLModel], keys: dict[str, Any], amounts: dict[str, int]) -> None:
    """Add `amounts` to the row of `table` at `keys`, creating it at those amounts: one statement, safe when two
    transactions add to the same row at once (the second waits for the first's row lock, then adds)."""
    _upsert(s, table, keys, amounts, lambda new: {name: getattr(table, name) + getattr(new, name) for name in amounts})


def put(s: Session, table: type[SQLModel], keys: dict[str, Any], values: dict[str, Any]) -> None:
    """Write the row of `table` at `keys` with `values`, whether or not it was there: one statement, safe when two
    transactions write it at once (the last one's values stay)."""
    _upsert(s, table, keys, values, lambda new: {name: getattr(new, name) for name in values})


def _upsert(s: Session, table: type[SQLModel], keys: dict[str, Any], values: dict[str, Any],
            changes: Any) -> None:
    insert = (postgresql.insert if s.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)
    statement = insert.values(**keys, **values)
    s.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changes(statement.excluded)))


def day_of(s: Session, column: Any) -> Any:
    """A timestamp column's day in UTC, as the database computes it (the days the running totals are kept in)."""
    return func.date(func.timezone("UTC", column)) if s.get_bind().dialect.name == "postgresql" else func.date(column)


def as_day(value: object) -> date:
    """A day the database answered: a date (PostgreSQL), or its ISO text (SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
