"""notices as each user wants them (at once, in a daily digest at their hour, in the app only, never), and
organisations' webhooks with each signed post; who was told an event, found by its key

Revision ID: 0016_notice_preferences
Revises: 0015_notifications
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0016_notice_preferences"
down_revision = "0015_notifications"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_notification_event_key"), "notification", ["event_key"])
    with op.batch_alter_table("notification") as batch:
        batch.add_column(sa.Column("mail_tried_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("digest_hour", sa.Integer(), nullable=False, server_default="7"))
    op.create_table(
        "noticepreference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("how", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("user_id", "kind"),
    )
    op.create_table(
        "webhook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("secret", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_webhook_organisation_id"), "webhook", ["organisation_id"])
    op.create_table(
        "webhookdelivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("tried_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("delivered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhook.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("webhook_id", "event_key"),
    )
    op.create_index(op.f("ix_webhookdelivery_webhook_id"), "webhookdelivery", ["webhook_id"])
    op.create_index(op.f("ix_webhookdelivery_status"), "webhookdelivery", ["status"])


def downgrade() -> None:
    op.drop_table("webhookdelivery")
    op.drop_table("webhook")
    op.drop_table("noticepreference")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("digest_hour")
    with op.batch_alter_table("notification") as batch:
        batch.drop_column("mail_tried_at")
    op.drop_index(op.f("ix_notification_event_key"), "notification")
