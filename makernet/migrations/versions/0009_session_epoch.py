"""users' session epoch: signing out ends every session signed before, for real

Revision ID: 0009_session_epoch
Revises: 0004_accounts
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_session_epoch"
down_revision = "0004_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.drop_column("session_epoch")
