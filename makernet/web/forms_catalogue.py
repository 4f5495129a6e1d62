"""Forms of the catalogue pages (admins): items, materials, design versions, bills of materials, plates."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from makernet.services.accounts import ORGANISATION_KINDS
from makernet.services.catalogue import ITEM_KINDS, UNITS
from makernet.web.formatting import choice_label
from makernet.web.forms import REQUIRED, WHOLE, WholeNumberField, options

CODE = Regexp(r"^[a-z0-9][a-z0-9-]*$", message=_l("Lettres minuscules, chiffres et tirets."))


def _choices(codes: tuple[str, ...]) -> list:
    return options((code, choice_label(code)) for code in codes)


class ItemForm(FlaskForm):
    """A new catalogue item."""

    code = StringField(_l("Code"), validators=[DataRequired(REQUIRED), Length(max=40), CODE])
    name = StringField(_l("Nom"), validators=[DataRequired(REQUIRED), Length(max=120)])
    kind = SelectField(_l("Fabrication"), choices=_choices(ITEM_KINDS))


class MaterialForm(FlaskForm):
    """A new material."""

    code = StringField(_l("Code"), validators=[DataRequired(REQUIRED), Length(max=40), CODE])
    name = StringField(_l("Nom"), validators=[DataRequired(REQUIRED), Length(max=120)])
    unit = SelectField(_l("Unité"), choices=_choices(UNITS))
    low_stock_threshold = WholeNumberField(_l("Seuil d'alerte"), default=0,
                                           validators=[InputRequired(WHOLE), NumberRange(min=0)])


class DesignForm(FlaskForm):
    """A new design version of an item."""

    label = StringField(_l("Version"), validators=[DataRequired(REQUIRED), Length(max=40)])
    validated = BooleanField(_l("Validée pour la production"))
    validated_for = SelectMultipleField(_l("Validée pour (vide : tous les demandeurs)"),
                                        choices=_choices(ORGANISATION_KINDS), widget=ListWidget(prefix_label=False),
                                        option_widget=CheckboxInput())
    notes = TextAreaField(_l("Notes"), validators=[Length(max=1000)])


class BomForm(FlaskForm):
    """How much of a material one unit takes (0 removes the line)."""

    material_id = SelectField(_l("Matière"), coerce=int, validate_choice=False)
    quantity = WholeNumberField(_l("Quantité par unité"), validators=[InputRequired(WHOLE), NumberRange(0, 1_000_000)])
    good_units_only = BooleanField(_l("Ajoutée aux seules unités bonnes"),
                                   description=_l("Par exemple la feuille et l'élastique d'une visière, montés sur "
                                                  "un cadre sorti bon : un rebut ne les consomme pas."))


class PlateForm(FlaskForm):
    """A print plate of a design for one printer profile, with its G-code file."""

    printer_profile = StringField(_l("Profil d'imprimante"), validators=[DataRequired(REQUIRED), Length(max=40), CODE],
                                  description=_l("Par exemple : prusa-mk3."))
    units_per_plate = WholeNumberField(_l("Unités par plateau"),
                                       validators=[InputRequired(WHOLE), NumberRange(1, 1000)])
    print_minutes = WholeNumberField(_l("Durée d'impression (minutes)"),
                                     validators=[InputRequired(WHOLE), NumberRange(1, 10_000)])
    gcode = FileField(_l("Fichier G-code"), validators=[FileRequired(_l("Choisissez un fichier G-code."))])
