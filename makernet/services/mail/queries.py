"""What an administrator follows of the e-mails."""
from __future__ import annotations

from sqlmodel import col, select

from makernet.models import Notification, User
from makernet.services.access import Actor
from makernet.services.context import Context
from makernet.services.listing import Rows, Window, page_of
from makernet.services.mail.views import OutgoingMailView, outgoing_view

UNSENT = ("pending", "sending", "outbox", "failed")


def outbox(ctx: Context, actor: Actor, window: Window | None = None) -> Rows[OutgoingMailView]:
    """E-mails not (yet) taken by an SMTP server, newest first: kept in the outbox, failed, or waiting."""
    actor.require("admin")
    query = (select(Notification, User.email).join(User, User.id == Notification.user_id)
             .where(col(Notification.mail_status).in_(UNSENT)).order_by(col(Notification.id).desc()))
    with ctx.db.reading() as s:
        return page_of(s, query, window, lambda row: outgoing_view(row[0], row[1]))
