"""Refusals about plates and batches, and why a plate failed as pages say it."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "job.machine_busy": _l("%(machine)s est encore occupée par le plateau ou lot n° %(id)s (%(status)s)."),
    "production.reported_by_printer": _l(
        "Les plateaux d'une imprimante sont déclarés par l'imprimante, pas à la main."),
    "production.units_out_of_range": _l("Unités fabriquées et rebutées : entre 0 et %(most)s au total."),
    "job.already_reported": _l("Le plateau ou lot n° %(id)s est %(status)s : il a déjà été déclaré."),
    "job.not_stoppable": _l("Le plateau n° %(id)s est %(status)s : seul un plateau en cours d'impression, sur une "
                            "imprimante que MakerNet pilote, peut être arrêté."),
    "job.not_retryable": _l("Le plateau ou lot n° %(id)s est %(status)s : seul un plateau en échec peut être relancé."),
    "job.not_scrappable": _l(
        "Le plateau ou lot n° %(id)s est %(status)s : seul un plateau en échec peut être mis au rebut."),
    "production.no_machine_for_item": _l(
        "Aucune machine de ce lieu ne sait fabriquer %(item)s : ajoutez une imprimante avec un plateau pour son "
        "profil, ou un poste manuel qui convient."),
    "production.plates_stranded": _l(
        "Plateaux ou lots qui attendent %(machine)s : %(n)s ; aucune autre machine active du lieu (profil "
        "%(profile)s) ne peut les prendre : raccordez-en une d'abord, ou rendez ce travail (réglages du lieu)."),
}

# why a plate failed, as the printer poll writes it (domain/plates.py), and as pages say it
PLATE_OUTCOMES = (
    (re.compile(r"print interrupted: the printer went (?P<state>.+)"),
     _l("impression interrompue : l'imprimante est passée à « %(state)s »")),
    (re.compile(r"print interrupted: the printer no longer has this plate"),
     _l("impression interrompue : l'imprimante n'a plus ce plateau")),
    (re.compile(r"print interrupted: the printer is on another file \((?P<file>.+)\)"),
     _l("impression interrompue : l'imprimante imprime un autre fichier (%(file)s)")),
    (re.compile(r"cancelled on the printer"), _l("annulé sur l'imprimante")),
    (re.compile(r"stopped on the printer at (?P<percent>\d+) %"), _l("arrêté sur l'imprimante à %(percent)s %%")),
)
