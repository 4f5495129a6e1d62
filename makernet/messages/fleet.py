"""What pages say of a printer's state detail: the usual failures of its host (one wording each, in one place)
and the steps of its key, by the codes services store (`fleet.worker.FAILURES`); and refusals about printers."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "fleet.awaiting_approval": _l("En attente d'accord dans OctoPrint : acceptez « MakerNet » dans les dix minutes."),
    "fleet.key_stored": _l("Clé enregistrée ; premier relevé au prochain passage."),
    "fleet.key_not_yet": _l(
        "OctoPrint répond à cette adresse, mais MakerNet n'a pas encore sa clé : acceptez « MakerNet » dans "
        "OctoPrint, puis testez de nouveau."),
    "fleet.unreachable": _l(
        "L'hôte de l'imprimante ne répond pas à cette adresse (connexion refusée, pas de réponse ou nom inconnu) : "
        "vérifiez l'adresse et le port, et que l'hôte (OctoPrint, Moonraker ou PrusaLink) est allumé."),
    "fleet.key_refused": _l(
        "L'hôte de l'imprimante refuse la clé de MakerNet (HTTP 401 ou 403) : redemandez une clé (OctoPrint), ou "
        "retirez l'imprimante et raccordez-la avec sa bonne clé (Moonraker, PrusaLink)."),
    "fleet.no_app_keys": _l(
        "Cet OctoPrint ne distribue pas de clés d'application : créez une clé dans OctoPrint (Paramètres › "
        "Application Keys), retirez l'imprimante et raccordez-la de nouveau en donnant cette clé ; pour un lieu "
        "qui a son propre worker, entrez-la sur sa machine avec « makernet place key »."),
    "fleet.key_request_refused": _l("La demande de clé a été refusée dans OctoPrint, ou elle a expiré : redemandez une clé."),
    "fleet.key_request_expired": _l("Personne n'a accepté « MakerNet » dans OctoPrint à temps : redemandez une clé."),
    "fleet.not_the_host": _l(
        "Cette adresse ne répond pas comme l'hôte choisi (OctoPrint, Moonraker ou PrusaLink) : vérifiez l'hôte, "
        "l'adresse et le port."),
    "fleet.outside_networks": _l(
        "Non contactée : son adresse est hors des réseaux d'imprimantes de cette installation "
        "(MAKERNET_PRINTER_NETWORKS)."),
    "fleet.key_left_at_place": _l(
        "La clé est restée sur la machine du worker du lieu, que ce lieu n'utilise plus : redemandez une clé."),
    "fleet.no_key_at_place": _l(
        "Pas de clé pour cette imprimante sur la machine du lieu : redemandez une clé depuis cette page (ou entrez-la "
        "sur la machine du lieu avec « makernet place key »)."),
    "fleet.worker_changed": _l("Le worker du lieu a changé : redemandez une clé depuis cette page."),
    "fleet.profile_unknown": _l(
        "Profil d'imprimante inconnu : « %(value)s » ; choisissez parmi ceux qui ont des plateaux au catalogue : "
        "%(allowed)s."),
    "fleet.address_is_makernet": _l(
        "%(address)s est l'adresse de MakerNet lui-même, pas celle d'une imprimante : donnez l'adresse de son hôte "
        "(OctoPrint, Moonraker ou PrusaLink)."),
    "fleet.key_invalid": _l(
        "Une clé a de 8 à 200 caractères : lettres, chiffres et - _ . ~ + / = ; copiez-la depuis l'hôte de "
        "l'imprimante."),
    "fleet.key_kept_at_place": _l(
        "%(place)s a son propre worker, qui garde les clés de ses imprimantes : laissez ce champ vide (le worker "
        "demande la clé à OctoPrint) ou entrez la clé sur la machine du lieu avec « makernet place key » (voir "
        "deploy/README.md, « Keys at the place »)."),
    "fleet.key_required": _l(
        "%(host)s ne répond qu'avec une clé : copiez-la depuis son interface et donnez-la en raccordant l'imprimante."),
    "fleet.no_key_needed": _l(
        "Raccordée sans clé : Moonraker doit compter l'adresse de MakerNet parmi ses clients de confiance "
        "(trusted_clients)."),
    "fleet.key_typed_at_place": _l(
        "Entrez la clé de cette imprimante sur la machine du lieu avec « makernet place key » (voir deploy/README.md, "
        "« Keys at the place »)."),
    "fleet.machine_printing": _l("%(machine)s imprime un plateau : attendez qu'il soit fini avant de la retirer."),
}
