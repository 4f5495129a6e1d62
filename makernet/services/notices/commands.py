"""Telling: the messages of an event written once per recipient, in their language; reading them."""
from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from makernet.errors import NotFound
from makernet.messages import render
from makernet.models import Notification, User
from makernet.models.base import utcnow
from makernet.services.access import Actor
from makernet.services.context import Context
from makernet.services.events import Event
from makernet.services.notices.operations import FINDERS, SENTENCES, Told, audiences
from makernet.services.notices.views import NotificationView, notification_view

EVENTS: dict[str, type[Event]] = {kind.__name__: kind for kind in FINDERS}


def tell(ctx: Context, event_name: str, values: dict, stamp: str) -> list[int]:
    """Write the notifications of one event occurrence and post their e-mails; the ids written.

    Told twice (the task delivered again), it writes nothing more: a recipient's message is unique by its event
    key, and the second writer's transaction, refused by that key, finds them all written.
    """
    kind = EVENTS.get(event_name)
    if kind is None:
        return []
    event = kind(**{name: tuple(value) if isinstance(value, list) else value for name, value in values.items()})
    try:
        with ctx.db.transaction() as tx:
            s = tx.session
            written = []
            for told in audiences(s, event):
                key = f"{told.kind}:{told.about}:{stamp}"[:120]
                already = set(s.exec(select(Notification.user_id).where(Notification.event_key == key)).all())
                for user in s.exec(select(User).where(User.id.in_(told.user_ids)).order_by(User.id)).all():  # type: ignore[union-attr]
                    if user.id not in already:
                        written.append(_written(told, key, user))
            s.add_all(written)
            s.flush()
            ids = [n.id for n in written]
            for notification_id in ids:
                tx.after_commit(lambda i=notification_id: ctx.tasks.enqueue("send_mail", i))
    except IntegrityError:   # the same occurrence told at the same time elsewhere: it wrote them
        return []
    return ids  # type: ignore[return-value]


def _written(told: Told, key: str, user: User) -> Notification:
    """One recipient's message, in their language."""
    with force_locale(user.locale or "fr"):
        subject_code, body_code = SENTENCES[told.kind]
        subject, body = render(subject_code, told.params), render(body_code, told.params)
    return Notification(user_id=user.id, kind=told.kind, event_key=key, subject=subject[:300], body=body[:4000],
                        link=told.link, mail_status="pending")


def mark_read(ctx: Context, actor: Actor, notification_id: int) -> NotificationView:
    """Mark one of the user's notifications read (again: nothing changes)."""
    with ctx.db.transaction() as tx:
        notification = tx.session.get(Notification, notification_id)
        if notification is None or notification.user_id != actor.user_id:
            raise NotFound("notices.not_found", id=notification_id)
        if notification.read_at is None:
            notification.read_at = utcnow()
        return notification_view(notification)


def mark_all_read(ctx: Context, actor: Actor) -> int:
    """Mark every unread notification of the user read; how many were."""
    with ctx.db.transaction() as tx:
        done = tx.session.exec(update(Notification).where(  # type: ignore[call-overload]
            Notification.user_id == actor.user_id, Notification.read_at.is_(None)).values(read_at=utcnow()))  # type: ignore[union-attr]
        return done.rowcount or 0
