"""Refusals about the material ledger and supply requests."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "stock.adjustment_reason_required": _l("Indiquez le motif de l'ajustement."),
    "stock.scrap_reason_required": _l("Indiquez le motif du rebut."),
    "stock.adjustment_zero": _l("Un ajustement modifie le niveau d'au moins une unité."),
    "stock.not_enough": _l("Il n'y en a que %(level)s en stock : impossible d'en sortir %(quantity)s."),
    "stock.receipt_not_positive": _l("Une réception ajoute une quantité positive."),
    "stock.cost_negative": _l("Un coût ne peut pas être négatif."),
    "stock.quantity_too_small": _l("La quantité est d'au moins 1."),
    "stock.transfer_same_place": _l("Un transfert va d'un lieu à un autre."),
    "stock.movement_kind_unknown": _l("Type de mouvement inconnu : « %(value)s »."),
    "supply.kind_unknown": _l("Type de besoin inconnu : « %(value)s » ; choisissez parmi : %(allowed)s."),
    "supply.needed_by_past": _l("La date de besoin est passée."),
    "supply.material_incomplete": _l("Une demande de matière indique la matière et une quantité d'au moins 1."),
    "supply.description_required": _l("Décrivez le besoin de %(kind)s."),
    "supply.answer_empty": _l("La réponse est vide."),
    "supply.not_answerable": _l(
        "La demande d'approvisionnement n° %(id)s est %(status)s : elle ne peut plus recevoir de réponse."),
    "supply.supplier_required": _l("Indiquez le fournisseur."),
    "supply.not_assignable": _l(
        "La demande d'approvisionnement n° %(id)s est %(status)s : on ne peut plus lui désigner de fournisseur."),
    "supply.not_material": _l(
        "La demande d'approvisionnement n° %(id)s porte sur un besoin de %(kind)s : seule une demande de matière peut "
        "être servie depuis le stock d'un autre lieu."),
    "supply.not_servable": _l(
        "La demande d'approvisionnement n° %(id)s est %(status)s : seule une demande ouverte peut être servie depuis "
        "le stock d'un autre lieu."),
    "supply.not_enough_free": _l(
        "%(place)s n'a que %(free)s de libre (hors travail accepté) : impossible d'en envoyer %(wanted)s."),
    "supply.not_receivable": _l(
        "La demande d'approvisionnement n° %(id)s est %(status)s : plus rien ne peut être reçu à ce titre."),
    "supply.outcome_unknown": _l("Une demande se clôt satisfaite ou annulée."),
    "supply.not_closable": _l(
        "La demande d'approvisionnement n° %(id)s est %(status)s : elle ne peut pas devenir %(outcome)s."),
}
