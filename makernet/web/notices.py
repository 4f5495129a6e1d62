"""Notifications: the bell on every page, the list of what the user was told, marking read; the outbox (admins)."""
from __future__ import annotations

from flask import Flask, g, redirect, render_template, request, url_for
from flask_login import current_user

from makernet.services import notices
from makernet.services.context import current_context as ctx
from makernet.services.listing import Window
from makernet.web.feedback import page_blueprint
from makernet.web.session import actor, roles

bp = page_blueprint("notices", __name__)
EVERYONE = ("requester", "operator", "coordinator")   # and admins
PAGE_ROWS = 50


def init_app(app: Flask) -> None:
    """Every page's bell shows how many notifications the signed-in user has not read: counted when a page
    shows the bell, once a request (not for the fragments live regions fetch again every few seconds)."""
    app.context_processor(lambda: {"unread_count": unread_count})


def unread_count() -> int:
    """The signed-in user's unread notifications, counted once per request."""
    if "unread_notifications" not in g:
        g.unread_notifications = notices.unread_count(ctx(), current_user.actor.user_id)
    return g.unread_notifications


@bp.get("/notifications")
@roles(*EVERYONE)
def index() -> str:
    """What the user was told, newest first, page by page."""
    rows = notices.notifications_of(ctx(), actor(), Window.of(request.args.get("page"), None, PAGE_ROWS))
    return render_template("notices/index.html", rows=rows)


@bp.get("/notifications/bell")
@roles(*EVERYONE)
def bell() -> str:
    """The bell alone, which pages fetch again every half minute (new notifications without a reload)."""
    return render_template("notices/_bell.html")


@bp.post("/notifications/<int:notification_id>/read")
@roles(*EVERYONE)
def read(notification_id: int) -> object:
    """Mark one read; with `open`, go on to its page (the link in the list)."""
    notification = notices.mark_read(ctx(), actor(), notification_id)
    if request.form.get("open") and notification["link"].startswith("/"):
        return redirect(notification["link"])
    return redirect(url_for("notices.index"))


@bp.post("/notifications/read-all")
@roles(*EVERYONE)
def read_all() -> object:
    notices.mark_all_read(ctx(), actor())
    return redirect(url_for("notices.index"))


@bp.get("/admin/outbox")
@roles("admin")
def outbox() -> str:
    """E-mails an SMTP server has not taken: kept (no server set), waiting, or failed with their reason."""
    rows = notices.outbox(ctx(), actor(), Window.of(request.args.get("page"), None, PAGE_ROWS))
    return render_template("notices/outbox.html", rows=rows)
