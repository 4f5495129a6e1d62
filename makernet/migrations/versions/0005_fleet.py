"""printer fleet: places running their own worker, and what happens to plates of an offline printer

Revision ID: 0005_fleet
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0005_fleet"
down_revision = "0001"
branch_labels = ("fleet",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("place") as batch:
        batch.add_column(sa.Column("site_worker", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("offline_policy", sqlmodel.sql.sqltypes.AutoString(length=10),
                                   nullable=False, server_default="hold"))


def downgrade() -> None:
    with op.batch_alter_table("place") as batch:
        batch.drop_column("offline_policy")
        batch.drop_column("site_worker")
