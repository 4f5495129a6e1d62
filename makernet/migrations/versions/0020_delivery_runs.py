"""delivery runs: each day's trips of a place's volunteer runners (proposed, under way, done, cancelled), their
stops in order, each the units of one request, and its delivery once the run left

Revision ID: 0020_delivery_runs
Revises: 0019_delivery_means
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0020_delivery_runs"
down_revision = "0019_delivery_means"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deliveryrun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("runner", sa.Integer(), nullable=False),
        sa.Column("leg", sa.Integer(), nullable=False),
        sa.Column("vehicle", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("km", sa.Float(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["place_id"], ["place.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_deliveryrun_place_id"), "deliveryrun", ["place_id"])
    op.create_index(op.f("ix_deliveryrun_day"), "deliveryrun", ["day"])
    op.create_table(
        "deliveryrunstop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("destination", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["deliveryrun.id"]),
        sa.ForeignKeyConstraint(["request_id"], ["request.id"]),
        sa.ForeignKeyConstraint(["delivery_id"], ["delivery.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_deliveryrunstop_run_id"), "deliveryrunstop", ["run_id"])
    op.create_index(op.f("ix_deliveryrunstop_request_id"), "deliveryrunstop", ["request_id"])
    op.create_index(op.f("ix_deliveryrunstop_delivery_id"), "deliveryrunstop", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("deliveryrunstop")
    op.drop_table("deliveryrun")
