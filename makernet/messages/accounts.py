"""Refusals about who may do what: roles, territories, sign-in, tokens, users, organisations, text fields."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "access.role_needed": _l("Votre rôle (%(role)s) ne permet pas cette action ; il faut être : %(roles)s."),
    "access.outside_territory": _l("Hors de votre territoire : %(departements)s."),
    "access.point_outside_territory": _l("Un point de retrait s'ouvre dans un département de votre territoire."),
    "request.not_found": _l("Demande n° %(id)s introuvable."),
    "delivery.not_found": _l("Livraison n° %(id)s introuvable."),
    "place.not_found": _l("Lieu n° %(id)s introuvable."),
    "supply.not_found": _l("Demande d'approvisionnement n° %(id)s introuvable."),
    "machine.not_found": _l("Machine n° %(id)s introuvable."),
    "job.not_found": _l("Plateau ou lot n° %(id)s introuvable."),
    "work_order.not_found": _l("Ordre de travail n° %(id)s introuvable."),
    "stock.transfer_place_unknown": _l("Lieu n° %(id)s inconnu."),
    "fields.required": _l("Le champ %(name)s est obligatoire."),
    "fields.too_long": _l("Le champ %(name)s compte au plus %(limit)s caractères."),
    "fields.not_one_of": _l("Valeur inconnue pour %(name)s : « %(value)s » ; choisissez parmi : %(allowed)s."),
    "fleet.key_unreadable": _l(
        "La clé de l'imprimante est illisible : la clé secrète de l'installation a changé depuis son enregistrement. "
        "Connectez de nouveau l'imprimante."),
    "secrets.old_secret_missing": _l("Donnez l'ancienne clé secrète, celle qui a scellé les clés des imprimantes."),
    "secrets.same_secret": _l(
        "L'ancienne clé secrète est celle de l'installation : mettez d'abord la nouvelle dans MAKERNET_SECRET_KEY "
        "(ou le fichier secret_key du dossier d'instance), puis relancez la rotation avec l'ancienne."),
    "secrets.old_secret_wrong": _l(
        "L'ancienne clé secrète donnée n'ouvre pas la clé de la machine n° %(machine_id)s, ni la nouvelle : "
        "rien n'a été changé."),
    "accounts.sign_in_refused": _l("Adresse e-mail inconnue ou mot de passe erroné."),
    "accounts.locale_unknown": _l("Langue inconnue : %(value)s ; MakerNet parle français (fr) et anglais (en)."),
    "accounts.current_password_wrong": _l("Ce n'est pas votre mot de passe actuel."),
    "accounts.token_name_length": _l("Un jeton a un nom de 1 à %(most)s caractères."),
    "accounts.token_invalid": _l("Jeton d'API inconnu ou révoqué."),
    "accounts.token_expired": _l("Ce jeton d'API a expiré : créez-en un nouveau."),
    "accounts.token_lifetime": _l("Un jeton vaut de %(least)s à %(most)s jours."),
    "accounts.no_user_with_email": _l("Aucun utilisateur n'a l'adresse e-mail %(email)s."),
    "accounts.throttled": _l("Trop de tentatives de connexion : attendez %(minutes)s minutes avant de réessayer."),
    "accounts.slowed": _l("Trop de tentatives pour ce compte : réessayez dans %(seconds)s secondes."),
    "accounts.password_length": _l("Le mot de passe compte de %(least)s à %(most)s caractères."),
    "accounts.password_is_email": _l("Le mot de passe ne peut pas être l'adresse e-mail."),
    "accounts.password_common": _l(
        "Ce mot de passe est parmi les plus courants ; choisissez-en un autre, une courte phrase par exemple."),
    "accounts.token_not_found": _l("Jeton n° %(id)s introuvable."),
    "accounts.departement_invalid": _l("« %(code)s » n'est pas un numéro de département."),
    "accounts.organisation_exists": _l("Une organisation nommée « %(name)s » existe déjà."),
    "accounts.organisation_not_found": _l("Organisation n° %(id)s introuvable."),
    "accounts.email_invalid": _l("Ce n'est pas une adresse e-mail."),
    "accounts.organisation_unknown": _l("Organisation n° %(id)s inconnue."),
    "accounts.user_exists": _l("Un utilisateur a déjà l'adresse e-mail %(email)s."),
    "accounts.user_not_found": _l("Utilisateur n° %(id)s introuvable."),
    "accounts.cannot_deactivate_self": _l("Vous ne pouvez pas désactiver votre propre compte."),
    "accounts.invitation_unknown": _l(
        "Ce lien d'invitation est inconnu, déjà utilisé ou expiré ; demandez-en un nouveau à un administrateur."),
}
