"""Errors as people see them: field errors in place, flashes, and French error pages (never a traceback)."""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, Flask, flash, jsonify, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from makernet.errors import Conflict, Forbidden, InvalidInput, MakerNetError, NotFound, Unauthorized
from makernet.services.accounts import Throttled
from makernet.web.wording import in_french

log = logging.getLogger(__name__)

LEADS = {InvalidInput: _l("Valeur refusée"), Conflict: _l("Action impossible dans l'état actuel"),
         NotFound: _l("Introuvable"), Forbidden: _l("Action réservée à un autre rôle"),
         Unauthorized: _l("Identification refusée")}
# what services say in English (the API's language), said again in French on the pages
KNOWN = {
    "Unknown e-mail address or wrong password.": _l("Adresse e-mail inconnue ou mot de passe erroné."),
    "The needed-by date is in the past.": _l("La date de besoin est passée."),
    "The delivery point is required.": _l("Le lieu de livraison est obligatoire."),
    "A request needs at least one line.": _l("Une demande comporte au moins une ligne."),
    "Say why the request is rejected.": _l("Indiquez pourquoi la demande est refusée."),
    "Say why the work is declined.": _l("Indiquez pourquoi le travail est refusé."),
    "You cannot deactivate your own account.": _l("Vous ne pouvez pas désactiver votre propre compte."),
    "This is not an e-mail address.": _l("Ce n'est pas une adresse e-mail."),
    "Move at least one unit to the new request.": _l("Déplacez au moins une unité vers la nouvelle demande."),
    "Leave at least one unit in this request.": _l("Laissez au moins une unité dans cette demande."),
    "Give the name of the person who received the delivery.": _l("Indiquez le nom de la personne qui a reçu la livraison."),
    "This invitation link is unknown, used or expired; ask an administrator for a new one.":
        _l("Ce lien d'invitation est inconnu, déjà utilisé ou expiré ; demandez-en un nouveau à un administrateur."),
}
TITLES = {400: _l("Requête refusée"), 403: _l("Accès refusé"), 404: _l("Page introuvable"),
          405: _l("Méthode non permise"), 409: _l("Action impossible"), 413: _l("Fichier trop volumineux"),
          422: _l("Valeur refusée"), 429: _l("Trop de tentatives"), 500: _l("Erreur inattendue")}


def message(error: MakerNetError) -> str:
    """A service error in the page's language: French by default, the service's own words in English."""
    if str(get_locale()) == "en":
        return error.message
    if isinstance(error, Throttled):
        return str(_l("Trop de tentatives de connexion : attendez 15 minutes avant de réessayer."))
    if error.message in KNOWN:
        return str(KNOWN[error.message])
    french = in_french(error.message)
    if french is not None:
        return french
    lead = next((text for kind, text in LEADS.items() if isinstance(error, kind)), _l("Erreur"))
    return f"{lead} : {error.message}"


def attach(form: FlaskForm, error: MakerNetError, fields: dict[str, str] | None = None) -> None:
    """Show a service error beside the field it names (mapped through `fields`), else atop the form."""
    name = (fields or {}).get(error.field or "", error.field or "")
    target = getattr(form, name, None) if name else None
    if target is not None and hasattr(target, "errors") and isinstance(target.errors, list):
        target.errors.append(message(error))
    else:
        form.form_errors.append(message(error))


def flash_error(error: MakerNetError) -> None:
    """Say on the next page why an action was refused."""
    flash(message(error), "error")


def error_page(status: int, detail: str = "") -> tuple[str, int]:
    """The French error page for a status."""
    return render_template("errors/error.html", status=status, title=TITLES.get(status, TITLES[500]),
                           detail=detail), status


def page_blueprint(name: str, import_name: str, **options: object) -> Blueprint:
    """A blueprint of pages: errors raised in its views become French pages, not the API's JSON."""
    bp = Blueprint(name, import_name, **options)  # type: ignore[arg-type]
    bp.register_error_handler(MakerNetError, lambda e: error_page(e.status, message(e)))
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
    if request.path.startswith("/api/"):
        return jsonify({"error": error.description or error.name}), error.code
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
