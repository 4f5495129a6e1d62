"""Forms of the accounts pages: sign-in, invitation, API tokens, language; organisations and users (admins)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from makernet.services.access import ROLES
from makernet.services.accounts import ORGANISATION_KINDS
from makernet.web.formatting import choice_label
from makernet.web.forms import REQUIRED, options


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(REQUIRED), Length(max=254)],
                       render_kw={"autocomplete": "username", "inputmode": "email"})
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(REQUIRED), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Rester connecté sur cet appareil"))
    next = HiddenField()


class PasswordForm(FlaskForm):
    """Choose a password from an invitation or reset link."""

    password = PasswordField(_l("Nouveau mot de passe"), validators=[
        DataRequired(REQUIRED), Length(min=10, max=200, message=_l("Entre 10 et 200 caractères."))],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Confirmez le mot de passe"), validators=[
        DataRequired(REQUIRED), EqualTo("password", message=_l("Les deux mots de passe diffèrent."))],
        render_kw={"autocomplete": "new-password"})


class ChangePasswordForm(PasswordForm):
    """Change my own password: the current one first."""

    current = PasswordField(_l("Mot de passe actuel"), validators=[DataRequired(REQUIRED), Length(max=200)],
                            render_kw={"autocomplete": "current-password"})


class TokenForm(FlaskForm):
    """Name a new API token."""

    name = StringField(_l("Nom du jeton"), validators=[DataRequired(REQUIRED), Length(max=100)],
                       description=_l("Par exemple : le script de l'atelier, le tableur de suivi."))


class LanguageForm(FlaskForm):
    """The language switch."""

    locale = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class OrganisationForm(FlaskForm):
    """An organisation and, for a coordination, its territory."""

    name = StringField(_l("Nom"), validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField(_l("Type"), choices=options((k, choice_label(k)) for k in ORGANISATION_KINDS))
    commune = StringField(_l("Commune"), validators=[Length(max=120)])
    departement = StringField(_l("Département"), validators=[Length(max=3)], render_kw={"inputmode": "numeric"})
    territory = StringField(_l("Territoire (coordinations)"), validators=[Length(max=300)],
                            description=_l("Numéros de départements séparés par des virgules, ex. 16, 17, 79."))
    open_data = BooleanField(_l("Ses demandes figurent commune par commune dans les données ouvertes"), default=True,
                             description=_l("Sinon, elles n'y comptent qu'avec celles d'autres demandeurs discrets de "
                                            "la même commune, ou au niveau du département, comme celles des particuliers."))

    def territory_codes(self) -> list[str]:
        """The territory as a list of département codes."""
        return [code.strip() for code in (self.territory.data or "").split(",") if code.strip()]


class InviteForm(FlaskForm):
    """Create an account; the admin hands over the invitation link."""

    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(REQUIRED), Length(max=254)])
    name = StringField(_l("Nom"), validators=[DataRequired(REQUIRED), Length(max=200)])
    role = SelectField(_l("Rôle"), choices=options((r, choice_label(r)) for r in ROLES))
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=False)
