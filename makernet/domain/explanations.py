"""The sentences the planner explains itself with, in French (the source language), by code.

The planner says why it proposed, held or left over units, and a run says why it withdrew or gave back work,
as words: a tuple of (code, values) parts. Said here in French (`french`), for what is stored as text and for
the logs; pages, the API and e-mails say the same words in the reader's language through the Babel catalogue
(`makernet.messages.render_words`), where each sentence below is a msgid (marked `N_` for `pybabel extract`).

Values named `…_day` or `…_days` are dates shown as day and month; `why`, `priority` and `means` stand for the
words of the maps below.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

Words = tuple[tuple[str, dict], ...]   # ((code, values), ...): said one after the other


def N_(text: str) -> str:  # noqa: N802 - gettext's name for a string marked for translation, said later
    """A French sentence marked for the catalogue; translated where it is shown."""
    return text


SENTENCES = {
    "explain.units": N_("%(quantity)s unités sur %(total)s à planifier de cette ligne (%(item)s), à %(km)s km du "
                        "point de livraison."),
    "explain.pinned": N_("Affectation épinglée par la coordination."),
    "explain.capacity": N_("Capacité de %(place)s : environ %(daily)s par jour, %(backlog)s déjà en file avant ce "
                           "plan."),
    "explain.capacity_printer": N_("Capacité de %(place)s : environ %(daily)s par jour avec 1 imprimante, "
                                   "%(backlog)s déjà en file avant ce plan."),
    "explain.capacity_printers": N_("Capacité de %(place)s : environ %(daily)s par jour avec %(machines)s "
                                    "imprimantes, %(backlog)s déjà en file avant ce plan."),
    "explain.capacity_station": N_("Capacité de %(place)s : environ %(daily)s par jour avec 1 poste, %(backlog)s "
                                   "déjà en file avant ce plan."),
    "explain.capacity_stations": N_("Capacité de %(place)s : environ %(daily)s par jour avec %(machines)s postes, "
                                    "%(backlog)s déjà en file avant ce plan."),
    "explain.ready_beyond": N_("Prêtes au-delà de l'horizon de planification ; besoin le %(needed_day)s."),
    "explain.ready_on_time": N_("Prêtes vers le %(ready_day)s pour un besoin le %(needed_day)s : à temps."),
    "explain.ready_late": N_("Prêtes vers le %(ready_day)s pour un besoin le %(needed_day)s : en retard, faute de "
                             "capacité plus tôt ailleurs."),
    "explain.by_runner": N_("Livraison par les coursiers bénévoles de %(place)s le jour où elles sont prêtes (dans "
                            "leur rayon de %(km)s km)."),
    "explain.collected": N_("Retrait le lendemain dans le département (hors de portée des coursiers du lieu)."),
    "explain.shuttle": N_("Acheminement par la navette régionale entre départements."),
    "explain.shuttle_arrives": N_("Autre département : acheminement par la navette régionale, qui arrive le "
                                  "%(arrival_day)s."),
    "explain.shuttle_none": N_("Autre département : acheminement par la navette régionale (aucune navette n'est "
                               "prévue)."),
    "explain.promised": N_("Compte sur la matière promise à %(place)s (livraisons attendues le %(delivery_days)s)."),
    "explain.priority": N_("Priorité : %(priority)s."),
    "explain.nearer_not_used": N_("Plus proche mais non retenue : %(place)s (%(km)s km), %(why)s."),
    "explain.replaces": N_("Remplace la proposition faite à %(place)s (%(km)s km), restée sans réponse : "
                           "%(nearer)s est plus proche du demandeur et peut la faire à temps."),
    "explain.held": N_("%(quantity)s unités prévues chez %(place)s à partir du %(start_day)s : proposées quand la "
                       "place sera sur le point de les commencer, pour laisser passer d'ici là les demandes plus "
                       "urgentes."),
    "explain.held_beyond": N_("%(quantity)s unités prévues chez %(place)s au-delà de l'horizon de planification : "
                              "proposées quand la place sera sur le point de les commencer, pour laisser passer "
                              "d'ici là les demandes plus urgentes."),
    "explain.withdrawn": N_("Proposition retirée à %(place)s : %(reason)s"),
    "explain.withdrawn_nearer": N_("Proposition retirée à %(place)s, restée sans réponse : proposée plus près "
                                   "(%(km)s km au lieu de %(was_km)s km)."),
    "explain.released": N_("Unités non commencées reprises à %(place)s : %(reason)s"),
    "explain.proposed": N_("proposé par le planificateur"),
    "explain.withdrawn_nearer_order": N_("retirée, restée sans réponse : proposée à une place plus proche du "
                                         "demandeur (%(km)s km au lieu de %(was_km)s km)"),
    "explain.refused_partial": N_("acceptée en partie : %(accepted)s sur %(quantity)s"),
    "explain.refused_decline": N_("refusée : %(reason)s"),
    "explain.run_refused": N_("Proposition %(work_order_id)s"),
    "explain.place_out": N_("%(place)s se retire : %(reason)s"),
    "explain.printers_down": N_("imprimante hors service : %(printers)s"),
    "explain.stock_out": N_("rupture de %(material)s : %(level)s %(unit)s en stock pour %(needed)s %(unit)s de travail "
                            "accepté ou proposé"),
    "explain.taken_back_one": N_("1 unité reprise par la coordination : %(reason)s"),
    "explain.taken_back": N_("%(units)s unités reprises par la coordination : %(reason)s"),
    "explain.called_off": N_("Annulé par la coordination : %(reason)s"),
    "explain.not_ready_in_time": N_("%(reason)s ; elles n'y seraient plus prêtes à temps"),
    "explain.run_manual": N_("lancé par la coordination"),
    "explain.run_daily": N_("passage quotidien du matin"),
    "explain.run_pin": N_("Ligne %(line)s épinglée à %(place)s"),
    "explain.run_forbid": N_("Ligne %(line)s interdite pour %(place)s"),
    "explain.run_order": N_("Ordre %(work_order_id)s :"),
    "explain.no_design": N_("Aucune version de l'article n'est validée pour ce type de demandeur."),
    "explain.no_machine": N_("Aucune place active n'a de machine disponible pour cet article."),
    "explain.all_kept_off": N_("Aucune place qui fait cet article ne peut prendre cette ligne :"),
    "explain.kept_off": N_("%(place)s (%(why)s)."),
    "explain.no_material": N_("Matière insuffisante dans les places qui font cet article."),
    "explain.no_capacity": N_("Capacité des places épuisée sur l'horizon de planification."),
}

PROPOSED: Words = (("explain.proposed", {}),)   # the reason a work order the planner proposed gives

# why a nearer place got none of a line
WHY = {
    "coordination": N_("écartée par la coordination"),
    "declined": N_("a refusé cette ligne"),
    "partial": N_("n'a accepté qu'une partie de cette ligne"),
    "no_item": N_("ne fait pas cet article ou n'a pas de machine disponible"),
    "no_material": N_("matière insuffisante"),
    "batch": N_("limite de lot atteinte"),
    "too_far_runner": N_("trop loin pour livrer à temps (même par coursier)"),
    "too_far_collected": N_("trop loin pour livrer à temps (retrait le lendemain dans le département)"),
    "too_far_shuttle": N_("trop loin pour livrer à temps (la navette régionale n'arrive pas avant la date)"),
    "full": N_("capacité déjà prise jusqu'à l'échéance"),
    "runs_full": N_("les tournées de ses coursiers sont déjà pleines jusqu'à l'échéance"),
    "kept": N_("sa capacité est gardée pour les demandes qui arrivent chaque jour plus près d'elle"),
    "busy": N_("sa capacité sert des demandes plus urgentes ou plus proches d'elle"),
}
PRIORITIES = {"care_staff": N_("soignants"), "emergency_services": N_("secours et forces de l'ordre"),
              "vulnerable": N_("personnes vulnérables"), "normal": N_("priorité normale")}
# the words a value stands for, by the value's name
NAMED = {"why": WHY, "priority": PRIORITIES}


def taken_back(units: int, reason: str) -> Words:
    """Units of a work order the coordination took back, and why."""
    return (("explain.taken_back_one" if units == 1 else "explain.taken_back", {"units": units, "reason": reason}),)


def french(words: Iterable[tuple[str, Mapping[str, object]]]) -> str:
    """The words as one French text, figures as they are, dates as day/month."""
    return " ".join(SENTENCES[code] % {name: _said(name, value) for name, value in values.items()}
                    for code, values in words)


def stored(words: Words) -> list[list]:
    """Words as JSON keeps them ([code, values] parts): dates as ISO 8601 (said again as dates where shown)."""
    return [[code, {name: _stored(value) for name, value in values.items()}] for code, values in words]


def _stored(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {name: _stored(item) for name, item in value.items()}
    return [_stored(item) for item in value] if isinstance(value, (list, tuple)) else value


def words_of(value: object) -> Words | None:
    """Words given as words (tuples, or lists as JSON and a task's arguments carry them); None for a text."""
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value or not all(
            isinstance(part, (list, tuple)) and len(part) == 2 and part[0] in SENTENCES and isinstance(part[1], Mapping)
            for part in value):
        return None
    return tuple((code, dict(values)) for code, values in value)


def said(value: str | Words) -> str:
    """A reason as French text, whether given as a text or as words."""
    words = words_of(value)
    return french(words) if words else str(value)


def _said(name: str, value: object) -> str:
    if (words := words_of(value)) is not None:   # a part in words of its own
        return french(words)
    if name in NAMED:
        return NAMED[name].get(str(value), str(value))
    if name.endswith(("_day", "_days")):
        days = value if isinstance(value, (list, tuple)) else [value]
        return ", ".join(day.strftime("%d/%m") if isinstance(day, date) else str(day) for day in days)
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
