"""a requester confirming a delivery counts the units that came damaged or did not come, line by line: they are kept
on the delivery line (its quantity is then what was received in good condition) and made again by the place

Revision ID: 0025_units_missing_at_receipt
Revises: 0024_shipped_when_left
"""
import sqlalchemy as sa
from alembic import op

revision = "0025_units_missing_at_receipt"
down_revision = "0024_shipped_when_left"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveryline", sa.Column("units_missing", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.execute("ALTER TABLE deliveryline DROP COLUMN units_missing")   # in place on SQLite too (3.35 and later)
