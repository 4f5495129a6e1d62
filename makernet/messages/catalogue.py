"""Refusals about items, materials, designs, bills of materials and plates."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "catalogue.item_code_taken": _l("Un article a déjà le code « %(code)s »."),
    "catalogue.code_invalid": _l("Un code compte de 1 à %(most)s lettres minuscules, chiffres ou tirets."),
    "catalogue.item_not_found": _l("Article n° %(id)s introuvable."),
    "catalogue.threshold_negative": _l("Le seuil d'alerte ne peut pas être négatif."),
    "catalogue.material_code_taken": _l("Une matière a déjà le code « %(code)s »."),
    "catalogue.design_label_taken": _l("Cet article a déjà une version « %(label)s »."),
    "catalogue.design_not_found": _l("Version n° %(id)s introuvable."),
    "catalogue.bom_quantity_out_of_range": _l("La quantité par unité est comprise entre 0 et %(most)s."),
    "catalogue.material_unknown": _l("Matière n° %(id)s inconnue."),
    "catalogue.plate_units_out_of_range": _l("Un plateau porte de 1 à %(most)s unités."),
    "catalogue.plate_minutes_out_of_range": _l("Un plateau s'imprime en 1 à %(most)s minutes."),
    "catalogue.gcode_size": _l("Donnez un fichier G-code de %(megabytes)s Mo au plus."),
    "catalogue.gcode_binary": _l("Ce fichier n'est pas du G-code texte (le G-code binaire n'est pas pris en charge)."),
    "catalogue.gcode_empty": _l("Ce fichier ne contient aucune commande G-code (lignes G…, M… ou T…)."),
}
