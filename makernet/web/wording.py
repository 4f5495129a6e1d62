"""Services' refusals that carry figures or names, said again in French on the pages.

The services speak English (the API's language) and put the figures in their sentences;
each pattern here picks those figures out and puts them in a French sentence. A
sentence no pattern knows is shown as it is, after a French lead.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from makernet.web.formatting import label

PATTERNS = [
    (r"Only (?P<level>-?\d+) in stock; (?P<quantity>\d+) cannot be taken out\.",
     _l("Il n'y en a que %(level)s en stock : impossible d'en sortir %(quantity)s.")),
    (r"(?P<place>.+) does not make this item\.", _l("%(place)s ne fabrique pas cet article.")),
    (r"(?P<place>.+) is not taking work at the moment\.", _l("%(place)s ne prend pas de travail en ce moment.")),
    (r"(?P<place>.+) has already stopped taking work\.", _l("%(place)s ne prend déjà plus de travail.")),
    (r"(?P<place>.+) is already taking work\.", _l("%(place)s prend déjà du travail.")),
    (r"(?P<place>.+) has (?P<free>-?\d+) free \(not promised to accepted work\); (?P<wanted>\d+) cannot be sent\.",
     _l("%(place)s n'a que %(free)s de libre (hors travail accepté) : impossible d'en envoyer %(wanted)s.")),
    (r"Line (?P<line>\d+): between 1 and (?P<most>-?\d+) units are ready to ship from this place\.",
     _l("Ligne %(line)s : entre 1 et %(most)s unités sont prêtes à partir d'ici.")),
    (r"No price known for (?P<material>.+) at (?P<place>.+): record a priced receipt or give .+\.",
     _l("Prix inconnu pour %(material)s à %(place)s : indiquez-le, ou enregistrez une réception avec son coût.")),
    (r"(?P<item>.+) has no validated design to make\.", _l("%(item)s n'a pas de version validée à fabriquer.")),
    (r"No design version of (?P<item>.+) is validated for a requester of kind .+\.",
     _l("Aucune version de %(item)s n'est validée pour ce type de demandeur.")),
    (r"Outside your territory: (?P<list>.+)\.", _l("Hors de votre territoire : %(list)s.")),
    (r"(?P<machine>.+) still has (?P<n>\d+) batch\(es\) to make: report them before setting it aside\.",
     _l("%(machine)s a encore %(n)s lot(s) à faire : déclarez-les avant de le mettre de côté.")),
    (r"This place already has a machine named '(?P<name>.+)'\.", _l("Le lieu a déjà un poste nommé « %(name)s ».")),
    (r"(?P<place>.+) accepts at most (?P<most>\d+) units per work order\.",
     _l("%(place)s accepte au plus %(most)s unités par ordre.")),
    (r"(?:Delivery|Supply request|Work order) (?P<id>\d+) is (?P<status>\w+); .+\.",
     _l("Déjà « %(status)s » : cette action n'est plus possible (n° %(id)s).")),
]
# why a row of an imported CSV file was refused (the column names stay as the file has them)
ROW_PATTERNS = [
    (r"(?P<what>.+) appears twice in the file", _l("%(what)s figure deux fois dans le fichier")),
    (r"(?P<name>\w+) is required", _l("la colonne %(name)s est obligatoire")),
    (r"(?P<name>\w+) must be a whole number, not (?P<raw>.+)", _l("%(name)s doit être un nombre entier, pas %(raw)s")),
    (r"(?P<name>\w+) must be at least (?P<low>.+)", _l("%(name)s doit valoir au moins %(low)s")),
    (r"(?P<name>\w+) must be a number, not (?P<raw>.+)", _l("%(name)s doit être un nombre, pas %(raw)s")),
    (r"(?P<name>\w+) must be between (?P<low>\S+) and (?P<high>\S+)",
     _l("%(name)s doit être compris entre %(low)s et %(high)s")),
    (r"(?P<name>\w+) must be oui or non, not (?P<raw>.+)", _l("%(name)s doit valoir oui ou non, pas %(raw)s")),
    (r"(?P<name>\w+) is longer than (?P<limit>\d+) characters", _l("%(name)s dépasse %(limit)s caractères")),
    (r"unknown place (?P<name>.+?)( \(import the places first\))?", _l("lieu inconnu : %(name)s")),
    (r"several places are named (?P<name>.+)", _l("plusieurs lieux s'appellent %(name)s")),
    (r"only coordinators import places", _l("seule la coordination importe des lieux")),
    (r"departement (?P<dep>.+) is not a French département code",
     _l("%(dep)s n'est pas un numéro de département français")),
    (r"département (?P<dep>.+) is outside your territory", _l("le département %(dep)s est hors de votre territoire")),
    (r"place (?P<name>.+) already exists", _l("le lieu %(name)s existe déjà")),
    (r"organisation (?P<name>.+) is outside your territory", _l("l'organisation %(name)s est hors de votre territoire")),
    (r"organisation (?P<name>.+) must be one of: (?P<kinds>.+)",
     _l("l'organisation %(name)s doit être d'un de ces types : %(kinds)s")),
    (r"unknown items: (?P<codes>.+)", _l("articles inconnus : %(codes)s")),
    (r"kind must be one of: (?P<kinds>.+)", _l("le type de machine est l'un de : %(kinds)s")),
    (r"(?P<place>.+) already has a machine named (?P<name>.+)", _l("%(place)s a déjà une machine nommée %(name)s")),
    (r"octoprint_url must start with http:// or https://", _l("octoprint_url commence par http:// ou https://")),
    (r"only a 3D printer \(fdm_printer\) has an OctoPrint URL",
     _l("seule une imprimante 3D (fdm_printer) a une adresse OctoPrint")),
    (r"unknown material (?P<code>.+)", _l("matière inconnue : %(code)s")),
    (r"(?P<n>\d+) fields, the header has (?P<m>\d+)", _l("%(n)s champs, l'en-tête en a %(m)s")),
    (r"missing columns: (?P<missing>.+?); unknown columns: (?P<unknown>.+?) \(expected (?P<expected>.+)\)",
     _l("colonnes manquantes : %(missing)s ; colonnes inconnues : %(unknown)s (attendues : %(expected)s)")),
    (r"missing columns: (?P<missing>.+?) \(expected (?P<expected>.+)\)",
     _l("colonnes manquantes : %(missing)s (attendues : %(expected)s)")),
    (r"unknown columns: (?P<unknown>.+?) \(expected (?P<expected>.+)\)",
     _l("colonnes inconnues : %(unknown)s (attendues : %(expected)s)")),
    (r"empty file.*", _l("fichier vide")),
    (r"unreadable CSV: (?P<why>.+)", _l("CSV illisible : %(why)s")),
]
SENTENCES = {
    "Say why: an adjustment needs a reason.": _l("Indiquez le motif de l'ajustement."),
    "Say why: scrapping material needs a reason.": _l("Indiquez le motif du rebut."),
    "An adjustment changes the level by at least one unit.": _l("Un ajustement modifie le niveau d'au moins une unité."),
    "A transfer goes from one place to another.": _l("Un transfert va d'un lieu à un autre."),
    "A material request names the material and a quantity of at least 1.":
        _l("Une demande de matière indique la matière et une quantité d'au moins 1."),
    "No plate layout for this place's printers: give the minutes per unit.":
        _l("Aucun plateau pour les imprimantes de ce lieu : indiquez les minutes par unité."),
    "The period ends before it starts.": _l("La période se termine avant de commencer."),
    "Say why the delivery is refused.": _l("Indiquez pourquoi la livraison est refusée."),
    "Say why the place stops.": _l("Indiquez pourquoi le lieu s'arrête."),
    "Say what happened.": _l("Indiquez ce qui se passe."),
    "A delivery needs at least one line.": _l("Une livraison comporte au moins une unité."),
    "Name the supplier.": _l("Indiquez le fournisseur."),
    "The answer is empty.": _l("La réponse est vide."),
    "A machine needs a name of 1 to 120 characters.": _l("Un poste a un nom de 1 à 120 caractères."),
    "A collection point opens in your own territory: a département where your organisation has a place "
    "(operators) or that you coordinate.":
        _l("Un point de retrait s'ouvre dans un département de votre territoire."),
    "A collection point needs a name and an address.": _l("Un point de retrait a un nom et une adresse."),
}


def _match(patterns: list, message: str) -> str | None:
    """The French sentence of the first pattern the message matches, with its figures and names."""
    for pattern, french in patterns:
        found = re.fullmatch(pattern, message)
        if found:
            values = {k: label(v) if k == "status" else (v or "") for k, v in found.groupdict().items()}
            return str(french) % values
    return None


def row_reason(reason: str) -> str:
    """Why an imported row was refused, in French when the pattern is known."""
    return _match(ROW_PATTERNS, reason) or reason


def in_french(message: str) -> str | None:
    """The French sentence for a service's refusal, or None when it is not known here."""
    if message in SENTENCES:
        return str(SENTENCES[message])
    return _match(PATTERNS, message)
