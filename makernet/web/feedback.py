"""Errors as people see them: field errors in place, flashes, and French error pages (never a traceback).

A service's refusal is worded by the catalogue of messages (`makernet.messages`) in the page's language."""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, Flask, flash, jsonify, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from makernet.errors import MakerNetError
from makernet.messages import render, render_error

log = logging.getLogger(__name__)

TITLES = {400: _l("Requête refusée"), 403: _l("Accès refusé"), 404: _l("Page introuvable"),
          405: _l("Méthode non permise"), 409: _l("Action impossible"), 413: _l("Fichier trop volumineux"),
          422: _l("Valeur refusée"), 429: _l("Trop de tentatives"), 500: _l("Erreur inattendue")}


def attach(form: FlaskForm, error: MakerNetError, fields: dict[str, str] | None = None) -> None:
    """Show a service error beside the field it names (mapped through `fields`), else atop the form."""
    name = (fields or {}).get(error.field or "", error.field or "")
    target = getattr(form, name, None) if name else None
    if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
        target.errors.append(render_error(error))
    else:
        form.form_errors.append(render_error(error))


def flash_with_link(text: str, href: str, link: str) -> None:
    """Say on the next page that an action was done, with a link to where its result is."""
    flash({"text": text, "href": href, "link": link}, "success")


def flash_error(error: MakerNetError) -> None:
    """Say on the next page why an action was refused."""
    flash(render_error(error), "error")


def error_page(status: int, detail: str = "") -> tuple[str, int]:
    """The French error page for a status."""
    return render_template("errors/error.html", status=status, title=TITLES.get(status, TITLES[500]),
                           detail=detail), status


def page_blueprint(name: str, import_name: str, **options: object) -> Blueprint:
    """A blueprint of pages: errors raised in its views become French pages, not the API's JSON."""
    bp = Blueprint(name, import_name, **options)  # type: ignore[arg-type]
    bp.register_error_handler(MakerNetError, lambda e: error_page(e.status, render_error(e)))
    bp.register_error_handler(CSRFError, _csrf_refused)
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(Exception, _unexpected)
    return bp


def _csrf_refused(error: CSRFError) -> tuple[str, int]:
    return error_page(400, str(_l("Le formulaire a expiré ou n'a pas été envoyé depuis MakerNet : "
                                  "rechargez la page et recommencez.")))


def _http_error(error: HTTPException) -> object:
    if error.code is None or error.code < 400:
        return error
    return error_page(error.code)


def _unexpected(error: Exception) -> tuple[str, int]:
    log.exception("unexpected error on %s %s", request.method, request.path)
    return error_page(500, str(_l("L'erreur a été enregistrée ; réessayez ou prévenez un administrateur.")))


def init_app(app: Flask) -> None:
    """Unknown addresses get a French page too (the API keeps its JSON answers)."""
    for status in (404, 405):
        app.register_error_handler(status, _unrouted)


def _unrouted(error: HTTPException) -> object:
    if request.path.startswith("/api/"):  # the API's own shape, in the caller's language
        code = "http.not_found" if error.code == 404 else "http.method_not_allowed"
        return jsonify({"error": {"code": code, "message": render(code)}}), error.code
    return error_page(error.code or 404)


def submit(form: FlaskForm, call: Callable[[FlaskForm], object], done: str, success_url: str,
           fields: dict[str, str], again: Callable[[FlaskForm], object]) -> object:
    """Check a form and run its use case: on success say `done` and go to `success_url`; on
    invalid input or a refusal show the page again with the form as typed (`again`)."""
    if form.validate_on_submit():
        try:
            call(form)
        except MakerNetError as error:
            attach(form, error, fields)
        else:
            flash(done, "success")
            return redirect(success_url)
    return again(form)
