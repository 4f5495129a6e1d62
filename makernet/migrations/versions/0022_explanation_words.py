"""the planner's explanation of a work order, and the reason the planner gives for it, as words (codes and values),
said in the reader's language; orders proposed before keep their French text

Revision ID: 0022_explanation_words
Revises: 0021_work_due_by
"""
import sqlalchemy as sa
from alembic import op

revision = "0022_explanation_words"
down_revision = "0021_work_due_by"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workorder", sa.Column("explanation_words", sa.JSON(), nullable=True))
    op.add_column("workorder", sa.Column("reason_words", sa.JSON(), nullable=True))


def downgrade() -> None:
    for column in ("reason_words", "explanation_words"):   # in place on SQLite too (3.35 and later)
        op.execute(f"ALTER TABLE workorder DROP COLUMN {column}")
