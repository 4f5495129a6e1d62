"""Forms of the stock pages: receipt, adjustment, scrap, transfer."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from makernet.web.forms import WHOLE, EurosField, WholeNumberField

MOST = 100_000_000
AMOUNT = NumberRange(1, MOST, _l("Entre 1 et 100 000 000."))
REASON = DataRequired(_l("Indiquez le motif."))


def _material() -> SelectField:
    """The material a movement is about."""
    return SelectField(_l("Matière"), coerce=int, validate_choice=False)


def quantity_field(text: str, description: str = "") -> WholeNumberField:
    """A whole, positive quantity in the material's unit."""
    return WholeNumberField(text, validators=[InputRequired(WHOLE), AMOUNT], description=description,
                            render_kw={"inputmode": "numeric"})


class MaterialReceiptForm(FlaskForm):
    """Material arriving at the place."""

    material_id = _material()
    quantity = quantity_field(_l("Quantité reçue"), _l("Dans l'unité de la matière : grammes, pièces ou centimètres."))
    cost = EurosField(_l("Coût total (€)"), description=_l("Facultatif ; sert à chiffrer les devis."),
                      render_kw={"inputmode": "decimal"})
    reason = StringField(_l("Provenance"), validators=[Length(max=500)],
                         description=_l("Par exemple : don d'une entreprise locale, cagnotte."))


class AdjustmentForm(FlaskForm):
    """A correction after counting what is really on the shelf."""

    material_id = _material()
    quantity = WholeNumberField(_l("Écart constaté"), validators=[InputRequired(WHOLE), NumberRange(-MOST, MOST)],
                                description=_l("Positif s'il y en a plus que prévu, négatif s'il en manque."),
                                render_kw={"inputmode": "numeric"})
    reason = StringField(_l("Motif de l'ajustement"), validators=[REASON, Length(max=500)])

    def validate_quantity(self, field: WholeNumberField) -> None:
        """A correction changes something."""
        if field.data == 0:
            raise ValidationError(_l("Un ajustement modifie le niveau d'au moins une unité."))


class ScrapForm(FlaskForm):
    """Spoilt material written off."""

    material_id = _material()
    quantity = quantity_field(_l("Quantité mise au rebut"))
    reason = StringField(_l("Motif du rebut"), validators=[REASON, Length(max=500)],
                         description=_l("Par exemple : bobine humide, tissu taché."))


class TransferForm(FlaskForm):
    """Material sent to another place."""

    to_place_id = SelectField(_l("Vers le lieu"), coerce=int, validate_choice=False)
    material_id = _material()
    quantity = quantity_field(_l("Quantité à transférer"))
    reason = StringField(_l("Note"), validators=[Length(max=500)])
