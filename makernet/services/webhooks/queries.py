"""An organisation's webhooks, each with its latest posts."""
from __future__ import annotations

from sqlmodel import col, select

from makernet.errors import NotFound
from makernet.models import Organisation, Webhook, WebhookDelivery
from makernet.services.access import Actor
from makernet.services.context import Context
from makernet.services.webhooks.views import WebhookView, post_view, webhook_view

LATEST = 20   # posts shown per webhook


def webhooks_of(ctx: Context, actor: Actor, organisation_id: int | None = None) -> list[WebhookView]:
    """The webhooks of one's own organisation (an admin: of any), each with its latest posts."""
    organisation_id = own_organisation(actor, organisation_id)
    with ctx.db.reading() as s:
        if s.get(Organisation, organisation_id) is None:
            raise NotFound("webhooks.organisation_not_found", id=organisation_id)
        hooks = s.exec(select(Webhook).where(Webhook.organisation_id == organisation_id)
                       .order_by(col(Webhook.id))).all()
        return [webhook_view(hook, list(s.exec(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
                                                .order_by(col(WebhookDelivery.id).desc()).limit(LATEST)).all()))
                for hook in hooks]


def own_organisation(actor: Actor, organisation_id: int | None) -> int:
    """The organisation whose webhooks an actor handles: their own; an admin may name another."""
    if organisation_id is None or organisation_id == actor.organisation_id:
        return actor.organisation_id
    if actor.role != "admin":
        raise NotFound("webhooks.organisation_not_found", id=organisation_id)
    return organisation_id


def failed_posts(ctx: Context, actor: Actor, most: int = 50) -> list[dict]:
    """The latest posts given up, every organisation's, for an administrator: where, what, why."""
    actor.require("admin")
    with ctx.db.reading() as s:
        rows = s.exec(select(WebhookDelivery, Webhook.url, Organisation.name)
                      .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
                      .join(Organisation, Organisation.id == Webhook.organisation_id)
                      .where(WebhookDelivery.status == "failed")
                      .order_by(col(WebhookDelivery.id).desc()).limit(most)).all()
        return [post_view(post) | {"url": url, "organisation": name} for post, url, name in rows]
