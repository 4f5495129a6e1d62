"""a bill of materials line can be added to good units only (a visor's sheet and elastic, fitted once its
frame came out of the printer good): a reject no longer uses it; every existing line is used by rejects, as before

Revision ID: 0023_bom_good_units_only
Revises: 0022_explanation_words
"""
import sqlalchemy as sa
from alembic import op

revision = "0023_bom_good_units_only"
down_revision = "0022_explanation_words"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("bomline", sa.Column("good_units_only", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.execute("ALTER TABLE bomline DROP COLUMN good_units_only")   # in place on SQLite too (3.35 and later)
