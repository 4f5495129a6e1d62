"""heartbeats: beat and the push listener leave a sign of life that /health reads

Revision ID: 0012_heartbeats
Revises: 0009_session_epoch
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012_heartbeats"
down_revision = "0009_session_epoch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "heartbeat",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), primary_key=True),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("host", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("heartbeat")
