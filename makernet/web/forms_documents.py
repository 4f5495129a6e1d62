"""Forms of printable documents: the production report and the cost estimate."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from makernet.web.forms import REQUIRED, DecimalTextField, EurosField, WholeNumberField

MAX_REPORT_DAYS = 366
QUOTED = {"g": ("kg", 1000), "cm": ("m", 100), "piece": ("pièce", 1)}   # how a price per unit of material is typed


class ReportForm(FlaskForm):
    """The period and départements of a production report (a GET form)."""

    class Meta:
        csrf = False

    start = DateField(_l("Du"), validators=[Optional()])
    end = DateField(_l("Au"), validators=[Optional()])
    departements = SelectMultipleField(_l("Départements (aucun coché : tout votre territoire)"),
                                       widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def validate(self, extra_validators: dict | None = None) -> bool:
        """The fields' checks, and one error atop the form when the period is not given (not one per date)."""
        valid = super().validate(extra_validators)
        if (self.start.data is None or self.end.data is None) and not (self.start.errors or self.end.errors):
            self.form_errors.append(_l("Indiquez la période du rapport : une date de début et une date de fin."))
            return False
        return valid

    def validate_end(self, field: DateField) -> None:
        """After the start, and at most a year later."""
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("La période se termine avant de commencer."))
        if field.data and self.start.data and (field.data - self.start.data).days >= MAX_REPORT_DAYS:
            raise ValidationError(_l("Un rapport couvre au plus un an."))


def current_month(today: date) -> tuple[date, date]:
    """The first and last days of the month of `today`: a report's period unless another is chosen."""
    start = today.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def estimate_form(materials: list[dict]) -> type[FlaskForm]:
    """A cost estimate form with an optional price for each material (else the place's own purchase prices)."""
    class EstimateForm(FlaskForm):
        place_id = SelectField(_l("Lieu qui fabrique"), coerce=int, validate_choice=False)
        item_id = SelectField(_l("Article"), coerce=int, validate_choice=False)
        quantity = WholeNumberField(_l("Quantité"), validators=[InputRequired(_l("Indiquez un nombre entier.")),
                                                                NumberRange(1, 100_000, _l("Entre 1 et 100 000."))],
                                    render_kw={"inputmode": "numeric"})
        customer = StringField(_l("Client"), validators=[DataRequired(REQUIRED), Length(max=200)],
                               description=_l("Par exemple : Mairie de Rochefort, services techniques."))
        minutes_per_unit = DecimalTextField(_l("Minutes par unité (travail manuel)"), render_kw={"inputmode": "decimal"},
                                            description=_l("Laissez vide pour un article imprimé : le temps vient des plateaux."))
        finishing_minutes_per_unit = DecimalTextField(_l("Minutes de finition par unité"),
                                                      render_kw={"inputmode": "decimal"})

    for material in materials:
        unit, _factor = QUOTED.get(material["unit"], (material["unit"], 1))
        setattr(EstimateForm, f"cost_{material['code']}", EurosField(
            _l("%(name)s (€ par %(unit)s)", name=material["name"], unit=unit), render_kw={"inputmode": "decimal"}))
    return EstimateForm


def unit_costs_cents(form: FlaskForm, materials: list[dict]) -> dict[str, float]:
    """The prices typed, as cents per unit of each material (g, cm, piece)."""
    costs = {}
    for material in materials:
        typed = form[f"cost_{material['code']}"].data
        if typed is not None:
            costs[material["code"]] = float(typed) * 100 / QUOTED.get(material["unit"], ("", 1))[1]
    return costs
