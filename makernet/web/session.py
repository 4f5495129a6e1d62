"""Who is signed in: Flask-Login's user, the actor services check, the page language."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, abort, current_app, has_request_context, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user
from werkzeug.wrappers import Response

from makernet.services import accounts
from makernet.services.access import Actor
from makernet.services.context import current_context

LOCALES = accounts.LOCALES   # the languages MakerNet speaks, as an account keeps them


class WebUser(UserMixin):
    """The signed-in user; its id carries a password fingerprint, so a reset ends old sessions."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.role: str = data["role"]
        self.name: str = data["name"]
        self.organisation_name: str = data["organisation_name"]

    def get_id(self) -> str:
        """The value stored in the session cookie."""
        return f"{self.data['id']}:{self.data['fingerprint']}"

    @property
    def actor(self) -> Actor:
        """The actor services check."""
        return accounts.actor_for(self.data)


def init_login(app: Flask) -> None:
    """Flask-Login: load users from the session, send strangers to the sign-in page."""
    manager = LoginManager(app)
    manager.login_view = "accounts.login"
    manager.login_message = None  # the sign-in page says it itself
    manager.session_protection = "basic"

    @manager.user_loader
    def load_user(user_id: str) -> WebUser | None:
        ident, _, fingerprint = user_id.partition(":")
        data = accounts.session_user(current_context(), int(ident)) if ident.isdigit() else None
        if data is None or data["fingerprint"] != fingerprint:
            return None
        return WebUser(data)

    @manager.unauthorized_handler
    def unauthorized() -> Response:
        if request.headers.get("HX-Request"):  # a live fragment: have htmx load the sign-in page
            return Response(status=401, headers={"HX-Redirect": url_for("accounts.login")})
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def roles(*allowed: str) -> Callable:
    """Only signed-in users with one of these roles (admins always) may open the page."""
    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app_login_manager().unauthorized()
            if current_user.role != "admin" and current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorate


def current_app_login_manager() -> LoginManager:
    """The app's Flask-Login manager."""
    return current_app.login_manager  # type: ignore[attr-defined]


def actor() -> Actor:
    """The actor of the signed-in user."""
    return current_user.actor


def select_locale() -> str:
    """Pages: the language chosen with the switch; the API: the caller's Accept-Language (another language
    than ours gets ours); else, and outside a request, the instance default (French)."""
    default = current_context().settings.default_locale
    if not has_request_context():
        return default
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(LOCALES, default=default)
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else default


def public_url(path: str) -> str:
    """An absolute link to `path` as people reach MakerNet: MAKERNET_PUBLIC_URL, else the request's own address."""
    base = current_context().settings.public_url or request.host_url
    return base.rstrip("/") + "/" + path.lstrip("/")
