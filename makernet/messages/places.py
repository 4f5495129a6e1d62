"""Refusals about places, their conditions and work centres, and printers connected to them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from makernet.messages.words import Plural

MESSAGES = {
    "places.days_unknown": _l("Jours inconnus : %(days)s ; utilisez %(allowed)s."),
    "places.span_unreadable": _l("%(day)s : chaque créneau a un début et une fin en HH:MM."),
    "places.span_reversed": _l("%(day)s : le créneau %(start)s–%(end)s finit avant de commencer."),
    "places.spans_overlap": _l("%(day)s : les créneaux se suivent sans se chevaucher."),
    "places.staff_out_of_range": _l("Le nombre de personnes disponibles est compris entre 1 et %(most)s."),
    "places.batch_limit_out_of_range": _l("La quantité maximale par ordre est comprise entre 1 et %(most)s, ou vide."),
    "places.hourly_value_out_of_range": _l("La valeur d'une heure est comprise entre 0 et %(most)s euros."),
    "places.offline_policy_unknown": _l(
        "Si une imprimante ne répond plus, ses plateaux attendent (hold) ou passent à une autre (move)."),
    "places.items_unknown": _l("Articles inconnus : n° %(ids)s."),
    "places.runners_out_of_range": _l("Le lieu a de 0 à %(most)s coursiers bénévoles."),
    "places.runs_per_day_out_of_range": _l("Chaque coursier fait de 1 à %(most)s tournées par jour."),
    "places.run_hours_out_of_range": _l("Une tournée dure de %(least)s à %(most)s heures."),
    "places.vehicle_unknown": _l("Les coursiers livrent en vélo cargo (bike) ou en voiture (car)."),
    "places.delivery_radius_out_of_range": _l(
        "Le rayon de livraison est de plus de 0 et d'au plus %(most)s km ; laissez-le vide pour celui du véhicule."),
    "places.run_load_out_of_range": _l(
        "Une tournée emporte de 1 à %(most)s unités ; laissez vide pour la charge du véhicule."),
    "places.already_taking_work": _l("%(place)s prend déjà du travail."),
    "places.machine_name_length": _l("Un poste a un nom de 1 à %(most)s caractères."),
    "places.machine_name_taken": _l("Le lieu a déjà un poste nommé « %(name)s »."),
    "places.manual_kind_unknown": _l(
        "Un poste manuel est l'un de : %(allowed)s ; les imprimantes s'ajoutent par leur raccordement."),
    "places.machine_is_printer": _l("%(machine)s est une imprimante : elle se gère depuis son raccordement."),
    "places.machine_in_service": _l("%(machine)s est déjà en service."),
    "places.machine_set_aside": _l("%(machine)s est déjà mis de côté."),
    "places.machine_busy": Plural("%(machine)s a encore %(n)s lot à faire : déclarez-le avant de le mettre de côté.",
                                    "%(machine)s a encore %(n)s lots à faire : déclarez-les avant de le mettre de côté.",
                                    "n"),
    "places.broker_not_rabbitmq": _l(
        "Les identifiants d'un lieu se créent sur RabbitMQ (MAKERNET_BROKER_URL en amqp:// ou amqps://) ; sur "
        "%(scheme)s, ils ne peuvent pas être limités à la file du lieu."),
    "places.broker_unreachable": _l("Le broker ne répond pas (MAKERNET_BROKER_URL) : %(detail)s"),
    "places.rabbitmqctl_missing": _l(
        "rabbitmqctl est introuvable : lancez cette commande sur l'hôte de RabbitMQ, en root ou membre du groupe "
        "rabbitmq."),
    "places.rabbitmqctl_failed": _l(
        "rabbitmqctl %(command)s a échoué : %(detail)s (lancez cette commande sur l'hôte de RabbitMQ, en root ou "
        "membre du groupe rabbitmq)."),
    "fleet.url_invalid": _l("Donnez l'adresse %(host)s de l'imprimante, par exemple http://192.168.1.20:5000."),
    "fleet.url_not_bare": _l("Donnez seulement l'adresse %(host)s de l'imprimante, sans chemin, paramètres ni "
                             "identifiants : http://hôte:port, par exemple http://192.168.1.20:5000."),
    "fleet.address_not_allowed": _l("L'adresse %(host)s n'est pas dans les réseaux d'imprimantes de cette installation "
                                    "(ou son nom ne s'y résout pas) : voyez avec son administrateur."),
    "fleet.driver_unknown": _l("Hôte d'imprimante inconnu : « %(value)s » ; choisissez parmi : %(allowed)s."),
    "fleet.name_required": _l("Donnez un nom à l'imprimante."),
    "fleet.profile_required": _l("Indiquez le profil de l'imprimante (les plateaux qu'elle sait imprimer)."),
    "fleet.address_taken": _l("Ce lieu a déjà une imprimante à cette adresse."),
    "fleet.no_key_to_ask": _l("%(machine)s n'a pas de clé à demander : son pilote (%(host)s) n'en prend pas."),
}
