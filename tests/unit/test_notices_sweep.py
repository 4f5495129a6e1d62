"""Nothing lost: an e-mail or a webhook post whose task the broker lost, or whose worker stopped mid-send, is posted
again once overdue — and only then, and never one already sent."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from makernet.models import Notification, WebhookDelivery
from makernet.models.base import utcnow
from makernet.services import mail, webhooks
from tests.support.api import COORDINATOR, OPERATOR
from tests.support.notices import run_tell_tasks
from tests.unit.test_notices import proposed_to_the_lab, received


def test_an_e_mail_whose_task_was_lost_or_whose_send_stalled_is_posted_again_once_overdue(app, api) -> None:  # noqa: ANN001
    proposed_to_the_lab(api, 20)
    run_tell_tasks(app)
    ctx = app.extensions["makernet"]
    ctx.tasks.take("send_mail")          # the broker lost them
    [told] = [n for n in received(app, OPERATOR) if n.kind == "work_proposed"]
    with app.app_context():
        assert told.id not in mail.sweep(ctx, now=utcnow() + timedelta(minutes=5))
        assert told.id in mail.sweep(ctx, now=utcnow() + timedelta(minutes=11))
        assert (told.id,) in ctx.tasks.take("send_mail")
        with ctx.db.transaction() as tx:   # a worker claimed it, then stopped before settling
            row = tx.session.get(Notification, told.id)
            row.mail_status, row.mail_attempts, row.mail_tried_at = "sending", 1, utcnow()
        assert told.id not in mail.sweep(ctx, now=utcnow() + timedelta(minutes=5))
        assert told.id in mail.sweep(ctx, now=utcnow() + timedelta(minutes=11))
        with ctx.db.reading() as s:
            assert s.get(Notification, told.id).mail_status == "pending"
        assert mail.send_mail(ctx, told.id) == "outbox"     # the embedded default keeps it
        assert told.id not in mail.sweep(ctx, now=utcnow() + timedelta(days=2))   # done: never again


def test_a_pending_retry_is_left_to_its_backoff_before_it_counts_as_lost(app, api) -> None:  # noqa: ANN001
    proposed_to_the_lab(api, 20)
    run_tell_tasks(app)
    ctx = app.extensions["makernet"]
    [told] = [n for n in received(app, OPERATOR) if n.kind == "work_proposed"]
    with ctx.db.transaction() as tx:   # tried 7 times: its next try is an hour later
        row = tx.session.get(Notification, told.id)
        row.mail_attempts, row.mail_tried_at = 7, utcnow()
    with app.app_context():
        assert told.id not in mail.sweep(ctx, now=utcnow() + timedelta(minutes=65))
        assert told.id in mail.sweep(ctx, now=utcnow() + timedelta(minutes=71))


def test_a_webhook_post_whose_task_was_lost_is_posted_again(app, api) -> None:  # noqa: ANN001
    api.ok("post", "/webhooks", COORDINATOR, json={"url": "https://chat.example.org/hooks/coordination"})
    proposed_to_the_lab(api, 20)
    run_tell_tasks(app)
    ctx = app.extensions["makernet"]
    posted = [args for args in ctx.tasks.take("post_webhook")]
    assert posted                         # the request posted and the decision told to the coordination
    with app.app_context():
        again = webhooks.sweep(ctx, now=utcnow() + timedelta(minutes=11))
    assert sorted((i,) for i in again) == sorted(posted)
    with ctx.db.reading() as s:
        assert {p.status for p in s.exec(select(WebhookDelivery)).all()} == {"pending"}
