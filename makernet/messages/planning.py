"""Refusals about work orders allocated, accepted or declined, and the planner's runs and rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "request_line.not_found": _l("Ligne de demande n° %(id)s introuvable."),
    "request.not_approved": _l("La demande n° %(id)s est %(status)s : approuvez-la avant de l'attribuer."),
    "planning.quantity_out_of_range": _l(
        "La quantité est comprise entre 1 et %(most)s (ce qui reste à attribuer sur cette ligne)."),
    "planning.over_batch_limit": _l("%(place)s accepte au plus %(most)s unités par ordre."),
    "planning.accept_out_of_range": _l("Acceptez entre 1 et %(most)s unités."),
    "work_order.not_acceptable": _l("L'ordre n° %(id)s est %(status)s : seul un ordre proposé peut être accepté."),
    "work_order.decided_meanwhile": _l("L'ordre n° %(id)s a été décidé entre-temps."),
    "planning.decline_reason_required": _l("Indiquez pourquoi le travail est refusé."),
    "work_order.not_declinable": _l("L'ordre n° %(id)s est %(status)s : seul un ordre proposé peut être décliné."),
    "planning.change_reason_required": _l("Indiquez pourquoi la coordination reprend ce travail."),
    "work_order.not_changeable": _l(
        "L'ordre n° %(id)s est %(status)s : seul un ordre proposé ou accepté peut être réduit ou annulé."),
    "work_order.all_begun": _l("Tout l'ordre n° %(id)s est commencé ou fabriqué : il ne reste rien à reprendre."),
    "planning.change_out_of_range": _l(
        "Indiquez entre %(least)s et %(most)s unités : ce qui est déjà commencé reste au lieu."),
    "planning.place_not_taking_work": _l("%(place)s ne prend pas de travail en ce moment."),
    "planning.place_does_not_make_item": _l("%(place)s ne fabrique pas cet article."),
    "planning.no_design_for_requester": _l(
        "Aucune version de %(item)s n'est validée pour un demandeur de type %(kind)s."),
    "plans.release_days_out_of_range": _l("La fenêtre de lancement est comprise entre 0 et %(most)s jours."),
    "plans.rule_kind_unknown": _l("Une règle est un épinglage (pin) ou une interdiction (forbid)."),
    "plans.rule_quantity_invalid": _l("Seul un épinglage prend une quantité, d'au moins 1."),
    "plans.rule_not_found": _l("Règle n° %(id)s introuvable."),
    "plans.withdraw_reason_required": _l("Indiquez pourquoi le lieu s'arrête."),
    "plans.nothing_to_replan": _l("Aucun travail ouvert à replanifier."),
    "plans.place_already_stopped": _l("%(place)s ne prend déjà plus de travail."),
    "plans.replan_trigger_unknown": _l(
        "Le motif est une machine en panne (printer_down) ou un manque de matière (stock_out)."),
    "plans.replan_reason_required": _l("Indiquez ce qui s'est passé."),
    "plans.run_not_found": _l("Passage du planificateur n° %(id)s introuvable."),
    "plans.run_in_progress": _l(
        "Un passage du planificateur est déjà en cours pour ce territoire (n° %(id)s) : suivez-le ; relancez une "
        "fois qu'il est fini s'il le faut."),
    "plans.run_stale": _l(
        "Le passage a été abandonné : le worker qui le faisait ne donnait plus de nouvelles. Rien n'a été écrit ; "
        "relancez le planificateur."),
    "plans.run_not_taken": _l(
        "Le passage a été abandonné : aucun worker ne l'a pris à temps. Rien n'a été écrit ; vérifiez que les "
        "workers tournent, puis relancez le planificateur."),
    "plans.run_failed": _l(
        "Le calcul a échoué : aucune proposition n'a été écrite. Relancez le planificateur ; si l'échec se répète, "
        "prévenez un administrateur (le journal du worker dit pourquoi)."),
    "plans.strategy_unknown": _l("Stratégie inconnue : « %(value)s » ; choisissez parmi : %(allowed)s."),
    "plans.trigger_unknown": _l("Déclencheur inconnu : « %(value)s »."),
}
