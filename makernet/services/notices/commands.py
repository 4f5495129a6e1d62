"""Reading what one was told."""
from __future__ import annotations

from sqlalchemy import update

from makernet.errors import NotFound
from makernet.models import Notification
from makernet.models.base import utcnow
from makernet.services.access import Actor
from makernet.services.context import Context
from makernet.services.notices.views import NotificationView, notification_view

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
