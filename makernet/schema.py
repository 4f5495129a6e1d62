"""Schema upgrades through Alembic, from the first revision."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from makernet.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection: object, secret: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["secret"] = secret   # for the revisions that seal printer keys (0011)
    return config


def upgrade(db: Database, revision: str = "heads", secret: str | None = None) -> None:
    """Bring the database to `revision` (the newest of every branch by default).

    `secret` is the installation's secret, as the app reads it: a revision that seals printer keys stored
    in clear needs it, and stops with a clear message when it meets one without it.
    """
    with db.engine.begin() as connection:
        command.upgrade(_config(connection, secret), revision)


def downgrade(db: Database, revision: str) -> None:
    """Take the database back to `revision` (developers, and the tests of each migration)."""
    with db.engine.begin() as connection:
        command.downgrade(_config(connection), revision)


def make_revision(db: Database, message: str) -> None:
    """Write a new revision from the difference between the models and the database (developers)."""
    with db.engine.begin() as connection:
        command.revision(_config(connection), message=message, autogenerate=True)


def head_revision() -> str:
    """The newest revision(s) this code knows, as `makernet db upgrade` prints them."""
    from alembic.script import ScriptDirectory
    return ",".join(sorted(ScriptDirectory.from_config(_config(None)).get_heads()))


def current_revision(db: Database) -> str | None:
    """The revision(s) the database is at, or None when it was never migrated."""
    from alembic.runtime.migration import MigrationContext
    with db.engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or None
