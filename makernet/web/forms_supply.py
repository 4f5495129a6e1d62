"""Forms of supply requests: a place asks; a coordinator answers, assigns a supplier or a surplus; it arrives, it ends."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from makernet.web.formatting import choice_label
from makernet.web.forms import REQUIRED, EurosField, WholeNumberField, options
from makernet.web.forms_stock import AMOUNT, quantity_field

SUPPLY_KINDS = ("material", "transport", "premises")


class SupplyRequestForm(FlaskForm):
    """A place asks for material, transport or premises."""

    kind = SelectField(_l("Besoin"), choices=options((k, choice_label(k)) for k in SUPPLY_KINDS), default="material")
    material_id = SelectField(_l("Matière"), coerce=int, validate_choice=False)
    quantity = WholeNumberField(_l("Quantité"), validators=[Optional(), AMOUNT], render_kw={"inputmode": "numeric"},
                                description=_l("Pour une matière : combien, dans son unité."))
    needed_by = DateField(_l("Pour le"), validators=[Optional()])
    description = TextAreaField(_l("Précisions"), validators=[Length(max=1000)],
                                description=_l("Pour un transport ou un local : quoi, où, quand."))

    def validate_needed_by(self, field: DateField) -> None:
        """Not in the past."""
        if field.data and field.data < date.today():
            raise ValidationError(_l("La date est passée."))

    def validate_description(self, field: TextAreaField) -> None:
        """A transport or premises request says what is needed."""
        if self.kind.data != "material" and not (field.data or "").strip():
            raise ValidationError(_l("Décrivez ce qu'il vous faut."))

    def validate(self, extra_validators: dict | None = None) -> bool:
        """The fields one by one, then: a material request says how much (blank passes the field's own check)."""
        valid = super().validate(extra_validators)
        if self.kind.data == "material" and self.quantity.data is None and not self.quantity.errors:
            self.quantity.errors.append(_l("Indiquez la quantité voulue."))
            valid = False
        return valid


class AnswerForm(FlaskForm):
    """A coordinator's answer in words."""

    answer = TextAreaField(_l("Réponse"), validators=[DataRequired(REQUIRED), Length(max=1000)])


class SupplierForm(FlaskForm):
    """An outside supplier assigned to a supply request."""

    supplier_name = StringField(_l("Fournisseur"), validators=[DataRequired(REQUIRED), Length(max=200)],
                                description=_l("Une entreprise locale, une cagnotte, une collectivité."))
    answer = TextAreaField(_l("Message pour le lieu"), validators=[Length(max=1000)])


class SurplusForm(FlaskForm):
    """Another place's surplus sent to the place that asked."""

    supplier_place_id = SelectField(_l("Lieu qui envoie"), coerce=int, validate_choice=False)
    quantity = WholeNumberField(_l("Quantité envoyée"), validators=[Optional(), AMOUNT],
                                render_kw={"inputmode": "numeric"},
                                description=_l("Laissez vide pour envoyer tout ce qui est attendu."))
    answer = TextAreaField(_l("Message pour le lieu"), validators=[Length(max=1000)])


class SupplyReceiptForm(FlaskForm):
    """Material received against a supply request."""

    quantity = quantity_field(_l("Quantité arrivée"))
    cost = EurosField(_l("Coût total (€)"), description=_l("Facultatif."), render_kw={"inputmode": "decimal"})


class CloseSupplyForm(FlaskForm):
    """How a supply request ends."""

    outcome = SelectField(_l("Issue"), choices=options([("fulfilled", _l("Besoin satisfait")),
                                                        ("cancelled", _l("Plus nécessaire (annuler)"))]))
    note = StringField(_l("Note"), validators=[Length(max=500)])
