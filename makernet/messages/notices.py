"""What people are told: each notification's subject and text (the e-mail's and the app's alike)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from makernet.messages.words import Plural

MESSAGES = {
    "notices.request_submitted.subject": _l("Nouvelle demande n° %(request_id)s : %(organisation)s"),
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
    "notices.work_accepted.subject": _l("Demande n° %(request_id)s : %(place)s s'en charge"),
    "notices.work_accepted.body": _l(
        "%(place)s fabrique %(what)s pour votre demande n° %(request_id)s, prêt vers le %(due)s "
        "(vous l'attendez pour le %(needed_by)s)."),
    "notices.work_changed.subject": _l("La coordination a changé l'ordre n° %(work_order_id)s"),
    "notices.work_changed.body": _l(
        "La coordination a repris %(what)s de l'ordre n° %(work_order_id)s de %(place)s (il en reste %(left)s) : "
        "%(reason)s. Les plateaux qui n'avaient pas commencé ont été retirés de la file."),
    "notices.plan_changed.subject": _l("Nouvelles propositions du planificateur (passage n° %(plan_run_id)s)"),
    "notices.plan_changed.body": _l(
        "Passage n° %(plan_run_id)s du planificateur. Ordres proposés : %(orders)s ; unités : %(units)s ; lieux : "
        "%(places)s ; unités restées sans lieu : %(unplanned)s. Le détail et les raisons sont sur la page du passage."),
    "notices.supply_requested.subject": _l("%(place)s demande de l'aide : %(kind)s"),
    "notices.supply_requested.body": _l(
        "%(place)s a besoin de %(what)s (%(kind)s) pour le %(needed_by)s. Répondez, désignez un fournisseur ou un "
        "lieu qui a du surplus depuis la page de la demande n° %(supply_id)s."),
    "notices.supply_answered.subject": _l("Réponse à votre demande d'approvisionnement n° %(supply_id)s"),
    "notices.supply_answered.body": _l(
        "La coordination a répondu à la demande de %(place)s (%(what)s) : %(answer)s État : %(status)s."),
    "notices.delivery_arrived.subject": _l("Livraison n° %(delivery_id)s arrivée : confirmez la réception"),
    "notices.delivery_arrived.body": _l(
        "La livraison de %(place)s pour votre demande n° %(request_id)s est arrivée à %(destination)s. "
        "Confirmez ce que vous avez reçu (ou refusez-la) : la demande se clôt une fois tout reçu."),
    "notices.delivery_refused.subject": _l("Livraison n° %(delivery_id)s refusée par %(requester)s"),
    "notices.delivery_refused.body": _l(
        "%(requester)s a refusé la livraison n° %(delivery_id)s (%(place)s, demande n° %(request_id)s) : "
        "%(reason)s. Ses unités sont de retour au lieu, à livrer de nouveau ; la demande attend toujours."),
    "notices.delivery_short.subject": _l(
        "Livraison n° %(delivery_id)s : %(missing)s unités abîmées ou manquantes à la réception"),
    "notices.delivery_short.body": _l(
        "%(requester)s a reçu la livraison n° %(delivery_id)s (%(place)s, demande n° %(request_id)s) avec "
        "%(missing)s unités abîmées ou manquantes : elles sont remises à faire à %(place)s, puis à livrer ; la "
        "demande les attend toujours."),
    "notices.request_at_risk.subject": _l("Votre demande n° %(request_id)s risque d'être en retard"),
    "notices.request_at_risk.body": _l(
        "Votre demande n° %(request_id)s est attendue pour le %(needed_by)s (unités encore à recevoir : "
        "%(missing)s), et une partie n'est pas encore confiée à un lieu ou ne sera pas prête à temps. La coordination le voit aussi ; la page de "
        "la demande dit où elle en est."),
    "notices.stock_low.subject": _l("Stock bas à %(place)s : %(material)s"),
    "notices.stock_low.body": _l(
        "%(material)s à %(place)s : %(available)s %(unit)s disponibles (jours restants au rythme actuel : "
        "%(days_left)s). Commandez ou demandez un approvisionnement avant la rupture."),
    "notices.stock_out.subject": _l("Rupture à %(place)s : %(material)s"),
    "notices.stock_out.body": _l(
        "%(place)s n'a plus de %(material)s disponible pour le travail accepté. Les plateaux qui en ont besoin "
        "attendent : demandez un approvisionnement, ou la coordination replanifie ce travail."),
    "notices.daily_summary.subject": _l("Votre territoire au %(day)s"),
    "notices.daily_summary.body": _l(
        "Les dernières 24 heures sur votre territoire. Nouvelles demandes : %(new)s ; unités fabriquées : %(made)s ; "
        "unités livrées : %(delivered)s. Lignes de demande en retard : %(late)s."),
    "notices.invitation.subject": _l("Votre compte MakerNet pour %(organisation)s"),
    "notices.invitation.body": _l(
        "Bonjour %(name)s, un compte MakerNet vous attend pour %(organisation)s (%(email)s). Choisissez votre mot "
        "de passe avec ce lien, valable une fois, jusqu'au %(until)s."),
    "notices.password_reset.subject": _l("Choisissez un nouveau mot de passe MakerNet"),
    "notices.password_reset.body": _l(
        "Bonjour %(name)s, votre mot de passe MakerNet a été réinitialisé par un administrateur : l'ancien ne "
        "fonctionne plus. Choisissez-en un nouveau avec ce lien, valable une fois, jusqu'au %(until)s."),
    "notices.digest.subject": Plural("Votre résumé MakerNet du %(day)s : %(count)s notification",
                                     "Votre résumé MakerNet du %(day)s : %(count)s notifications", "count"),
    "notices.digest.body": _l("Ce que MakerNet vous a signalé depuis le dernier résumé ; chaque notification est "
                              "dans l'application, sous la cloche."),
    "notices.unsubscribe_line": _l("Ne plus recevoir ces e-mails :"),
    "notices.not_found": _l("Notification n° %(id)s introuvable."),
    "notices.kind_not_yours": _l("« %(kind)s » n'est pas une notification de votre rôle (%(kinds)s)."),
    "notices.way_unknown": _l("« %(way)s » n'est pas une façon d'être prévenu (%(ways)s)."),
    "notices.hour_out_of_range": _l("L'heure du résumé va de 0 à 23."),
    "notices.unsubscribe_unknown": _l("Ce lien de désinscription n'est pas valable (copié en partie, ou d'une "
                                      "autre installation). Choisissez vos notifications depuis votre compte."),
    "webhooks.url_invalid": _l("Une adresse http:// ou https:// avec un nom d'hôte, sans identifiants."),
    "webhooks.too_many": _l("Au plus %(most)s webhooks par organisation : retirez-en un d'abord."),
    "webhooks.not_found": _l("Webhook n° %(id)s introuvable."),
    "webhooks.organisation_not_found": _l("Organisation n° %(id)s introuvable."),
}
