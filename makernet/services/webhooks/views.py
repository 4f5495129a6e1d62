"""A webhook and its posts as plain data."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from makernet.models import Webhook, WebhookDelivery
from makernet.services.shapes import Id, Stamp, TypedDict

PostStatus = Literal["pending", "sending", "sent", "failed"]


class PostView(TypedDict):
    """One event posted to a webhook, and how it went."""

    id: Annotated[Id, Field(description="the post's id (the X-MakerNet-Delivery header)")]
    kind: Annotated[str, Field(description="the kind of notice posted")]
    status: Annotated[PostStatus, Field(description="pending (to try), sending, sent, failed (given up)")]
    attempts: Annotated[int, Field(description="how many times it was tried")]
    response_status: Annotated[int | None, Field(description="the receiver's last HTTP status; null if it never answered")]
    last_error: Annotated[str, Field(description="why the last try failed")]
    created_at: Annotated[Stamp, Field(description="when the event was told")]


class WebhookView(TypedDict):
    """Where an organisation's notices are posted; its secret is never shown back."""

    id: Annotated[Id, Field(description="the webhook's id")]
    organisation_id: Annotated[Id, Field(description="whose notices it receives")]
    url: Annotated[str, Field(description="where they are posted")]
    active: Annotated[bool, Field(description="whether it receives them")]
    created_at: Annotated[Stamp, Field(description="when it was made")]
    posts: Annotated[list[PostView], Field(description="its latest posts, newest first")]


class NewWebhook(TypedDict):
    """A webhook just made, with its signing secret: shown this once."""

    id: Annotated[Id, Field(description="the webhook's id")]
    url: Annotated[str, Field(description="where notices are posted")]
    secret: Annotated[str, Field(description="the secret that signs each post; shown only now")]


def post_view(p: WebhookDelivery) -> PostView:
    return {"id": p.id, "kind": p.kind, "status": p.status, "attempts": p.attempts,  # type: ignore[typeddict-item]
            "response_status": p.response_status, "last_error": p.last_error, "created_at": p.created_at.isoformat()}


def webhook_view(w: Webhook, posts: list[WebhookDelivery]) -> WebhookView:
    return {"id": w.id, "organisation_id": w.organisation_id, "url": w.url, "active": w.active,  # type: ignore[typeddict-item]
            "created_at": w.created_at.isoformat(), "posts": [post_view(p) for p in posts]}
