"""a printer taken out of its place stays in the database, marked removed, so its plates' history still names it

Revision ID: 0014_printer_removal
Revises: 0011_seal_clear_keys
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014_printer_removal"
down_revision = "0011_seal_clear_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("machine") as batch:
        batch.add_column(sa.Column("removed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("machine") as batch:
        batch.drop_column("removed_at")
