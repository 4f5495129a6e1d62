"""Forms of the production pages: counts of a manual batch."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

WHOLE = _l("Indiquez un nombre entier.")


class ReportForm(FlaskForm):
    """Counts of a manual batch."""

    units_made = IntegerField(_l("Unités bonnes"), validators=[InputRequired(WHOLE), NumberRange(min=0)],
                              render_kw={"inputmode": "numeric"})
    units_rejected = IntegerField(_l("Rebuts"), default=0, validators=[InputRequired(WHOLE), NumberRange(min=0)],
                                  render_kw={"inputmode": "numeric"})
