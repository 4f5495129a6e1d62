"""the planner's explanation of a work order, the reason the planner gives for it and the reason of a run, as
words (codes and values), said in the reader's language; what was written before keeps its French text

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
    op.add_column("planrun", sa.Column("reason_words", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE planrun DROP COLUMN reason_words")   # in place on SQLite too (3.35 and later)
    for column in ("reason_words", "explanation_words"):
        op.execute(f"ALTER TABLE workorder DROP COLUMN {column}")
