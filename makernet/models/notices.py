"""What people are told: one notification per event and recipient, shown in the app and, when wanted, mailed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from makernet.models.base import utcnow


class Notification(SQLModel, table=True):
    """One thing one user is told, in their language when it was written; its e-mail's state beside it.

    `event_key` names the event it tells ("work_proposed:12"): with the user, it is unique, so an event told
    twice (a task run twice) writes one notification and sends one e-mail.
    """

    __table_args__ = (UniqueConstraint("user_id", "event_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=40)
    event_key: str = Field(max_length=120, index=True)   # who was told an event already: read at every telling
    subject: str = Field(max_length=300)
    body: str = Field(max_length=4000)
    link: str = Field(default="", max_length=300)   # the page to act on, from the site's root ("/work-orders/12")
    created_at: datetime = Field(default_factory=utcnow, index=True)
    read_at: datetime | None = None
    # the e-mail: "none" (not wanted), "pending", "sending", "sent", "outbox" (no SMTP server: kept for an
    # admin to read), "failed" (given up; `mail_error` says why)
    mail_status: str = Field(default="none", max_length=10, index=True)
    mail_attempts: int = 0
    mail_tried_at: datetime | None = None   # the last claim: a try that never settled is found from it
    mail_error: str = Field(default="", max_length=500)
    mailed_at: datetime | None = None


class NoticePreference(SQLModel, table=True):
    """How one user wants one kind of notice: "now" (in the app and by e-mail at once), "digest" (in the app at once,
    by e-mail in the day's digest), "app" (in the app only) or "never". No row: the role's default."""

    user_id: int = Field(foreign_key="user.id", primary_key=True)
    kind: str = Field(max_length=40, primary_key=True)
    how: str = Field(max_length=10)


class Webhook(SQLModel, table=True):
    """Where an organisation wants its notices posted as signed JSON (its chat tool, its own system)."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    url: str = Field(max_length=500)
    secret: str = Field(max_length=300)     # the signing secret, sealed; shown once, when the webhook is made
    active: bool = True
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow)


class WebhookDelivery(SQLModel, table=True):
    """One event posted to one webhook: the body as signed and sent at every try, and how it went.

    Unique by webhook and event key, so an event told twice posts once."""

    __table_args__ = (UniqueConstraint("webhook_id", "event_key"),)

    id: int | None = Field(default=None, primary_key=True)
    webhook_id: int = Field(foreign_key="webhook.id", index=True)
    event_key: str = Field(max_length=120)
    kind: str = Field(max_length=40)
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=10, index=True)   # pending, sending, sent, failed
    attempts: int = 0
    tried_at: datetime | None = None
    last_error: str = Field(default="", max_length=500)
    response_status: int | None = None
    created_at: datetime = Field(default_factory=utcnow)
    delivered_at: datetime | None = None
