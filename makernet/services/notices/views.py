"""A notification as plain data."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from makernet.models import Notification
from makernet.services.shapes import Id, Stamp, TypedDict

Kind = Literal["request_submitted", "request_approved", "request_rejected", "work_proposed", "work_refused",
               "printer_down", "delivery_shipped", "place_stopped", "place_resumed", "work_reminder"]
MailStatus = Literal["none", "pending", "sending", "sent", "outbox", "failed"]


class NotificationView(TypedDict):
    """Something the user was told: what happened, in their language, and the page to act on."""

    id: Annotated[Id, Field(description="the notification's id")]
    kind: Annotated[Kind, Field(description="what happened")]
    subject: Annotated[str, Field(description="in a line", examples=["Votre demande n° 12 est validée"])]
    body: Annotated[str, Field(description="in a few sentences")]
    link: Annotated[str, Field(description="the page to act on, from the site's root", examples=["/requests/12"])]
    created_at: Annotated[Stamp, Field(description="when it was told")]
    read_at: Annotated[Stamp | None, Field(description="when the user marked it read; null while unread")]


class OutgoingMailView(NotificationView):
    """An e-mail as an administrator follows it: to whom, and whether it left."""

    to: Annotated[str, Field(description="the recipient's address")]
    mail_status: Annotated[MailStatus, Field(description=(
        "pending (to send), sending, sent, outbox (no SMTP server set: kept here), failed (given up)"))]
    mail_attempts: Annotated[int, Field(description="how many times sending was tried")]
    mail_error: Annotated[str, Field(description="why the last try failed")]
    mailed_at: Annotated[Stamp | None, Field(description="when the SMTP server took it")]


def notification_view(n: Notification) -> NotificationView:
    return {"id": n.id, "kind": n.kind, "subject": n.subject, "body": n.body, "link": n.link,  # type: ignore[typeddict-item]
            "created_at": n.created_at.isoformat(), "read_at": n.read_at.isoformat() if n.read_at else None}


def outgoing_view(n: Notification, to: str) -> OutgoingMailView:
    return notification_view(n) | {"to": to, "mail_status": n.mail_status, "mail_attempts": n.mail_attempts,  # type: ignore[return-value]
                                   "mail_error": n.mail_error,
                                   "mailed_at": n.mailed_at.isoformat() if n.mailed_at else None}
