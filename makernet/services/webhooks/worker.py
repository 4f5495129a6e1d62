"""Webhooks, as workers post them: each event an organisation's users are told, as JSON to the organisation's
webhooks, signed with the webhook's secret (HMAC-SHA256 over the timestamp and the body), tried again with backoff
while the receiver is down, never posted twice (claimed before posting, unique per webhook and event)."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from datetime import datetime

import httpx
from sqlalchemy import update
from sqlmodel import Session, select

from makernet.domain.telling import STALE, lost_since
from makernet.models import Webhook, WebhookDelivery
from makernet.models.base import utcnow
from makernet.services.context import Context
from makernet.services.secrets import reveal

def posts(s: Session, key: str, kind: str, about: str, words: Callable[[], tuple[str, str]], link: str,
          organisation_ids: set[int]) -> list[WebhookDelivery]:
    """The webhook posts of one message (to add to the session that writes it): one per active webhook of the
    recipients' organisations not posted this event yet. `words` gives its subject and text, asked only when
    there is a post to write (most organisations have no webhook)."""
    hooks = s.exec(select(Webhook).where(Webhook.organisation_id.in_(organisation_ids), Webhook.active)  # type: ignore[attr-defined]
                   .order_by(Webhook.id)).all() if organisation_ids else []
    if not hooks:
        return []
    done = set(s.exec(select(WebhookDelivery.webhook_id).where(
        WebhookDelivery.event_key == key, WebhookDelivery.webhook_id.in_([h.id for h in hooks]))).all())  # type: ignore[attr-defined]
    if len(done) == len(hooks):
        return []
    subject, text = words()
    body = json.dumps({"event": key, "kind": kind, "about": about, "subject": subject, "text": text, "link": link,
                       "occurred_at": utcnow().isoformat()}, ensure_ascii=False)
    return [WebhookDelivery(webhook_id=hook.id, event_key=key, kind=kind, body=body)
            for hook in hooks if hook.id not in done]


def signature(secret: str, timestamp: str, body: str) -> str:
    """What a receiver checks: HMAC-SHA256 of "timestamp.body" under the webhook's secret, in hexadecimal."""
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()


def post_webhook(ctx: Context, delivery_id: int, timeout: float = 10) -> str:
    """Post one event to one webhook, signed; its status afterwards ("pending" again: to try later).

    Claimed first like an e-mail (pending -> sending), so a task run twice posts once. A 2xx answer is taken; a
    4xx other than 408 and 429 will not change by trying again (failed at once); anything else is tried again
    with the e-mails' backoff, as many times as the installation says."""
    with ctx.db.transaction() as tx:
        s = tx.session
        claimed = s.exec(update(WebhookDelivery).where(  # type: ignore[call-overload]
            WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending").values(
            status="sending", attempts=WebhookDelivery.attempts + 1, tried_at=utcnow()))
        row = s.exec(select(WebhookDelivery, Webhook).join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
                     .where(WebhookDelivery.id == delivery_id)).first()
        if row is None or not claimed.rowcount:
            return row[0].status if row else "none"
        post, hook = row
        body, attempts, url, kind, stored_secret = post.body, post.attempts, hook.url, post.kind, hook.secret
    if not hook.active:
        return _settle_post(ctx, delivery_id, attempts, None, "webhook removed", permanent=True)
    secret = reveal(ctx, stored_secret) or ""
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "MakerNet webhooks",
               "X-MakerNet-Event": kind, "X-MakerNet-Delivery": str(delivery_id), "X-MakerNet-Timestamp": stamp,
               "X-MakerNet-Signature": signature(secret, stamp, body)}
    try:
        answer = httpx.post(url, content=body.encode(), headers=headers, timeout=timeout, follow_redirects=False)
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:   # down, refused, or a name that cannot be
        return _settle_post(ctx, delivery_id, attempts, None, f"{type(error).__name__}: {error}"[:500])
    if 200 <= answer.status_code < 300:
        return _settle_post(ctx, delivery_id, attempts, answer.status_code, "")
    return _settle_post(ctx, delivery_id, attempts, answer.status_code, f"HTTP {answer.status_code}",
                        permanent=400 <= answer.status_code < 500 and answer.status_code not in (408, 429))


def _settle_post(ctx: Context, delivery_id: int, attempts: int, code: int | None, error: str,
                 permanent: bool = False) -> str:
    status = "sent" if not error else "failed" if permanent or attempts >= ctx.settings.most_tries else "pending"
    with ctx.db.transaction() as tx:
        post = tx.session.get(WebhookDelivery, delivery_id)
        post.status, post.last_error, post.response_status = status, error, code
        if status == "sent":
            post.delivered_at = utcnow()
    return status


def sweep(ctx: Context, now: datetime | None = None) -> list[int]:
    """Post again the webhook posts whose task was lost, as the e-mails' sweep does (a receiver reads a post sent
    again by its X-MakerNet-Delivery id); the ids."""
    now = now or utcnow()
    with ctx.db.transaction() as tx:
        rows = tx.session.exec(select(WebhookDelivery).where(
            WebhookDelivery.status.in_(("pending", "sending")), WebhookDelivery.created_at < now - STALE)).all()  # type: ignore[attr-defined]
        lost = [p for p in rows if lost_since(p.status, p.attempts, p.tried_at or p.created_at, now,
                                              ctx.settings.retry_after_seconds)]
        for post in lost:
            post.status = "pending"
            tx.after_commit(lambda i=post.id: ctx.tasks.enqueue("post_webhook", i))
        return [p.id for p in lost]  # type: ignore[misc]
