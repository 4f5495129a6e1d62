"""Row counts of every table, to show that a refused call wrote nothing."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlmodel import SQLModel


def row_counts(app: Flask) -> dict[str, int]:
    """How many rows each table holds."""
    with app.extensions["makernet"].db.reading() as s:
        return {name: s.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in SQLModel.metadata.tables.items()}


def statuses(app: Flask, table: str) -> list[tuple]:
    """(id, status) of every row of a table with a status, to show nothing moved."""
    with app.extensions["makernet"].db.reading() as s:
        t = SQLModel.metadata.tables[table]
        return [tuple(row) for row in s.execute(select(t.c.id, t.c.status).order_by(t.c.id)).all()]
