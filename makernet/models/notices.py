"""What people are told: one notification per event and recipient, shown in the app and, when wanted, mailed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
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
    event_key: str = Field(max_length=120)
    subject: str = Field(max_length=300)
    body: str = Field(max_length=4000)
    link: str = Field(default="", max_length=300)   # the page to act on, from the site's root ("/work-orders/12")
    created_at: datetime = Field(default_factory=utcnow, index=True)
    read_at: datetime | None = None
    # the e-mail: "none" (not wanted), "pending", "sending", "sent", "outbox" (no SMTP server: kept for an
    # admin to read), "failed" (given up; `mail_error` says why)
    mail_status: str = Field(default="none", max_length=10, index=True)
    mail_attempts: int = 0
    mail_error: str = Field(default="", max_length=500)
    mailed_at: datetime | None = None
