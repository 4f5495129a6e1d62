"""Forms of a place's settings: its conditions, its manual work centres, stopping and resuming work."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from makernet.web.formatting import choice_label
from makernet.web.forms import REQUIRED, WHOLE, DecimalTextField, EurosField, WholeNumberField, options
from makernet.web.hours import DAYS, parse_spans

MANUAL_KINDS = ("sewing_station", "laser_cutter", "assembly_bench")


class SignedDecimalField(DecimalTextField):
    """A number as people type it, its sign kept: the use case words the refusal of one below zero."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the number without its minus sign, then put the sign back."""
        text = (valuelist[0] if valuelist else "").strip()
        negative = text.startswith(("-", "\u2212"))
        super().process_formdata([text[1:] if negative else text])
        self.raw_text = text
        if negative and self.data is not None:
            self.data = -self.data


def _check_hours(form: FlaskForm, field: StringField) -> None:
    """The day's spans can be read."""
    try:
        field.spans = parse_spans(field.data or "")
    except ValueError as error:
        raise ValidationError(str(error)) from None


class ConditionsForm(FlaskForm):
    """What the place states it can give: the planner proposes work within these conditions."""

    staff_available = WholeNumberField(_l("Personnes disponibles"),
                                       validators=[InputRequired(WHOLE), NumberRange(1, 10_000)],
                                       description=_l("Celles qui font tourner les machines sur un créneau."),
                                       render_kw={"inputmode": "numeric"})
    batch_limit = WholeNumberField(_l("Quantité maximale par ordre"),
                                   validators=[Optional(), NumberRange(1, 1_000_000)],
                                   description=_l("Laissez vide : pas de limite."), render_kw={"inputmode": "numeric"})
    hourly_value = EurosField(_l("Valeur d'une heure de travail (€)"), validators=[InputRequired(REQUIRED)],
                              description=_l("Sert aux devis hors crise ; 0 pour du bénévolat."),
                              render_kw={"inputmode": "decimal"})
    accepted_item_ids = SelectMultipleField(_l("Articles fabriqués (aucun coché : tous)"), coerce=int,
                                            widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    auto_accept = BooleanField(_l("Accepter automatiquement le travail proposé"))
    offline_policy = SelectField(_l("Si une imprimante ne répond plus"), choices=options([
        ("hold", _l("garder ses plateaux en attente")), ("move", _l("passer ses plateaux à une autre imprimante"))]))
    site_worker = BooleanField(_l("Le lieu fait tourner son propre worker à côté de ses imprimantes"))
    # the delivery means: their bounds are the use case's, which words each refusal (messages/places.py)
    runners = WholeNumberField(_l("Coursiers bénévoles"), validators=[InputRequired(WHOLE)],
                               description=_l("De 0 à 3 ; 0 : le lieu ne livre pas lui-même."),
                               render_kw={"inputmode": "numeric"})
    runs_per_day = WholeNumberField(_l("Tournées par jour, par coursier"), validators=[InputRequired(WHOLE)],
                                    description=_l("1 ou 2."), render_kw={"inputmode": "numeric"})
    run_hours = DecimalTextField(_l("Heures par tournée"), validators=[InputRequired(REQUIRED)],
                                 description=_l("De 0,5 à 3."), render_kw={"inputmode": "decimal"})
    vehicle = SelectField(_l("Véhicule"), validate_choice=False, choices=options([
        ("bike", _l("Vélo cargo (environ 10 km)")), ("car", _l("Voiture (environ 40 km)"))]))
    delivery_radius_km = SignedDecimalField(_l("Rayon de livraison (km)"), validators=[Optional()],
                                            description=_l("Laissez vide : celui du véhicule."),
                                            render_kw={"inputmode": "decimal"})
    run_load = WholeNumberField(_l("Unités par tournée"), validators=[Optional()],
                                description=_l("Laissez vide : 200 en vélo cargo, 600 en voiture."),
                                render_kw={"inputmode": "numeric"})


for _key, _name in DAYS:
    setattr(ConditionsForm, f"hours_{_key}", StringField(
        _name, validators=[Length(max=120), _check_hours]))


class MachineForm(FlaskForm):
    """A new manual work centre."""

    name = StringField(_l("Nom du poste"), validators=[DataRequired(REQUIRED), Length(max=120)],
                       description=_l("Par exemple : Poste couture 4."))
    kind = SelectField(_l("Type de poste"), choices=options((k, choice_label(k)) for k in MANUAL_KINDS))


class RenameForm(FlaskForm):
    """Another name for a work centre."""

    name = StringField(_l("Nouveau nom"), validators=[DataRequired(REQUIRED), Length(max=120)])


class WithdrawForm(FlaskForm):
    """The place stops taking work, saying why."""

    reason = TextAreaField(_l("Pourquoi le lieu s'arrête"), validators=[DataRequired(_l("Indiquez le motif.")),
                                                                       Length(max=1000)])


class DisruptionForm(FlaskForm):
    """Capacity the place lost: a printer down or a stock-out."""

    trigger = SelectField(_l("Ce qui arrive"), choices=options([("printer_down", _l("une machine est en panne")),
                                                                ("stock_out", _l("une matière manque"))]))
    reason = TextAreaField(_l("Précisions"), validators=[DataRequired(_l("Indiquez ce qui se passe.")), Length(max=1000)])
