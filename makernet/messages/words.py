"""The product's words a refusal cites (a request's status, a supply request's kind), by the code's area and
the parameter's name: French as the pages show them, English as the codes say them."""
from __future__ import annotations

from collections.abc import Mapping

from flask_babel import get_translations, lazy_gettext, lazy_gettext as _l

from makernet.domain.explanations import PRIORITIES, WHY


class Plural:
    """A sentence whose words agree with one of its values, `count`: its singular and plural, as the catalogue
    holds them (str() gives the French singular, as str() of a lazy sentence gives the French)."""

    def __init__(self, singular: str, plural: str, count: str) -> None:
        self.singular, self.plural, self.count = singular, plural, count

    def __str__(self) -> str:
        return self.singular

    def agreeing(self, params: Mapping[str, object]) -> str:
        """The form for the count given, in the current language."""
        count = params.get(self.count)
        n = round(abs(count)) if isinstance(count, (int, float)) and not isinstance(count, bool) else 2
        return get_translations().ngettext(self.singular, self.plural, n)

REQUEST_STATES = {
    "submitted": _l("« Envoyée »"), "approved": _l("« Approuvée »"), "rejected": _l("« Rejetée »"),
    "allocated": _l("« Attribuée »"), "in_production": _l("« En production »"), "shipped": _l("« Expédiée »"),
    "closed": _l("« Livrée »"), "cancelled": _l("« Annulée »"),
}
WORK_ORDER_STATES = {
    "proposed": _l("« Proposé »"), "accepted": _l("« Accepté »"), "declined": _l("« Décliné »"),
    "done": _l("« Terminé »"), "cancelled": _l("« Annulé »"),
}
JOB_STATES = {
    "queued": _l("« En attente »"), "dispatching": _l("« Envoi »"), "printing": _l("« Impression »"),
    "done": _l("« Terminé »"), "failed": _l("« Échec »"), "cancelled": _l("« Annulé »"),
}
DELIVERY_STATES = {
    "prepared": _l("« Préparée »"), "picked_up": _l("« Enlevée »"), "delivered": _l("« Remise »"),
    "received": _l("« Reçue »"), "refused": _l("« Refusée »"),
}
SUPPLY_STATES = {
    "open": _l("« Ouverte »"), "assigned": _l("« Fournisseur trouvé »"), "fulfilled": _l("« Satisfaite »"),
    "cancelled": _l("« Annulée »"),
}
SUPPLY_KINDS = {"material": _l("matière"), "transport": _l("transport"), "premises": _l("local")}
ROLES = {"requester": _l("demandeur"), "operator": _l("opérateur"), "coordinator": _l("coordinateur"),
         "admin": _l("administrateur")}
ORGANISATION_KINDS = {
    "municipality": _l("« Commune »"), "care_facility": _l("« Établissement de soins (EHPAD) »"),
    "hospital": _l("« Hôpital »"), "fab_lab": _l("« Fab-lab »"), "sewing_workshop": _l("« Atelier de couture »"),
    "coordination": _l("« Coordination »"), "individual": _l("« Particulier »"), "other": _l("« Autre »"),
}
REFUSALS = {"decline": _l("décliné"), "partial": _l("accepté en partie")}   # how a place answered proposed work
# (area of the code, name of the parameter) -> the words its values stand for
WORDS = {
    ("request", "status"): REQUEST_STATES, ("work_order", "status"): WORK_ORDER_STATES,
    ("job", "status"): JOB_STATES, ("delivery", "status"): DELIVERY_STATES,
    ("supply", "status"): SUPPLY_STATES, ("supply", "outcome"): SUPPLY_STATES, ("supply", "kind"): SUPPLY_KINDS,
    ("access", "role"): ROLES, ("access", "roles"): ROLES, ("planning", "kind"): ORGANISATION_KINDS,
    ("notices", "answer"): REFUSALS,
    # the planner's explanations (domain.explanations, where their French is marked for the catalogue)
    ("explain", "why"): {code: lazy_gettext(text) for code, text in WHY.items()},
    ("explain", "priority"): {code: lazy_gettext(text) for code, text in PRIORITIES.items()},
}
