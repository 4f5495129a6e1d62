"""Forms of data files: the CSV import of places, machines or opening stock."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField


class ImportForm(FlaskForm):
    """A CSV file of places, machines or opening stock."""

    kind = SelectField(_l("Contenu du fichier"))
    file = FileField(_l("Fichier CSV"), validators=[FileRequired(_l("Choisissez un fichier CSV."))],
                     description=_l("Séparateur point-virgule ou virgule, UTF-8 ou Windows ; la première ligne nomme les colonnes."))


IMPORT_KINDS = {"places": _l("Lieux"), "machines": _l("Machines"), "stock": _l("Stock d'ouverture")}


def import_choices(role: str) -> list:
    """What a role may import: places for coordinators, machines and stock for operators too."""
    kinds = IMPORT_KINDS if role in ("coordinator", "admin") else {k: v for k, v in IMPORT_KINDS.items() if k != "places"}
    return [(k, v) for k, v in kinds.items()]

