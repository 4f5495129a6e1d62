"""Forms of the planning screen: a coordinator's pin or forbid."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from makernet.services.demand import MAX_QUANTITY
from makernet.web.forms import WholeNumberField, options


class RuleForm(FlaskForm):
    """Pin a request line to a place (some units or as many as it can), or forbid the pair."""

    kind = SelectField(_l("Règle"), choices=options([("pin", _l("Épingler : confier la ligne à ce lieu")),
                                                     ("forbid", _l("Interdire : ne jamais la proposer à ce lieu"))]))
    request_line_id = SelectField(_l("Ligne de demande"), coerce=int, validate_choice=False)
    place_id = SelectField(_l("Lieu"), coerce=int, validate_choice=False)
    quantity = WholeNumberField(_l("Unités épinglées"), validators=[Optional(), NumberRange(1, MAX_QUANTITY)],
                                description=_l("Pour un épinglage ; laissez vide : autant que le lieu peut en faire."),
                                render_kw={"inputmode": "numeric"})
    note = StringField(_l("Pourquoi"), validators=[Length(max=500)],
                       description=_l("Par exemple : le lieu a déjà la matière, les visières doivent venir du CHU."))

    def validate_quantity(self, field: WholeNumberField) -> None:
        """Only a pin takes a number of units."""
        if field.data is not None and self.kind.data == "forbid":
            raise ValidationError(_l("Une interdiction ne prend pas de quantité."))
