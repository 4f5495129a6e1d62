"""Making and removing an organisation's webhooks (its members, or an admin for any)."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlalchemy import func
from sqlmodel import select

from makernet.errors import InvalidInput, NotFound
from makernet.models import Organisation, Webhook
from makernet.services.access import Actor
from makernet.services.context import Context
from makernet.services.fields import text_field
from makernet.services.secrets import seal
from makernet.services.webhooks.queries import own_organisation
from makernet.services.webhooks.views import NewWebhook

MOST_PER_ORGANISATION = 10


def add_webhook(ctx: Context, actor: Actor, url: str, organisation_id: int | None = None) -> NewWebhook:
    """Post the organisation's notices to `url` (http or https), signed with a fresh secret shown once."""
    organisation_id = own_organisation(actor, organisation_id)
    url = _checked_url(text_field(url, "url", 500))
    secret = secrets.token_urlsafe(32)
    with ctx.db.transaction() as tx:
        s = tx.session
        if s.get(Organisation, organisation_id) is None:
            raise NotFound("webhooks.organisation_not_found", id=organisation_id)
        if s.exec(select(func.count()).select_from(Webhook).where(
                Webhook.organisation_id == organisation_id, Webhook.active)).one() >= MOST_PER_ORGANISATION:
            raise InvalidInput("webhooks.too_many", field="url", most=MOST_PER_ORGANISATION)
        hook = Webhook(organisation_id=organisation_id, url=url, secret=seal(ctx, secret), created_by=actor.user_id)
        s.add(hook)
        s.flush()
        return {"id": hook.id, "url": url, "secret": secret}  # type: ignore[typeddict-item]


def remove_webhook(ctx: Context, actor: Actor, webhook_id: int) -> None:
    """Stop posting to a webhook (its posts stay, for the record; those still waiting are not sent)."""
    with ctx.db.transaction() as tx:
        hook = tx.session.get(Webhook, webhook_id)
        if hook is None or (actor.role != "admin" and hook.organisation_id != actor.organisation_id):
            raise NotFound("webhooks.not_found", id=webhook_id)
        hook.active = False


def _checked_url(url: str) -> str:
    """An http or https address with a host and no credentials in it, or refused."""
    try:
        parts = urlsplit(url)
        parts.port   # noqa: B018 - a port that is no number, or out of range, is refused here
    except ValueError:   # "http://[::1", "http://host:port"
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.username \
            or parts.password or any(c.isspace() for c in url):
        raise InvalidInput("webhooks.url_invalid", field="url")
    return url
