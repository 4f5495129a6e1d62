"""counters for the admin's monitoring (/metrics): requests and tasks, summed over every process

Revision ID: 0013_metrics
Revises: 0009_session_epoch
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013_metrics"
down_revision = "0009_session_epoch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "metric_counter",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("labels", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name", "labels"),
    )


def downgrade() -> None:
    op.drop_table("metric_counter")
