"""Refusals about requests and their triage (approve, reject, split, merge)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "demand.line_item_unknown": _l("Ligne %(line)s : article n° %(id)s inconnu."),
    "demand.no_lines": _l("Une demande comporte au moins une ligne."),
    "demand.too_many_lines": _l("Une demande compte au plus %(most)s lignes."),
    "demand.line_quantity_too_small": _l("Ligne %(line)s : la quantité est d'au moins %(least)s."),
    "demand.line_quantity_too_large": _l("Ligne %(line)s : la quantité ne peut pas dépasser %(most)s."),
    "demand.needed_by_past": _l("La date de besoin est passée."),
    "demand.needed_by_today": _l("La date de besoin est au plus tôt demain : "
                                 "il faut au moins un jour pour fabriquer et livrer."),
    "demand.line_item_repeated": _l("Ligne %(line)s : « %(item)s » figure déjà ligne %(first)s ; "
                                    "indiquez la quantité totale sur une seule ligne."),
    "demand.delivery_point_required": _l("Le lieu de livraison est obligatoire."),
    "demand.priority_unknown": _l("Priorité inconnue : « %(value)s » ; choisissez parmi : %(allowed)s."),
    "demand.reject_reason_required": _l("Indiquez pourquoi la demande est refusée."),
    "request.not_submitted": _l("La demande n° %(id)s est %(status)s : seule une demande envoyée peut être approuvée."),
    "request.not_rejectable": _l("La demande n° %(id)s est %(status)s : elle ne peut plus être refusée."),
    "request.not_in_triage": _l(
        "La demande n° %(id)s est %(status)s : seule une demande en cours d'examen peut être scindée ou fusionnée."),
    "request.has_work_orders": _l(
        "La demande n° %(id)s a déjà des ordres de travail : elle ne peut plus être scindée ni fusionnée."),
    "demand.line_not_in_request": _l("La ligne n° %(line_id)s ne fait pas partie de cette demande."),
    "demand.split_out_of_range": _l("Déplacez entre 0 et %(most)s unités de la ligne n° %(line_id)s."),
    "demand.split_nothing_moved": _l("Déplacez au moins une unité vers la nouvelle demande."),
    "demand.split_nothing_left": _l("Laissez au moins une unité dans cette demande."),
    "demand.merge_nothing_chosen": _l("Choisissez au moins une autre demande à fusionner."),
    "demand.merge_other_organisation": _l("La demande n° %(id)s vient d'une autre organisation."),
    "demand.merged_quantity_too_large": _l("Une fois fusionnée, une ligne dépasserait %(most)s unités."),
    "request.changed_meanwhile": _l("La demande n° %(id)s a changé entre-temps."),
    "request.production_started": _l(
        "La production de la demande n° %(id)s a commencé : elle ne peut plus être modifiée ni annulée ici. "
        "Demandez la modification à la coordination."),
    "request.no_longer_open": _l("La demande n° %(id)s est %(status)s : elle ne peut plus être modifiée."),
    "demand.ask_message_required": _l("Écrivez ce que vous souhaitez changer."),
    "demand.ask_message_too_long": _l("Le message compte au plus %(most)s caractères."),
    "filter.status_unknown": _l("Statut inconnu : « %(value)s »."),
}
