"""API of notifications (/api/v1): what the user was told, marking it read, how they want to be told; their
organisation's webhooks; the e-mails not sent (admins)."""
from __future__ import annotations

from typing import Annotated

from flask import Blueprint
from pydantic import Field

from makernet.api.endpoints import FLAGS, endpoint, query_flag
from makernet.api.openapi import QueryParameter
from makernet.api.schemas import PreferencesIn, WebhookIn
from makernet.services import mail, notices, webhooks
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx
from makernet.services.listing import Rows, Window, page_list
from makernet.services.mail import OutgoingMailView
from makernet.services.notices import NotificationView, Preferences
from makernet.services.shapes import TypedDict
from makernet.services.webhooks import NewWebhook, WebhookView

bp = Blueprint("notices_api", __name__, url_prefix="/api/v1")

UNREAD = QueryParameter("unread", "only the notifications not yet marked read",
                        {"type": "string", "enum": list(FLAGS), "default": "false"})


class Removed(TypedDict):
    """What was removed."""

    removed: Annotated[int, Field(description="the webhook's id", examples=[1])]


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


@endpoint(bp, "get", "/notification-preferences", "How this user is told each kind their role gets, and the hour of "
          "their daily digest")
def get_preferences(actor: Actor) -> Preferences:
    return notices.preferences_of(ctx(), actor)


@endpoint(bp, "put", "/notification-preferences", "Choose how to be told each kind (now, digest, app, never) and the "
          "digest's hour; kinds not named keep their way", body=PreferencesIn)
def put_preferences(actor: Actor, body: PreferencesIn) -> Preferences:
    return notices.set_preferences(ctx(), actor, dict(body.ways), body.digest_hour)


@endpoint(bp, "get", "/webhooks", "This user's organisation's webhooks, each with its latest posts", paged=True)
def list_webhooks(actor: Actor, window: Window) -> Rows[WebhookView]:
    return page_list(webhooks.webhooks_of(ctx(), actor), window)


@endpoint(bp, "post", "/webhooks", "Post this organisation's notices, signed, to an address; the signing secret is "
          "in this answer only", body=WebhookIn, success=201)
def add_webhook(actor: Actor, body: WebhookIn) -> NewWebhook:
    return webhooks.add_webhook(ctx(), actor, body.url)


@endpoint(bp, "delete", "/webhooks/{webhook_id}", "Stop posting to a webhook (its posts are kept)")
def remove_webhook(actor: Actor, webhook_id: int) -> Removed:
    webhooks.remove_webhook(ctx(), actor, webhook_id)
    return {"removed": webhook_id}
