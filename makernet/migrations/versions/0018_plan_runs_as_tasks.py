"""planner runs made by a worker: each run's status and step while it goes (waiting, queued, running, done,
failed), what it was asked to plan (its day, lines, release window), why it failed, its last news; at most one run
queued or running per territory, held by a partial unique index

Revision ID: 0018_plan_runs_as_tasks
Revises: 0006_planning_more
"""
import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0018_plan_runs_as_tasks"
down_revision = "0006_planning_more"
branch_labels = None
depends_on = None

ACTIVE_RUNS = sa.text("status IN ('queued', 'running')")
COLUMNS = ("status", "step", "territory_key", "plan_day", "line_ids", "release_days", "error", "error_params",
           "started_at", "finished_at", "updated_at")


def upgrade() -> None:
    # in place on SQLite too: rebuilding the table would trip the work orders' keys that point at it
    op.add_column("planrun", sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False,
                                       server_default="done"))
    op.add_column("planrun", sa.Column("step", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False,
                                       server_default=""))
    op.add_column("planrun", sa.Column("territory_key", sqlmodel.sql.sqltypes.AutoString(length=400),
                                       nullable=False, server_default="*"))
    op.add_column("planrun", sa.Column("plan_day", sa.Date(), nullable=True))
    op.add_column("planrun", sa.Column("line_ids", sa.JSON(), nullable=True))
    op.add_column("planrun", sa.Column("release_days", sa.Integer(), nullable=True))
    op.add_column("planrun", sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False,
                                       server_default=""))
    op.add_column("planrun", sa.Column("error_params", sa.JSON(), nullable=False, server_default="{}"))
    op.add_column("planrun", sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column("planrun", sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column("planrun", sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False,
                                       server_default="1970-01-01 00:00:00+00:00"))
    # the runs already made are done: each keeps its territory's key and the times it was made
    bind = op.get_bind()
    for run_id, territory in bind.execute(sa.text("SELECT id, territory FROM planrun")).all():
        codes = territory if isinstance(territory, list) else json.loads(territory or "[]")
        bind.execute(sa.text("UPDATE planrun SET territory_key = :key WHERE id = :id"),
                     {"key": ",".join(sorted(codes)) or "*", "id": run_id})
    op.execute("UPDATE planrun SET updated_at = created_at, started_at = created_at, finished_at = created_at")
    op.create_index(op.f("ix_planrun_status"), "planrun", ["status"])
    op.create_index("ix_planrun_active_territory", "planrun", ["territory_key"], unique=True,
                    postgresql_where=ACTIVE_RUNS, sqlite_where=ACTIVE_RUNS)


def downgrade() -> None:
    op.drop_index("ix_planrun_active_territory", table_name="planrun")
    op.drop_index(op.f("ix_planrun_status"), table_name="planrun")
    for column in reversed(COLUMNS):   # in place on SQLite too (3.35 and later), as they were added
        op.execute(f"ALTER TABLE planrun DROP COLUMN {column}")
