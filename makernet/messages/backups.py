"""Refusals of `makernet db backup` and `makernet db restore`."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "backup.file_missing": _l("Le fichier %(path)s n'existe pas."),
    "backup.unreadable": _l("Impossible de lire %(path)s : %(problem)s."),
    "backup.not_a_backup": _l(
        "%(path)s n'est pas une sauvegarde MakerNet : ni une archive de pg_dump (format custom) ni une base SQLite."),
    "backup.wrong_format": _l(
        "%(path)s est une sauvegarde %(found)s ; cette installation utilise une base %(expected)s."),
    "backup.no_revision": _l(
        "%(path)s n'est pas une sauvegarde MakerNet : elle n'a pas de révision de schéma (table alembic_version)."),
    "backup.newer_than_code": _l(
        "La sauvegarde est à la révision %(revision)s, plus récente que cette version de MakerNet (%(head)s) : "
        "installez la version de MakerNet qui l'a faite, puis restaurez."),
    "backup.database_not_empty": _l(
        "La base %(database)s contient déjà des données ; la restauration les remplacerait toutes. Restaurez "
        "dans une base vide, ou ajoutez --force pour les écraser."),
    "backup.no_schema": _l("La base %(database)s n'a pas de schéma MakerNet : il n'y a rien à sauvegarder."),
    "backup.file_exists": _l("Le fichier %(path)s existe déjà : choisissez un autre nom."),
    "backup.cannot_write": _l("Impossible d'écrire %(path)s : %(problem)s."),
    "backup.tool_missing": _l(
        "%(tool)s de PostgreSQL %(version)s est introuvable (ni dans le PATH ni sous "
        "/usr/lib/postgresql/%(version)s/bin) : installez postgresql-client-%(version)s, de la version du serveur."),
    "backup.tool_failed": _l("%(tool)s a échoué : %(problem)s"),
    "backup.database_unreachable": _l("Impossible de joindre la base %(database)s : %(problem)s"),
}
