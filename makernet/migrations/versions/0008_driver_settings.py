"""machines name a driver, a host address and the driver's settings (secret ones sealed)

The OctoPrint address moves to `host`, the sealed OctoPrint key into `driver_settings`
as {"api_key": <the sealed key>}: it is moved as it is stored, never unsealed.

Revision ID: 0008_driver_settings
Revises: 0007_onboarding
"""
import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008_driver_settings"
down_revision = "0007_onboarding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("machine") as batch:
        batch.add_column(sa.Column("host", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch.add_column(sa.Column("driver_settings", sa.JSON(), nullable=False, server_default="{}"))
    machine = sa.table("machine", sa.column("id", sa.Integer), sa.column("octoprint_url", sa.String),
                       sa.column("api_key", sa.String), sa.column("host", sa.String),
                       sa.column("driver_settings", sa.JSON))
    connection = op.get_bind()
    for row in connection.execute(sa.select(machine.c.id, machine.c.octoprint_url, machine.c.api_key)).all():
        settings = {"api_key": row.api_key} if row.api_key else {}
        connection.execute(machine.update().where(machine.c.id == row.id).values(
            host=row.octoprint_url, driver_settings=settings))
    with op.batch_alter_table("machine") as batch:
        batch.drop_column("octoprint_url")
        batch.drop_column("api_key")


def downgrade() -> None:
    with op.batch_alter_table("machine") as batch:
        batch.add_column(sa.Column("octoprint_url", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch.add_column(sa.Column("api_key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
    machine = sa.table("machine", sa.column("id", sa.Integer), sa.column("octoprint_url", sa.String),
                       sa.column("api_key", sa.String), sa.column("host", sa.String),
                       sa.column("driver_settings", sa.JSON))
    connection = op.get_bind()
    for row in connection.execute(sa.select(machine.c.id, machine.c.host, machine.c.driver_settings)).all():
        settings = row.driver_settings if isinstance(row.driver_settings, dict) else json.loads(row.driver_settings or "{}")
        connection.execute(machine.update().where(machine.c.id == row.id).values(
            octoprint_url=row.host, api_key=settings.get("api_key")))
    with op.batch_alter_table("machine") as batch:
        batch.drop_column("driver_settings")
        batch.drop_column("host")
