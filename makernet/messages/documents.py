"""Refusals about production reports and cost estimates."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "documents.period_reversed": _l("La période se termine le %(end)s, avant de commencer le %(start)s."),
    "documents.period_too_long": _l("Un rapport couvre au plus %(most)s jours."),
    "documents.estimate_quantity_out_of_range": _l("Un devis porte sur 1 à %(most)s unités."),
    "documents.customer_required": _l("Indiquez le client."),
    "documents.minutes_not_positive": _l("Les minutes par unité sont positives."),
    "documents.item_unknown": _l("Article n° %(id)s inconnu."),
    "documents.no_validated_design": _l("%(item)s n'a pas de version validée à fabriquer."),
    "documents.no_plate_layout": _l("Aucun plateau pour les imprimantes de ce lieu : indiquez les minutes par unité."),
    "documents.no_price": _l(
        "Prix inconnu pour %(material)s à %(place)s : indiquez-le (unit_costs_cents.%(code)s), ou enregistrez une "
        "réception avec son coût."),
}
