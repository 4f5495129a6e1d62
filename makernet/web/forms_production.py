"""Forms of the production pages: counts of a manual batch."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, NumberRange

from makernet.web.forms import WHOLE, WholeNumberField


class ReportForm(FlaskForm):
    """Counts of a manual batch."""

    units_made = WholeNumberField(_l("Unités bonnes"), validators=[InputRequired(WHOLE), NumberRange(min=0)],
                                  render_kw={"inputmode": "numeric"})
    units_rejected = WholeNumberField(_l("Rebuts"), default=0, validators=[InputRequired(WHOLE), NumberRange(min=0)],
                                      render_kw={"inputmode": "numeric"})
