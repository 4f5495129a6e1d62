"""the last day a work order's units can be ready and still be carried to the requester on time: places make their
work by it (the orders already there get their needed-by date less the day of collection)

Revision ID: 0021_work_due_by
Revises: 0018_plan_runs_as_tasks
"""
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0021_work_due_by"
down_revision = "0018_plan_runs_as_tasks"
branch_labels = None
depends_on = None

WORK = sa.table("workorder", sa.column("request_line_id"), sa.column("due_by", sa.Date()))
LINE = sa.table("requestline", sa.column("id"), sa.column("request_id"))
REQUEST = sa.table("request", sa.column("id"), sa.column("needed_by", sa.Date()))


def upgrade() -> None:
    op.add_column("workorder", sa.Column("due_by", sa.Date(), nullable=True))
    connection = op.get_bind()
    for needed_by in connection.execute(sa.select(REQUEST.c.needed_by).distinct()).scalars().all():
        if needed_by is None:
            continue
        lines = sa.select(LINE.c.id).where(LINE.c.request_id.in_(
            sa.select(REQUEST.c.id).where(REQUEST.c.needed_by == needed_by)))
        connection.execute(sa.update(WORK).where(WORK.c.request_line_id.in_(lines))
                           .values(due_by=needed_by - timedelta(days=1)))


def downgrade() -> None:
    op.execute("ALTER TABLE workorder DROP COLUMN due_by")   # in place on SQLite too (3.35 and later)
