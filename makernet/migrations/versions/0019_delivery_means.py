"""a place's delivery means: its volunteer runners, how many runs a day of how many hours, in what vehicle, how far
and how much they carry

Revision ID: 0019_delivery_means
Revises: 0014_printer_removal
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0019_delivery_means"
down_revision = "0014_printer_removal"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # in place on SQLite too: rebuilding the place table would trip the keys that point at it
    op.add_column("place", sa.Column("runners", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("place", sa.Column("runs_per_day", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("place", sa.Column("run_hours", sa.Float(), nullable=False, server_default="3.0"))
    op.add_column("place", sa.Column("vehicle", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False,
                                     server_default="bike"))
    op.add_column("place", sa.Column("delivery_radius_km", sa.Float(), nullable=True))
    op.add_column("place", sa.Column("run_load", sa.Integer(), nullable=True))


def downgrade() -> None:
    for column in ("run_load", "delivery_radius_km", "vehicle", "run_hours", "runs_per_day", "runners"):
        op.execute(f"ALTER TABLE place DROP COLUMN {column}")   # in place on SQLite too (3.35 and later)
