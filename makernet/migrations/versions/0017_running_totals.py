"""running totals for reads at a region's scale: units made per place, item and day, and the stock ledger per
place, material and day, filled from the history already there; what the territory publishes (figures per
commune, open data files); whether an organisation's requests show commune by commune in the open data

Revision ID: 0017_running_totals
Revises: 0016_notice_preferences
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017_running_totals"
down_revision = "0016_notice_preferences"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outputday",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("units_made", sa.Integer(), nullable=False),
        sa.Column("units_rejected", sa.Integer(), nullable=False),
        sa.Column("jobs", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["place_id"], ["place.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.PrimaryKeyConstraint("day", "place_id", "item_id"),
    )
    op.create_index(op.f("ix_outputday_place_id"), "outputday", ["place_id"])
    op.create_table(
        "stockday",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("net", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["place_id"], ["place.id"]),
        sa.ForeignKeyConstraint(["material_id"], ["material.id"]),
        sa.PrimaryKeyConstraint("day", "place_id", "material_id"),
    )
    op.create_index(op.f("ix_stockday_place_id"), "stockday", ["place_id"])
    # what the delivery and request lists, the late page and the exports filter and sort on
    op.create_index("ix_request_created_at", "request", ["created_at"])
    op.create_index("ix_request_needed_by", "request", ["needed_by"])
    op.create_index("ix_job_finished_at", "job", ["finished_at"])
    op.create_table(
        "publication",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.add_column("organisation", sa.Column("open_data", sa.Boolean(), nullable=False, server_default=sa.true()))
    day = "date(timezone('UTC', {}))" if op.get_bind().dialect.name == "postgresql" else "date({})"
    op.execute(f"""INSERT INTO outputday (day, place_id, item_id, units_made, units_rejected, jobs)
        SELECT {day.format('job.finished_at')}, workorder.place_id, requestline.item_id, SUM(job.units_made),
               SUM(job.units_rejected), COUNT(*)
        FROM job JOIN workorder ON workorder.id = job.work_order_id
                 JOIN requestline ON requestline.id = workorder.request_line_id
        WHERE job.status = 'done' AND job.finished_at IS NOT NULL
        GROUP BY 1, 2, 3""")
    op.execute(f"""INSERT INTO stockday (day, place_id, material_id, net, used)
        SELECT {day.format('created_at')}, place_id, material_id, SUM(quantity),
               SUM(CASE WHEN kind IN ('consumption', 'scrap') THEN -quantity ELSE 0 END)
        FROM stockentry GROUP BY 1, 2, 3""")


def downgrade() -> None:
    # in place on SQLite too (3.35 and later): rebuilding the table would trip the keys that point at it
    op.execute("ALTER TABLE organisation DROP COLUMN open_data")
    op.drop_table("publication")
    op.drop_index("ix_job_finished_at", table_name="job")
    op.drop_index("ix_request_needed_by", table_name="request")
    op.drop_index("ix_request_created_at", table_name="request")
    op.drop_index(op.f("ix_stockday_place_id"), table_name="stockday")
    op.drop_table("stockday")
    op.drop_index(op.f("ix_outputday_place_id"), table_name="outputday")
    op.drop_table("outputday")
