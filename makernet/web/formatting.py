"""What the templates print: French dates and numbers, and labels for the product's codes."""
from __future__ import annotations

import re
from datetime import date, datetime

from flask import Flask
from flask_babel import (format_date, format_decimal, format_percent, format_time, get_locale, get_translations,
                         gettext, lazy_gettext as _l, ngettext)

from makernet.messages import first_of_month, plate_outcome, printer_detail, printer_reason

LABELS = {
    # request, work order, job and delivery states
    "submitted": _l("Envoyée"), "approved": _l("Approuvée"), "rejected": _l("Refusée"),
    "allocated": _l("Attribuée"), "in_production": _l("En production"), "shipped": _l("Expédiée"),
    "closed": _l("Livrée"), "cancelled": _l("Annulée"), "proposed": _l("Proposé"), "accepted": _l("Accepté"),
    "declined": _l("Décliné"), "done": _l("Terminé"), "queued": _l("En attente"), "dispatching": _l("Envoi"),
    "printing": _l("Impression"), "failed": _l("Échec"), "prepared": _l("Préparée"),
    "picked_up": _l("Enlevée"), "delivered": _l("Remise"), "received": _l("Reçue"), "refused": _l("Refusée"),
    # printer states
    "ready": _l("Prête"), "busy": _l("Occupée"), "paused": _l("En pause"), "error": _l("En erreur"),
    "offline": _l("Hors ligne"), "unknown": _l("Inconnu"), "connecting": _l("Connexion"),
    "by_hand": _l("Saisie à la main"),   # a printer (feminine) or a sewing station (masculine): a noun fits both
    "starting": _l("Démarrage"), "pausing": _l("Mise en pause"), "finishing": _l("Finition"),
    "cancelling": _l("Annulation"),
    # priorities
    "care_staff": _l("Soignants"), "emergency_services": _l("Secours (pompiers, gendarmes)"),
    "vulnerable": _l("Personnes vulnérables"), "normal": _l("Normale"),
    # roles
    "requester": _l("Demandeur"), "operator": _l("Opérateur"), "coordinator": _l("Coordinateur"),
    "admin": _l("Administrateur"),
    # organisation kinds
    "municipality": _l("Commune"), "care_facility": _l("Établissement de soins (EHPAD)"),
    "hospital": _l("Hôpital"), "fab_lab": _l("Fab-lab"), "sewing_workshop": _l("Atelier de couture"),
    "coordination": _l("Coordination"), "individual": _l("Particulier"), "other": _l("Autre"),
    # item and machine kinds, units, delivery modes
    "printed": _l("Imprimé en 3D"), "sewn": _l("Cousu"), "laser_cut": _l("Découpé au laser"),
    "assembled": _l("Assemblé"), "fdm_printer": _l("Imprimante 3D"), "sewing_station": _l("Poste de couture"),
    "laser_cutter": _l("Découpeuse laser"), "assembly_bench": _l("Poste d'assemblage"),
    "g": _l("g"), "piece": _l("pièce"), "cm": _l("cm"),
    "direct": _l("Livraison directe"), "collection_point": _l("Point de retrait"), "runner": _l("Coursier bénévole"),
    # ledger entry kinds
    "receipt": _l("Réception"), "consumption": _l("Consommation"), "transfer_out": _l("Transfert sortant"),
    "transfer_in": _l("Transfert entrant"), "adjustment": _l("Ajustement"), "scrap": _l("Rebut"),
    # supply requests: what is needed, where they stand
    "material": _l("Matière"), "transport": _l("Transport"), "premises": _l("Local"), "open": _l("Ouverte"),
    "assigned": _l("Fournisseur trouvé"), "fulfilled": _l("Satisfaite"),
    # collection points, offline printers
    "pick_up": _l("Point de retrait"), "drive_through": _l("Drive"),
    "hold": _l("garder ses plateaux en attente"), "move": _l("passer ses plateaux à une autre imprimante"),
    # planner runs: what set them off, what they changed, coordinators' rules
    "manual": _l("Lancée par la coordination"), "decline": _l("Proposition déclinée"),
    "partial": _l("Proposition acceptée en partie"), "printer_down": _l("Machine en panne"),
    "stock_out": _l("Manque de matière"), "place_out": _l("Lieu qui se retire"), "rule": _l("Règle de la coordination"),
    "daily": _l("Passage quotidien"), "taken_back": _l("Travail repris par la coordination"),
    "proposé": _l("Proposé"), "accepté automatiquement": _l("Accepté automatiquement"), "retiré": _l("Retiré"),
    "libéré": _l("Libéré"), "pin": _l("Épinglage"), "forbid": _l("Interdiction"),
    # a planner run while a worker makes it ("queued", "done" and "failed" are above), and its steps
    "waiting": _l("Attend son tour"), "running": _l("En cours"), "reading": _l("lecture des demandes"),
    "solving": _l("calcul"), "writing": _l("écriture des propositions"),
    # an e-mail's state in the outbox ("failed" is above)
    "pending": _l("À envoyer"), "sending": _l("Envoi en cours"), "sent": _l("Envoyé"),
    "outbox": _l("Gardé ici (pas de serveur SMTP)"), "digest": _l("Attend le résumé du jour"),
    "digested": _l("Envoyé dans un résumé"),
}
# where a state's word agrees otherwise with the thing it is said of
LABELS_OF = {"work_order": {"cancelled": _l("Annulé")},
             "delivery": {"refused": _l("Refusée à la réception")}}   # not a request refused at triage


def label(code: object, of: str | None = None) -> str:
    """The label of a code in the page's language, agreeing with what it is said `of` where that differs (an
    "ordre" is masculine, the states above are said of a request); unknown codes are shown as they are."""
    return str(LABELS_OF.get(of or "", {}).get(str(code)) or LABELS.get(str(code), code))


def choice_label(code: str) -> object:
    """A code's label for a form's choices, said in the language of each page that shows it (forms are defined
    once, before any page: `label` there would keep the French of that moment)."""
    return LABELS.get(code, code)


def amount(value: int | float | None, unit: str) -> str:
    """A quantity of material with its unit, the unit's word agreeing with it (1 pièce, 12 pièces, 800 g)."""
    if value is None:
        return "—"
    if unit == "piece":
        return ngettext("%(n)s pièce", "%(n)s pièces", round(abs(value)), n=number(value))
    return f"{number(value)} {label(unit)}"


def day(value: date | datetime | str | None, style: str = "medium") -> str:
    """A date the French way (21 nov. 2026)."""
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return first_of_month(format_date(value, style), get_locale())


def moment(value: datetime | str | None) -> str:
    """A date and time the French way (21 nov. 2026, 14:05), in the instance's time zone."""
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{first_of_month(format_date(value, 'medium'), get_locale())}, {format_time(value, 'short')}"


def number(value: object) -> str:
    """A number with French grouping (12 345) and decimal comma."""
    if value is None:
        return "—"
    return format_decimal(value)


def percent(value: float | None) -> str:
    """A percentage from 0-100 (printer progress)."""
    return "—" if value is None else format_percent(value / 100, "#,##0 %")


def input_attributes(field: object, attrs: dict, described: list[str]) -> dict:
    """HTML attributes of a form input: its hint and errors linked for screen readers, invalid when refused."""
    result = dict(attrs)
    if described:
        result["aria-describedby"] = " ".join(described)
    if getattr(field, "errors", None):
        result["aria-invalid"] = "true"
    if result.get("required", getattr(getattr(field, "flags", None), "required", False)):
        result["required"] = True
    else:
        result.pop("required", None)
    return result


def colon() -> str:
    """A colon between a label and what it introduces, as the page's language writes it: « Libéré : 20 » in French,
    "Released: 20" in English."""
    return gettext(" : ")


def plural_count(n: float) -> float:
    """The count `ngettext` chooses its words by, as the page's language counts: French, written in the templates
    themselves and so without a catalogue to say so, says « 0 livraison » as « 1 livraison » (English: none is
    plural)."""
    locale = get_locale()
    if locale is None or not isinstance(n, int | float):
        return n
    return 1 if locale.plural_form(abs(n)) == "one" else n


RUNNER = re.compile(r"Coursier (?P<runner>\d+) \((?P<vehicle>vélo cargo|voiture)\), (?P<place>.+)")
VEHICLE_WORDS = {"vélo cargo": _l("vélo cargo"), "voiture": _l("voiture")}


def carrier(name: str) -> str:
    """Who carries a delivery: a place's runner, as a run names them, in the page's language; a name as written."""
    if found := RUNNER.fullmatch(name or ""):
        return gettext("Coursier %(runner)s (%(vehicle)s), %(place)s", runner=found["runner"],
                       vehicle=VEHICLE_WORDS[found["vehicle"]], place=found["place"])
    return name


def init_app(app: Flask) -> None:
    """Make the filters and labels available to every template, and `ngettext` count as each language does."""
    app.jinja_env.filters.update(label=label, amount=amount, day=day, moment=moment, number=number, percent=percent,
                                 printer_detail=printer_detail, printer_reason=printer_reason,
                                 plate_outcome=plate_outcome, carrier=carrier)
    app.jinja_env.globals.update(get_locale=get_locale, input_attributes=input_attributes, colon=colon)
    app.jinja_env.install_gettext_callables(  # Flask-Babel's, with the count made plural the language's way
        gettext=lambda s: get_translations().ugettext(s), newstyle=True,
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, plural_count(n)))
