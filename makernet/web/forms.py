"""Forms of the accounts pages: sign-in, invitation, API tokens, language; and the bare action form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

REQUIRED = _l("Ce champ est obligatoire.")


def options(pairs: object) -> list[SelectChoice]:
    """Choices of a select field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]  # type: ignore[attr-defined]


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token travels."""


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(REQUIRED), Length(max=254)],
                       render_kw={"autocomplete": "username", "inputmode": "email"})
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(REQUIRED), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class PasswordForm(FlaskForm):
    """Choose a password from an invitation or reset link."""

    password = PasswordField(_l("Nouveau mot de passe"), validators=[
        DataRequired(REQUIRED), Length(min=10, max=200, message=_l("Entre 10 et 200 caractères."))],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Confirmez le mot de passe"), validators=[
        DataRequired(REQUIRED), EqualTo("password", message=_l("Les deux mots de passe diffèrent."))],
        render_kw={"autocomplete": "new-password"})


class TokenForm(FlaskForm):
    """Name a new API token."""

    name = StringField(_l("Nom du jeton"), validators=[DataRequired(REQUIRED), Length(max=100)],
                       description=_l("Par exemple : le script de l'atelier, le tableur de suivi."))


class LanguageForm(FlaskForm):
    """The language switch."""

    locale = HiddenField(validators=[DataRequired()])
    next = HiddenField()
