"""An e-mail as an administrator follows it."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from makernet.models import Notification
from makernet.services.notices.views import NotificationView, notification_view
from makernet.services.shapes import Stamp

MailStatus = Literal["none", "pending", "sending", "sent", "outbox", "failed", "digest", "digested"]


class OutgoingMailView(NotificationView):
    """An e-mail as an administrator follows it: to whom, and whether it left."""

    to: Annotated[str, Field(description="the recipient's address")]
    mail_status: Annotated[MailStatus, Field(description=(
        "pending (to send), sending, sent, outbox (no SMTP server set: kept here), failed (given up), digest (waits "
        "for the user's daily digest), digested (sent in a digest), none (not wanted by e-mail)"))]
    mail_attempts: Annotated[int, Field(description="how many times sending was tried")]
    mail_error: Annotated[str, Field(description="why the last try failed")]
    mailed_at: Annotated[Stamp | None, Field(description="when the SMTP server took it")]


def outgoing_view(n: Notification, to: str) -> OutgoingMailView:
    return notification_view(n) | {"to": to, "mail_status": n.mail_status, "mail_attempts": n.mail_attempts,  # type: ignore[return-value]
                                   "mail_error": n.mail_error,
                                   "mailed_at": n.mailed_at.isoformat() if n.mailed_at else None}
