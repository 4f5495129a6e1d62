"""HTML pages: one blueprint per area, signed-in users, CSRF on every form, French by default."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect

from makernet.web import (
    accounts,
    catalogue,
    deliveries,
    demand,
    documents,
    exchange,
    feedback,
    fleet,
    formatting,
    headers,
    home,
    monitoring,
    notices,
    places,
    planning,
    plans,
    production,
    reporting,
    session,
    stock,
    supply,
    territory,
)

AREAS = (home, accounts, catalogue, demand, places, fleet, planning, plans, production, stock, supply, deliveries,
         reporting, territory, documents, exchange, monitoring, notices)  # one blueprint each, named as its area
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def init_app(app: Flask) -> None:
    """Set up sign-in, CSRF, languages and error pages, then register every page blueprint."""
    settings = app.extensions["makernet"].settings
    app.config.setdefault("BABEL_DEFAULT_LOCALE", settings.default_locale)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Paris")  # times are stored in UTC, shown as people live them
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 12 * 3600)  # a form left open during a workshop shift
    secure = settings.public_url.startswith("https://")
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=secure,
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_SECURE=secure,
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
                      REMEMBER_COOKIE_DURATION=timedelta(days=settings.remember_days))
    app.after_request(lambda answer: headers.secure(answer, hsts=secure))
    Babel(app, locale_selector=session.select_locale)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf = CSRFProtect(app)

    @app.before_request
    def check_csrf() -> None:
        """Every form post carries its token; /api/ is exempt: it takes bearer tokens, never the session cookie. So is
        an e-mail's one-click unsubscribe: a mail reader posts it with no session, its signed token is the proof, and
        all it can do is stop e-mails."""
        if not request.path.startswith(("/api/", "/unsubscribe/")):
            try:
                csrf.protect()
            except ValueError:   # a Referer whose port is no number: Flask-WTF's same-origin check cannot read it
                raise CSRFError("The referrer header is malformed.") from None
    session.init_login(app)
    formatting.init_app(app)
    feedback.init_app(app)
    monitoring.init_app(app)
    notices.init_app(app)
    for area in AREAS:
        app.register_blueprint(area.bp)
