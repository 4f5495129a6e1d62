"""running totals for reads at a region's scale: units made per place, item and day, the stock ledger per
place, material and day, and units asked, shipped and received per day, item and département, filled from the
history already there; what the territory publishes (figures per
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
    open_requests = sa.text("status NOT IN ('closed', 'rejected', 'cancelled')")
    op.create_index("ix_request_open_needed_by", "request", ["needed_by"], postgresql_where=open_requests,
                    sqlite_where=open_requests)
    op.create_index("ix_job_finished_at", "job", ["finished_at"])
    op.create_table(
        "demandday",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("departement", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("asked", sa.Integer(), nullable=False),
        sa.Column("shipped", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.PrimaryKeyConstraint("day", "item_id", "departement"),
    )
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
    op.execute(f"""INSERT INTO demandday (day, item_id, departement, asked, shipped, received)
        SELECT day, item_id, departement, SUM(asked), SUM(shipped), SUM(received) FROM (
            SELECT {day.format('request.created_at')} AS day, requestline.item_id AS item_id,
                   organisation.departement AS departement, requestline.quantity AS asked, 0 AS shipped, 0 AS received
            FROM requestline JOIN request ON request.id = requestline.request_id
                             JOIN organisation ON organisation.id = request.organisation_id
            WHERE request.status NOT IN ('rejected', 'cancelled')
            UNION ALL
            SELECT {day.format('delivery.created_at')}, requestline.item_id, organisation.departement, 0,
                   deliveryline.quantity, 0
            FROM deliveryline JOIN delivery ON delivery.id = deliveryline.delivery_id
                              JOIN requestline ON requestline.id = deliveryline.request_line_id
                              JOIN request ON request.id = delivery.request_id
                              JOIN organisation ON organisation.id = request.organisation_id
            WHERE delivery.status != 'refused'
            UNION ALL
            SELECT {day.format('delivery.received_at')}, requestline.item_id, organisation.departement, 0, 0,
                   deliveryline.quantity
            FROM deliveryline JOIN delivery ON delivery.id = deliveryline.delivery_id
                              JOIN requestline ON requestline.id = deliveryline.request_line_id
                              JOIN request ON request.id = delivery.request_id
                              JOIN organisation ON organisation.id = request.organisation_id
            WHERE delivery.status = 'received' AND delivery.received_at IS NOT NULL) AS flows
        GROUP BY day, item_id, departement""")
    op.execute(f"""INSERT INTO stockday (day, place_id, material_id, net, used)
        SELECT {day.format('created_at')}, place_id, material_id, SUM(quantity),
               SUM(CASE WHEN kind IN ('consumption', 'scrap') THEN -quantity ELSE 0 END)
        FROM stockentry GROUP BY 1, 2, 3""")


def downgrade() -> None:
    # in place on SQLite too (3.35 and later): rebuilding the table would trip the keys that point at it
    op.execute("ALTER TABLE organisation DROP COLUMN open_data")
    op.drop_table("publication")
    op.drop_table("demandday")
    op.drop_index("ix_job_finished_at", table_name="job")
    op.drop_index("ix_request_open_needed_by", table_name="request")
    op.drop_index("ix_request_created_at", table_name="request")
    op.drop_index(op.f("ix_stockday_place_id"), table_name="stockday")
    op.drop_table("stockday")
    op.drop_index(op.f("ix_outputday_place_id"), table_name="outputday")
    op.drop_table("outputday")
