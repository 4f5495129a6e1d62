"""Refusals about the territory's pages and open data files."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "territory.file_not_found": _l("Aucun fichier de données ouvertes ne s'appelle « %(name)s »."),
    "territory.departement_not_found": _l("Le département %(code)s n'est pas dans ce territoire."),
    "territory.commune_not_found": _l("Aucune commune de code %(code)s n'a de chiffres ici."),
}
