"""API of notifications (/api/v1): what the user was told, marking it read; the e-mails not sent (admins)."""
from __future__ import annotations

from typing import Annotated

from flask import Blueprint
from pydantic import Field

from makernet.api.endpoints import FLAGS, endpoint, query_flag
from makernet.api.openapi import QueryParameter
from makernet.services import mail, notices
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx
from makernet.services.listing import Rows, Window
from makernet.services.mail import OutgoingMailView
from makernet.services.notices import NotificationView
from makernet.services.shapes import TypedDict

bp = Blueprint("notices_api", __name__, url_prefix="/api/v1")

UNREAD = QueryParameter("unread", "only the notifications not yet marked read",
                        {"type": "string", "enum": list(FLAGS), "default": "false"})


class Marked(TypedDict):
    """How many notifications were marked read."""

    marked: Annotated[int, Field(description="how many were unread", examples=[3])]


@endpoint(bp, "get", "/notifications", "What this user was told, newest first", paged=True, query=(UNREAD,))
def list_notifications(actor: Actor, window: Window) -> Rows[NotificationView]:
    return notices.notifications_of(ctx(), actor, window, unread=query_flag("unread", False))


@endpoint(bp, "post", "/notifications/{notification_id}/read", "Mark one notification read")
def read_notification(actor: Actor, notification_id: int) -> NotificationView:
    return notices.mark_read(ctx(), actor, notification_id)


@endpoint(bp, "post", "/notifications/read-all", "Mark every notification of this user read")
def read_all_notifications(actor: Actor) -> Marked:
    return {"marked": notices.mark_all_read(ctx(), actor)}


@endpoint(bp, "get", "/outbox", "E-mails not taken by an SMTP server: kept, waiting or failed (admins)", paged=True,
          roles=("admin",))
def list_outbox(actor: Actor, window: Window) -> Rows[OutgoingMailView]:
    return mail.outbox(ctx(), actor, window)
