"""What people are told: each notification's subject and text (the e-mail's and the app's alike)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "notices.request_submitted.subject": _l("Nouvelle demande n° %(request_id)s de %(organisation)s"),
    "notices.request_submitted.body": _l(
        "%(organisation)s demande %(what)s pour le %(needed_by)s, à livrer à %(delivery_point)s. "
        "Elle attend votre examen."),
    "notices.request_approved.subject": _l("Votre demande n° %(request_id)s est validée"),
    "notices.request_approved.body": _l(
        "La coordination a validé votre demande (%(what)s pour le %(needed_by)s) : elle va être confiée à des "
        "lieux de fabrication. Vous serez prévenu de chaque étape."),
    "notices.request_rejected.subject": _l("Votre demande n° %(request_id)s n'est pas retenue"),
    "notices.request_rejected.body": _l(
        "La coordination n'a pas retenu votre demande (%(what)s pour le %(needed_by)s). Raison : %(reason)s"),
    "notices.work_proposed.subject": _l("Travail proposé à %(place)s : %(quantity)s × %(item)s"),
    "notices.work_proposed.body": _l(
        "La coordination propose à %(place)s de fabriquer %(quantity)s × %(item)s pour le %(due)s "
        "(demande n° %(request_id)s). Acceptez tout, une partie, ou déclinez depuis la page de l'ordre."),
    "notices.work_refused.subject": _l("%(place)s a %(answer)s l'ordre n° %(work_order_id)s"),
    "notices.work_refused.body": _l(
        "%(place)s a %(answer)s l'ordre n° %(work_order_id)s (%(item)s, demande n° %(request_id)s) : %(what)s. "
        "Le reste est à planifier de nouveau."),
    "notices.printer_down.subject": _l("%(machine)s ne répond plus (%(place)s)"),
    "notices.printer_down.body": _l(
        "%(machine)s, à %(place)s, est passée hors ligne ou en erreur. Les plateaux qui l'attendent sont en "
        "suspens jusqu'à son retour."),
    "notices.delivery_shipped.subject": _l("Livraison n° %(delivery_id)s en route pour la demande n° %(request_id)s"),
    "notices.delivery_shipped.body": _l(
        "%(place)s a expédié %(what)s vers %(destination)s. Confirmez la réception à l'arrivée : "
        "le bon de livraison est sur la page de la livraison."),
    "notices.place_stopped.subject": _l("%(place)s ne prend plus de travail"),
    "notices.place_stopped.body": _l(
        "%(place)s s'est retiré : %(reason)s. Son travail proposé est replanifié ; ce qu'il avait accepté lui reste "
        "tant qu'il ne le rend pas."),
    "notices.place_resumed.subject": _l("%(place)s reprend du travail"),
    "notices.place_resumed.body": _l(
        "%(place)s peut de nouveau recevoir du travail : le prochain passage du planificateur pourra lui en proposer."),
    "notices.work_reminder.subject": _l("Rappel : l'ordre n° %(work_order_id)s attend votre réponse"),
    "notices.work_reminder.body": _l(
        "Le travail proposé à %(place)s (%(quantity)s × %(item)s) attend une réponse depuis plus de %(hours)s heures. "
        "Acceptez tout, une partie, ou déclinez : sans réponse, la coordination ne peut pas compter dessus."),
    "notices.not_found": _l("Notification n° %(id)s introuvable."),
}
