"""planning: what a planner run held for later (work planned at a place, proposed when it is about to start)

Revision ID: 0006_planning_more
Revises: 0002_planning
"""
from alembic import op
import sqlalchemy as sa

revision = "0006_planning_more"
down_revision = "0002_planning"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("planrun") as batch:
        batch.add_column(sa.Column("held", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("held_units", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("planrun") as batch:
        batch.drop_column("held_units")
        batch.drop_column("held")
