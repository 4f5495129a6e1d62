"""Notifications: the bell on every page, the list of what the user was told, marking read, how one wants to be
told and one's organisation's webhooks; one-click unsubscribe from an e-mail; the outbox (admins)."""
from __future__ import annotations

from flask import Flask, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from makernet.errors import MakerNetError
from makernet.services import mail, notices, webhooks
from makernet.services.context import current_context as ctx
from makernet.services.listing import Window
from makernet.web.feedback import flash_error, page_blueprint
from makernet.web.forms import ActionForm
from makernet.web.session import actor, roles

bp = page_blueprint("notices", __name__)
EVERYONE = ("requester", "operator", "coordinator")   # and admins
PAGE_ROWS = 50
KIND_LABELS = {   # what people are told
    "request_submitted": _l("Nouvelle demande à examiner"), "request_approved": _l("Demande validée"),
    "request_rejected": _l("Demande non retenue"), "work_proposed": _l("Travail proposé au lieu"),
    "work_refused": _l("Travail décliné ou accepté en partie"), "printer_down": _l("Machine hors ligne ou en erreur"),
    "delivery_shipped": _l("Livraison expédiée"), "place_stopped": _l("Lieu qui se retire"),
    "place_resumed": _l("Lieu qui reprend du travail"), "work_reminder": _l("Rappel de travail sans réponse"),
    "work_accepted": _l("Travail accepté par un lieu"), "work_changed": _l("Travail changé par la coordination"),
    "plan_changed": _l("Propositions du planificateur"), "supply_requested": _l("Demande d'approvisionnement"),
    "supply_answered": _l("Réponse à une demande d'approvisionnement"),
    "delivery_arrived": _l("Livraison arrivée, à confirmer"), "delivery_refused": _l("Livraison refusée"),
    "delivery_short": _l("Unités abîmées ou manquantes à la réception"),
    "request_at_risk": _l("Demande en retard ou à risque"),
    "stock_low": _l("Stock bas"), "stock_out": _l("Rupture de stock"), "daily_summary": _l("Résumé du territoire"),
}
WAY_LABELS = {"now": _l("Tout de suite"), "digest": _l("Dans le résumé du jour"),
              "app": _l("Dans l'application seulement"), "never": _l("Jamais")}


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
    """E-mails an SMTP server has not taken: kept (no server set), waiting, or failed with their reason; and the
    webhook posts given up, every organisation's."""
    rows = mail.outbox(ctx(), actor(), Window.of(request.args.get("page"), None, PAGE_ROWS))
    return render_template("notices/outbox.html", rows=rows, failed_posts=webhooks.failed_posts(ctx(), actor()),
                           kinds=KIND_LABELS)


@bp.route("/notifications/settings", methods=["GET", "POST"])
@roles(*EVERYONE)
def settings() -> object:
    """How I am told each kind my role gets, the hour of my daily e-mails; my organisation's webhooks."""
    if request.method == "POST" and ActionForm().validate_on_submit():
        ways = {kind: request.form.get(f"way-{kind}", "") for kind in notices.ROLE_KINDS.get(actor().role, ())}
        try:
            notices.set_preferences(ctx(), actor(), ways, request.form.get("digest_hour", type=int))
        except MakerNetError as error:
            flash_error(error)
        else:
            flash(_("Vos choix sont enregistrés."), "success")
        return redirect(url_for("notices.settings"))
    return _settings_page()


def _settings_page(new_webhook: dict | None = None) -> str:
    return render_template("notices/settings.html", preferences=notices.preferences_of(ctx(), actor()),
                           ways=WAY_LABELS, kinds=KIND_LABELS, hooks=webhooks.webhooks_of(ctx(), actor()), new_webhook=new_webhook,
                           action=ActionForm())


@bp.post("/notifications/webhooks")
@roles(*EVERYONE)
def add_webhook() -> object:
    """Post my organisation's notices to an address; its secret is shown this once."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("notices.settings"))
    try:
        made = webhooks.add_webhook(ctx(), actor(), request.form.get("url", ""))
    except MakerNetError as error:
        flash_error(error)
        return redirect(url_for("notices.settings"))
    return _settings_page(new_webhook=made)


@bp.post("/notifications/webhooks/<int:webhook_id>/remove")
@roles(*EVERYONE)
def remove_webhook(webhook_id: int) -> object:
    if ActionForm().validate_on_submit():
        try:
            webhooks.remove_webhook(ctx(), actor(), webhook_id)
            flash(_("Ce webhook ne recevra plus rien."), "success")
        except MakerNetError as error:
            flash_error(error)
    return redirect(url_for("notices.settings"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> object:
    """An e-mail's unsubscribe link: a page with one button, or the mail reader's one-click POST (RFC 8058). The
    token is the proof, signed in or not; a page fetched by a link checker changes nothing."""
    if request.method == "GET":
        return render_template("notices/unsubscribe.html", token=token, done=None)
    try:
        done = notices.unsubscribe(ctx(), token)
    except MakerNetError as error:
        flash_error(error)
        return render_template("notices/unsubscribe.html", token=token, done=None, kinds=KIND_LABELS), error.status
    return render_template("notices/unsubscribe.html", token=token, done=done, kinds=KIND_LABELS)
