"""Refusals of the entry points themselves: settings, the API's requests, bodies and query strings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from makernet.messages.words import Plural

MESSAGES = {
    "config.invalid_value": _l("%(name)s : valeur non valable « %(value)s »"),
    "config.secret_key_needed": _l(
        "MAKERNET_SECRET_KEY doit être défini en mode production (MAKERNET_BROKER_URL défini)."),
    "config.secret_key_short": _l(
        "MAKERNET_SECRET_KEY doit compter au moins %(least)s caractères aléatoires en mode production "
        "(par exemple : python3 -c \"import secrets; print(secrets.token_hex(32))\")."),
    "process.already_running": _l(
        "Un autre « %(process)s » tourne déjà pour cette installation : il n'en faut qu'un. Arrêtez-le d'abord, "
        "ou laissez-le travailler."),
    "exchange.export_not_found": _l("Aucun export nommé « %(name)s »."),
    "input.nul_character": _l("Le champ %(name)s contient un caractère nul (NUL), qu'aucun texte ne peut contenir."),
    "body.nul_character": _l("un texte ne peut pas contenir de caractère nul (NUL)"),
    "query.not_flag": _l("Le paramètre %(name)s vaut true ou false (ou 1/0, yes/no, oui/non)."),
    "query.empty": _l("Le paramètre %(name)s est vide : donnez-lui une valeur, ou ne l'envoyez pas."),
    "query.not_date": _l("Le paramètre %(name)s est une date au format AAAA-MM-JJ."),
    "query.not_whole_number": _l("Le paramètre %(name)s est un nombre entier positif."),
    "filter.place_unknown": _l("Lieu inconnu : n° %(value)s."),
    "filter.period_reversed": _l("La période finit (%(until)s) avant de commencer (%(since)s)."),
    "paging.out_of_range": _l("Le paramètre %(name)s est un nombre entier de %(least)s à %(most)s."),
    "api.token_missing": _l("Envoyez votre jeton d'API dans l'en-tête « Authorization: Bearer <jeton> »."),
    "body.not_json_content": _l("Envoyez un corps JSON avec l'en-tête « Content-Type: application/json »."),
    "body.not_csv_content": _l(
        "Envoyez le CSV comme corps avec l'en-tête « Content-Type: text/csv », ou comme fichier de formulaire nommé "
        "file."),
    "body.json_invalid": _l("Le corps n'est pas du JSON valable."),
    "body.invalid": _l("Données refusées : %(problems)s"),
    "body.import_refused": Plural("%(n)s problème dans le fichier ; rien n'a été importé.",
                                    "%(n)s problèmes dans le fichier ; rien n'a été importé.", "n"),
    "http.not_found": _l("Adresse inconnue de l'API."),
    "http.method_not_allowed": _l("Méthode non permise pour cette adresse."),
    "http.too_large": _l("Le corps envoyé est trop volumineux."),
    "http.refused": _l("Requête refusée (HTTP %(status)s)."),
    "server.unexpected": _l("Erreur inattendue ; elle a été enregistrée."),
    "body.problem": _l("%(field)s : %(problem)s"),
    "body.missing": _l("champ obligatoire"),
    "body.extra": _l("champ inconnu"),
    "body.not_integer": _l("un nombre entier est attendu"),
    "body.not_number": _l("un nombre est attendu"),
    "body.not_text": _l("un texte est attendu"),
    "body.not_boolean": _l("true ou false est attendu"),
    "body.not_list": _l("une liste est attendue"),
    "body.not_object": _l("un objet JSON est attendu"),
    "body.not_date": _l("une date AAAA-MM-JJ est attendue"),
    "body.not_datetime": _l("une date et une heure ISO 8601 sont attendues"),
    "body.at_least": _l("au moins %(limit)s"),
    "body.above": _l("plus de %(limit)s"),
    "body.at_most": _l("au plus %(limit)s"),
    "body.below": _l("moins de %(limit)s"),
    "body.text_too_short": Plural("au moins %(limit)s caractère", "au moins %(limit)s caractères", "limit"),
    "body.text_too_long": Plural("au plus %(limit)s caractère", "au plus %(limit)s caractères", "limit"),
    "body.list_too_short": Plural("au moins %(limit)s élément", "au moins %(limit)s éléments", "limit"),
    "body.list_too_long": Plural("au plus %(limit)s élément", "au plus %(limit)s éléments", "limit"),
    "body.not_expected": _l("valeur attendue parmi : %(expected)s"),
    "body.pattern": _l("le texte doit suivre le motif « %(pattern)s »"),
    "body.invalid_value": _l("valeur non valable"),
}
