"""What a user was told, and what an administrator follows of the e-mails."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from makernet.models import Notification, User
from makernet.services.access import Actor
from makernet.services.context import Context
from makernet.services.listing import Rows, Window, page_of
from makernet.services.notices.views import NotificationView, Preferences, notification_view, preferences_view

def notifications_of(ctx: Context, actor: Actor, window: Window | None = None,
                     unread: bool = False) -> Rows[NotificationView]:
    """The user's notifications, newest first (only the unread ones when asked)."""
    query = select(Notification).where(Notification.user_id == actor.user_id)
    if unread:
        query = query.where(col(Notification.read_at).is_(None))
    with ctx.db.reading() as s:
        return page_of(s, query.order_by(col(Notification.id).desc()), window, notification_view)


def unread_count(ctx: Context, user_id: int) -> int:
    """How many of the user's notifications are unread (the bell's figure)."""
    with ctx.db.reading() as s:
        return s.exec(select(func.count()).select_from(Notification).where(
            Notification.user_id == user_id, col(Notification.read_at).is_(None))).one()


def preferences_of(ctx: Context, actor: Actor) -> Preferences:
    """How the user is told each kind their role gets, and the hour of their daily e-mails."""
    with ctx.db.reading() as s:
        return preferences_view(s, s.get(User, actor.user_id))
