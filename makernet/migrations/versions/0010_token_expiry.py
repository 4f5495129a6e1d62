"""API tokens may carry an expiry: past it, the token is refused as an unknown one would be

Tokens made before stay without one (their owners chose no lifetime then); new ones get one.

Revision ID: 0010_token_expiry
Revises: 0009_session_epoch
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010_token_expiry"
down_revision = "0009_session_epoch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("apitoken") as batch:
        batch.add_column(sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("apitoken") as batch:
        batch.drop_column("expires_at")
