"""units count as shipped on the day their delivery leaves the place (picked up by its carrier, handed over or
collected there), no longer the day it is prepared: the per-day totals' shipped units are counted again from the
deliveries, those still on the place's shelf not at all

Revision ID: 0024_shipped_when_left
Revises: 0017_running_totals, 0003_stock
"""
from alembic import op

revision = "0024_shipped_when_left"
down_revision = ("0017_running_totals", "0003_stock")   # the totals, the pick-up time
branch_labels = None
depends_on = None

_COUNT = """INSERT INTO demandday (day, item_id, departement, asked, shipped, received)
    SELECT {day}, requestline.item_id, organisation.departement, 0, SUM(deliveryline.quantity), 0
    FROM deliveryline JOIN delivery ON delivery.id = deliveryline.delivery_id
                      JOIN requestline ON requestline.id = deliveryline.request_line_id
                      JOIN request ON request.id = delivery.request_id
                      JOIN organisation ON organisation.id = request.organisation_id
    WHERE delivery.status != 'refused' AND {left} IS NOT NULL
    GROUP BY 1, 2, 3
    ON CONFLICT (day, item_id, departement) DO UPDATE SET shipped = demandday.shipped + excluded.shipped"""


def _count_shipped(left: str) -> None:
    day = "date(timezone('UTC', {}))" if op.get_bind().dialect.name == "postgresql" else "date({})"
    op.execute("UPDATE demandday SET shipped = 0")
    op.execute(_COUNT.format(day=day.format(left), left=left))


def upgrade() -> None:
    _count_shipped("COALESCE(delivery.picked_up_at, delivery.delivered_at, delivery.received_at)")


def downgrade() -> None:
    _count_shipped("delivery.created_at")
