"""The database engine and the unit of work services run their use cases in."""
from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager

from sqlalchemy import ColumnElement, Integer, any_, bindparam, event, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine


class Transaction:
    """A session plus the work to do once it has committed (enqueueing tasks)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._after_commit: list[Callable[[], None]] = []

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` only if and once the transaction commits."""
        self._after_commit.append(action)


class Database:
    """One engine per application; each use case opens its own transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _make_engine(url)
        self._before_dispose: list[Callable[[], None]] = []

    def before_dispose(self, action: Callable[[], None]) -> None:
        """Run `action` when the database is closed (what a process still holds for it is written first)."""
        self._before_dispose.append(action)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Commit on success, roll back on any error, then run after-commit actions."""
        with Session(self.engine, expire_on_commit=False) as session:
            tx = Transaction(session)
            try:
                yield tx
                session.commit()
            except BaseException:
                session.rollback()
                raise
        for action in tx._after_commit:
            action()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries only."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def dispose(self) -> None:
        """Write what is still held for the database, then close every pooled connection."""
        for action in self._before_dispose:
            action()
        self.engine.dispose()


def among(s: Session, column: ColumnElement, ids: Collection[int]) -> ColumnElement[bool]:
    """`column IN ids` as one bound parameter, whatever the number of ids (an IN list of one parameter per id
    stops at the driver's limit of 65,535): an array on PostgreSQL, a JSON array read by json_each on SQLite."""
    values = sorted({int(i) for i in ids})
    if s.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(Integer)))
    each = func.json_each(bindparam(None, json.dumps(values))).table_valued("value")
    return column.in_(select(each.c.value))


def _make_engine(url: str) -> Engine:
    """An engine tuned for the backend: SQLite shared between threads, or PostgreSQL."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    for scheme in ("postgresql://", "postgres://"):  # postgres:// is what many hosts hand out
        if url.startswith(scheme):
            url = "postgresql+psycopg://" + url[len(scheme):]
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API objects
    """WAL lets the web threads read while the worker writes; foreign keys are off by default."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
