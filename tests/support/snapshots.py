"""Row counts of every table, to show that a refused call wrote nothing."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select
from sqlmodel import SQLModel


def row_counts(app: Flask) -> dict[str, int]:
    """How many rows each data table holds."""
    with app.extensions["makernet"].db.reading() as s:
        return {name: s.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in SQLModel.metadata.tables.items() if name not in OPERATIONS}


# written by the installation's own processes at any moment (request and task counts, heartbeats): no data
OPERATIONS = ("metric_counter", "heartbeat")


# written by signing in or asking for a token, whatever the test then does: every attempt is kept
BOOKKEEPING = ("apitoken", "loginattempt")


def data_counts(app: Flask) -> dict[str, int]:
    """Rows per table, the bookkeeping aside: what a refused change must leave as it was."""
    return {name: n for name, n in row_counts(app).items() if name not in BOOKKEEPING}


def statuses(app: Flask, table: str) -> list[tuple]:
    """(id, status) of every row of a table with a status, to show nothing moved."""
    with app.extensions["makernet"].db.reading() as s:
        t = SQLModel.metadata.tables[table]
        return [tuple(row) for row in s.execute(select(t.c.id, t.c.status).order_by(t.c.id)).all()]
