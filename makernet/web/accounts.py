"""Accounts: sign-in and out, invitation links, API tokens, the language switch; organisations and users (admins)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from makernet.errors import MakerNetError
from makernet.services import accounts
from makernet.services.context import current_context as ctx
from makernet.web.feedback import attach, flash_error, page_blueprint
from makernet.web.forms import ActionForm, options
from makernet.web.forms_accounts import (ChangePasswordForm, InviteForm, LanguageForm, LoginForm, OrganisationForm, PasswordForm,
                                         TokenForm)
from makernet.web.session import LOCALES, WebUser, actor, public_url, roles

bp = page_blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only a path on this site, so a crafted link cannot send people elsewhere after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.start")


@bp.route("/login", methods=["GET", "POST"])
def login() -> object:
    """The sign-in page; failed attempts are counted and throttled."""
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = accounts.sign_in(ctx(), form.email.data, form.password.data, request.remote_addr or "")
        except MakerNetError as error:
            attach(form, error)
            return render_template("accounts/login.html", form=form, receipt=_receipt_of(form.next.data)), \
                error.status
        login_user(WebUser(user), remember=bool(form.remember.data))
        session.permanent = True   # ends after a working day (MAKERNET_SESSION_HOURS); "stay signed in": longer
        if session.pop("locale_chosen", False):   # chosen on the sign-in page: kept on the account from now on
            accounts.set_locale(ctx(), actor(), session["locale"])
        else:
            session["locale"] = user["locale"]   # the language kept on the account
        return redirect(_safe_next(form.next.data))
    return render_template("accounts/login.html", form=form, receipt=_receipt_of(form.next.data)), \
        422 if form.errors else 200


def _receipt_of(target: str | None) -> str | None:
    """The delivery a receipt QR code leads to, when signing in is on the way to it: the page says so."""
    found = re.fullmatch(r"/deliveries/(\d+)/receipt", target or "")
    return found.group(1) if found else None


@bp.post("/logout")
def logout() -> Response:
    """Sign out (a POST with its CSRF token, so no link elsewhere can sign anyone out), for real: a copy
    of the session cookie, or a "stay signed in" one, stops working too."""
    if current_user.is_authenticated:
        accounts.end_sessions(ctx(), current_user.data["id"])
    logout_user()
    session.pop("locale_chosen", None)   # the next person to sign in here has their own language
    flash(_("Vous êtes déconnecté."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str) -> object:
    """Choose a password from the link an admin handed over."""
    invited = accounts.invited_user(ctx(), token)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.accept_invitation(ctx(), token, form.password.data)
        except MakerNetError as error:
            attach(form, error)
            return render_template("accounts/invitation.html", form=form, invited=invited), error.status
        logout_user()
        login_user(WebUser(user))
        accounts.set_locale(ctx(), actor(), str(get_locale()))   # the language the invitation was read in
        session.pop("locale_chosen", None)
        flash(_("Mot de passe enregistré : bienvenue sur MakerNet."), "success")
        return redirect(url_for("home.start"))
    return render_template("accounts/invitation.html", form=form, invited=invited), 422 if form.errors else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> object:
    """My account: create and revoke API tokens."""
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            new_token = accounts.new_token(ctx(), actor(), form.name.data)
            form = TokenForm(formdata=None)
        except MakerNetError as error:
            attach(form, error)
    return _account_page(form=form, new_token=new_token)


def _account_page(form: TokenForm | None = None, password_form: ChangePasswordForm | None = None,
                  new_token: str | None = None) -> tuple[str, int]:
    """My account page, with whichever of its forms was just sent and its errors."""
    form, password_form = form or TokenForm(formdata=None), password_form or ChangePasswordForm(formdata=None)
    status = 422 if form.errors or password_form.errors else 200
    return render_template("accounts/account.html", form=form, password_form=password_form, new_token=new_token,
                           revoke=ActionForm(), tokens=accounts.list_tokens(ctx(), actor()),
                           token_days=accounts.TOKEN_DAYS), status


@bp.post("/account/password")
@login_required
def change_password() -> object:
    """Change my password; my other sessions and my API tokens end, this session goes on."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(ctx(), actor(), form.current.data, form.password.data,
                                            request.remote_addr or "")
        except MakerNetError as error:
            attach(form, error)
            return _account_page(password_form=form)[0], error.status
        login_user(WebUser(user), remember=False)
        session.permanent = True
        flash(_("Mot de passe changé : vos autres sessions et vos jetons d'API ont pris fin."), "success")
        return redirect(url_for("accounts.account"))
    return _account_page(password_form=form)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response:
    """Revoke one of my tokens."""
    if ActionForm().validate_on_submit():
        try:
            accounts.revoke_token(ctx(), actor(), token_id)
            flash(_("Jeton révoqué."), "success")
        except MakerNetError as error:
            flash_error(error)
    return redirect(url_for("accounts.account"))


@bp.post("/language")
def language() -> Response:
    """The language switch: French or English, kept in the session and, once signed in, on the account (the
    pages at the next sign-in, notifications and e-mails)."""
    form = LanguageForm()
    if form.validate_on_submit() and form.locale.data in LOCALES:
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            accounts.set_locale(ctx(), actor(), form.locale.data)
        else:   # on the sign-in page: the account takes it at sign-in
            session["locale_chosen"] = True
    return redirect(_safe_next(form.next.data))


@bp.route("/admin/organisations", methods=["GET", "POST"])
@roles("admin")
def organisations() -> object:
    """Every organisation, and a form to add one."""
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            saved = accounts.save_organisation(ctx(), actor(), name=form.name.data, kind=form.kind.data,
                                               commune=form.commune.data or "",
                                               departement=form.departement.data or "",
                                               territory=form.territory_codes(), open_data=form.open_data.data)
        except MakerNetError as error:
            attach(form, error)
        else:
            flash(_("Organisation « %(name)s » enregistrée.", name=saved["name"]), "success")
            return redirect(url_for("accounts.organisations"))
    return render_template("accounts/organisations.html", form=form,
                           organisations=accounts.list_organisations(ctx(), actor())), 422 if form.errors else 200


@bp.route("/admin/users", methods=["GET", "POST"])
@roles("admin")
def users() -> object:
    """Every user; invite one (the page shows the one-time link to hand over)."""
    form = InviteForm()
    form.organisation_id.choices = options((o["id"], o["name"]) for o in accounts.list_organisations(ctx(), actor()))
    if form.validate_on_submit():
        try:
            invited = accounts.invite_user(ctx(), actor(), email=form.email.data, name=form.name.data,
                                           role=form.role.data, organisation_id=form.organisation_id.data)
        except MakerNetError as error:
            attach(form, error)
        else:
            return _link_page(invited, _("Compte créé."))
    return render_template("accounts/users.html", form=form, action=ActionForm(),
                           users=accounts.list_users(ctx(), actor())), 422 if form.errors else 200


def _link_page(result: dict, headline: str) -> str:
    """Show the one-time link once; the admin hands it over (no e-mail leaves a LAN install)."""
    link = public_url(url_for("accounts.invitation", token=result["token"]))
    return render_template("accounts/link.html", headline=headline, email=result["email"], link=link)


@bp.post("/admin/users/<int:user_id>/reset")
@roles("admin")
def reset_password(user_id: int) -> object:
    """Replace a user's password by a one-time link."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("accounts.users"))
    try:
        result = accounts.reset_password(ctx(), actor(), user_id)
    except MakerNetError as error:
        flash_error(error)
        return redirect(url_for("accounts.users"))
    return _link_page(result, _("Mot de passe réinitialisé : l'ancien ne fonctionne plus."))


@bp.post("/admin/users/<int:user_id>/active")
@roles("admin")
def set_user_active(user_id: int) -> Response:
    """Deactivate or reactivate an account."""
    if ActionForm().validate_on_submit():
        try:
            accounts.set_user_active(ctx(), actor(), user_id, request.form.get("active") == "1")
            flash(_("Compte mis à jour."), "success")
        except MakerNetError as error:
            flash_error(error)
    return redirect(url_for("accounts.users"))
