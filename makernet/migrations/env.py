"""Alembic environment: runs against the connection MakerNet hands it."""
from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import makernet.models  # noqa: F401  (registers every table)

target_metadata = SQLModel.metadata


def run_migrations() -> None:
    """Migrate on the connection given in the config's attributes."""
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
