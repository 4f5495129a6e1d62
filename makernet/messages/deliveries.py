"""Refusals about deliveries, collection points and delivery runs."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "delivery.mode_unknown": _l("Mode de livraison inconnu : « %(value)s » ; choisissez parmi : %(allowed)s."),
    "delivery.point_mismatch": _l(
        "Une livraison à un point de retrait indique ce point, et seule une telle livraison le fait."),
    "delivery.no_lines": _l("Une livraison comporte au moins une unité."),
    "delivery.request_not_found": _l("Demande n° %(id)s introuvable parmi le travail de ce lieu."),
    "delivery.point_unknown": _l("Point de retrait n° %(id)s inconnu."),
    "delivery.line_not_in_request": _l("Ligne %(line)s : la ligne n° %(line_id)s ne fait pas partie de cette demande."),
    "delivery.not_enough_ready": _l("Ligne %(line)s : entre 1 et %(most)s unités sont prêtes à partir d'ici."),
    "delivery.not_pickable": _l("La livraison n° %(id)s est %(status)s : elle ne peut plus être enlevée."),
    "delivery.not_deliverable": _l("Déjà %(status)s : cette action n'est plus possible (livraison n° %(id)s)."),
    "delivery.receiver_required": _l("Indiquez le nom de la personne qui a reçu la livraison."),
    "delivery.missing_not_in_delivery": _l("La ligne n° %(line_id)s ne fait pas partie de cette livraison."),
    "delivery.missing_too_many": _l("Entre 0 et %(most)s unités de cette ligne peuvent manquer."),
    "delivery.nothing_received": _l(
        "Aucune unité reçue en bon état : refusez plutôt la livraison, en disant pourquoi."),
    "delivery.not_receivable": _l("La livraison n° %(id)s est %(status)s : sa réception ne peut pas être confirmée."),
    "delivery.refusal_reason_required": _l("Indiquez pourquoi la livraison est refusée."),
    "delivery.not_refusable": _l("La livraison n° %(id)s est %(status)s : elle ne peut plus être refusée."),
    "delivery.point_kind_unknown": _l(
        "Type de point de retrait inconnu : « %(value)s » ; choisissez parmi : %(allowed)s."),
    "delivery.point_incomplete": _l("Un point de retrait a un nom et une adresse."),
    "delivery.run_day_past": _l("Les tournées se proposent pour aujourd'hui ou un jour à venir, pas pour le %(day)s."),
    "delivery.no_runners": _l("%(name)s n'a pas de coursier bénévole : indiquez-en dans les conditions du lieu."),
    "delivery.place_not_located": _l(
        "%(name)s n'a pas de position connue : indiquez-la pour que ses tournées puissent être calculées."),
    "delivery.run_not_found": _l("Tournée n° %(id)s introuvable."),
    "delivery.run_not_startable": _l("La tournée n° %(id)s est déjà partie (ou a été remplacée) : elle ne part pas "
                                     "une seconde fois."),
    "delivery.run_outdated": _l("La tournée n° %(id)s n'est plus à jour : les unités de la demande n° %(request_id)s "
                                "ne sont plus prêtes à partir. Proposez de nouveau les tournées."),
}
