"""The accounts revision (0004_accounts) builds what the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

from makernet import schema
from makernet.db import Database
from tests.support.services import postgres_database

MINE = {"loginattempt", "user"}


def differences(database: Database) -> list:
    """What Alembic would still change in the accounts tables to match the models."""
    with database.engine.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata)
    return [d for d in found if _table_of(d) in MINE]


def _table_of(diff: object) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:  # ("add_column", schema, table, column) or ("add_table", Table) ...
        name = getattr(part, "name", part) if not isinstance(part, str) else part
        if isinstance(name, str) and name in MINE:
            return name
        table = getattr(part, "table", None)
        if table is not None:
            return table.name
    return None


def _accounts_branch_is_up_to_date(database: Database) -> bool:
    """The accounts branch reached its newest revision, 0009_session_epoch, or a revision built on it."""
    return bool({"0009_session_epoch", "0013_metrics"} & set(schema.current_revision(database).split(",")))


def test_the_accounts_revision_matches_the_models_on_sqlite(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    schema.upgrade(database)
    assert _accounts_branch_is_up_to_date(database)
    assert differences(database) == []
    database.dispose()


@pytest.mark.postgres
def test_the_accounts_revision_matches_the_models_on_postgresql() -> None:
    with postgres_database() as url:
        database = Database(url)
        schema.upgrade(database)
        assert _accounts_branch_is_up_to_date(database)
        assert differences(database) == []
        database.dispose()
