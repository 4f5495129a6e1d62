"""Forms of work orders: a coordinator's allocation, an operator's accept or decline."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from makernet.services.demand import MAX_QUANTITY
from makernet.web.forms import WHOLE, WholeNumberField



class AcceptForm(FlaskForm):
    """Accept a proposed work order, all of it (blank) or part of it."""

    quantity = WholeNumberField(_l("Quantité acceptée"), validators=[Optional(), NumberRange(min=1, max=MAX_QUANTITY)],
                                description=_l("Laissez vide pour tout accepter."), render_kw={"inputmode": "numeric"})


class DeclineForm(FlaskForm):
    """Decline proposed work, saying why."""

    reason = TextAreaField(_l("Motif du refus"), validators=[DataRequired(_l("Indiquez le motif.")), Length(max=1000)])


class TakeBackForm(FlaskForm):
    """A coordinator brings a work order down to fewer units, or calls off all of it not begun, saying why."""

    quantity = WholeNumberField(_l("Nouvelle quantité"), validators=[Optional(), NumberRange(min=0, max=MAX_QUANTITY)],
                                description=_l("Ce qu'une machine a commencé reste au lieu ; le reste est replanifié."),
                                render_kw={"inputmode": "numeric"})
    reason = TextAreaField(_l("Motif, que le lieu lira"),
                           validators=[DataRequired(_l("Indiquez le motif.")), Length(max=1000)])


class AllocateForm(FlaskForm):
    """Propose part of a request line to a place."""

    request_line_id = SelectField(_l("Ligne"), coerce=int, validate_choice=False)
    place_id = SelectField(_l("Lieu de fabrication"), coerce=int, validate_choice=False)
    quantity = WholeNumberField(_l("Quantité"), validators=[InputRequired(WHOLE), NumberRange(min=1, max=MAX_QUANTITY)],
                                render_kw={"inputmode": "numeric"})
    reason = StringField(_l("Note pour le lieu"), validators=[Length(max=1000)])
