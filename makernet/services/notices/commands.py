"""Reading what one was told, and choosing how to be told."""
from __future__ import annotations

from sqlalchemy import update

from makernet.errors import InvalidInput, NotFound
from makernet.models import NoticePreference, Notification, User
from makernet.models.base import utcnow
from makernet.services.access import Actor
from makernet.services.context import Context
from makernet.services.notices.operations import unsubscribed
from makernet.services.notices.views import (CHOOSABLE, ROLE_KINDS, WAYS, NotificationView, Preferences,
                                             notification_view, preferences_view)


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


def set_preferences(ctx: Context, actor: Actor, ways: dict[str, str], digest_hour: int | None = None) -> Preferences:
    """Choose how each kind one's role is told comes (now, digest, app, never) and the hour of the daily e-mails;
    kinds not named keep their way. All or nothing: one bad value and nothing changes."""
    mine = ROLE_KINDS.get(actor.role, ())
    for kind, way in ways.items():
        if kind not in mine:
            raise InvalidInput("notices.kind_not_yours", field=f"ways.{kind}", kind=kind, kinds=list(mine))
        if way not in WAYS:
            raise InvalidInput("notices.way_unknown", field=f"ways.{kind}", way=way, ways=list(WAYS))
    if digest_hour is not None and not (isinstance(digest_hour, int) and 0 <= digest_hour <= 23):
        raise InvalidInput("notices.hour_out_of_range", field="digest_hour")
    with ctx.db.transaction() as tx:
        s = tx.session
        for kind, way in ways.items():
            s.merge(NoticePreference(user_id=actor.user_id, kind=kind, how=way))
        user = s.get(User, actor.user_id)
        if digest_hour is not None:
            user.digest_hour = digest_hour
        s.flush()
        return preferences_view(s, user)


def unsubscribe(ctx: Context, token: str) -> dict:
    """The one-click unsubscribe of an e-mail: that kind stops coming by e-mail (it stays in the app); a digest's
    stops every kind the user got by digest. Signed-in or not: the token is the proof."""
    found = unsubscribed(ctx.secret, token)
    with ctx.db.transaction() as tx:
        s = tx.session
        user = s.get(User, found[0]) if found else None
        if user is None or (found[1] not in CHOOSABLE and found[1] != "digest"):
            raise NotFound("notices.unsubscribe_unknown")
        kinds = [found[1]] if found[1] != "digest" else [
            kind for kind, way in preferences_view(s, user)["ways"].items() if way == "digest"]
        for kind in kinds:
            s.merge(NoticePreference(user_id=user.id, kind=kind, how="app"))
        return {"user_id": user.id, "kinds": kinds}
