"""printer onboarding: where a machine's application key request stands

Revision ID: 0007_onboarding
Revises: 0005_fleet
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = "0007_onboarding"
down_revision = "0005_fleet"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("machine") as batch:
        batch.add_column(sa.Column("key_status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False,
                                   server_default="stored"))


def downgrade() -> None:
    with op.batch_alter_table("machine") as batch:
        batch.drop_column("key_status")
