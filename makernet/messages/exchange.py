"""Refusals about CSV imports and exports; a row's reason stays in lower case, after its line number."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "exchange.import_unknown": _l("Import inconnu : « %(value)s » ; choisissez parmi : %(allowed)s."),
    "exchange.export_unknown": _l("Export inconnu : « %(value)s » ; choisissez parmi : %(allowed)s."),
    "exchange.too_many_rows": _l("Au plus %(most)s lignes par import."),
    "import.columns_wrong": _l(
        "colonnes manquantes : %(missing)s ; colonnes inconnues : %(unknown)s (attendues : %(expected)s)"),
    "import.columns_missing": _l("colonnes manquantes : %(missing)s (attendues : %(expected)s)"),
    "import.columns_unknown": _l("colonnes inconnues : %(unknown)s (attendues : %(expected)s)"),
    "import.empty_file": _l("fichier vide (colonnes attendues : %(expected)s)"),
    "import.field_count": _l("%(fields)s champs, l'en-tête en a %(header)s"),
    "import.nul_character": _l("cette ligne contient un caractère nul (NUL) : enregistrez le fichier en CSV texte"),
    "import.unreadable": _l("CSV illisible : %(problem)s"),
    "import.required": _l("la colonne %(column)s est obligatoire"),
    "import.not_whole_number": _l("%(column)s doit être un nombre entier, pas '%(value)s'"),
    "import.too_small": _l("%(column)s doit valoir au moins %(least)s"),
    "import.not_number": _l("%(column)s doit être un nombre, pas '%(value)s'"),
    "import.out_of_range": _l("%(column)s doit être compris entre %(least)s et %(most)s"),
    "import.not_yes_or_no": _l("%(column)s doit valoir oui ou non, pas '%(value)s'"),
    "import.too_long": _l("%(column)s dépasse %(limit)s caractères"),
    "import.place_unknown": _l("lieu inconnu : « %(name)s » (importez d'abord les lieux)"),
    "import.place_ambiguous": _l("plusieurs lieux s'appellent « %(name)s »"),
    "import.places_for_coordinators": _l("seule la coordination importe des lieux"),
    "import.departement_invalid": _l("« %(departement)s » n'est pas un numéro de département français"),
    "import.departement_outside": _l("le département %(departement)s est hors de votre territoire"),
    "import.place_exists": _l("le lieu « %(name)s » existe déjà"),
    "import.organisation_outside": _l("l'organisation « %(name)s » est hors de votre territoire"),
    "import.organisation_kind": _l("l'organisation « %(name)s » doit être d'un de ces types : %(allowed)s"),
    "import.items_unknown": _l("articles inconnus : %(codes)s"),
    "import.place_twice": _l("le lieu « %(name)s » figure deux fois dans le fichier"),
    "import.machine_kind": _l("le type de machine est l'un de : %(allowed)s"),
    "import.machine_exists": _l("%(place)s a déjà une machine nommée « %(name)s »"),
    "import.url_scheme": _l("l'adresse de l'imprimante commence par http:// ou https://"),
    "import.url_not_bare": _l("l'adresse de l'imprimante est son adresse seule (http://hôte:port), sans chemin "
                              "ni identifiants"),
    "import.address_not_allowed": _l("adresse de l'imprimante : %(host)s n'est pas dans les réseaux d'imprimantes de cette "
                                     "installation (ou son nom ne s'y résout pas) ; voyez avec son administrateur"),
    "import.key_at_place": _l("%(place)s fait tourner son propre worker, qui garde les clés de ses imprimantes : "
                              "laissez api_key vide et demandez la clé depuis la page du lieu"),
    "import.url_not_printer": _l("seule une imprimante 3D (fdm_printer) a une adresse d'hôte"),
    "import.host_unknown": _l("l'hôte de l'imprimante est l'un de : %(allowed)s"),
    "import.host_without_url": _l("un hôte d'imprimante (%(allowed)s) va avec l'adresse de l'imprimante (colonne "
                                  "adresse)"),
    "import.machine_twice": _l("la machine « %(name)s » de %(place)s figure deux fois dans le fichier"),
    "import.material_unknown": _l("matière inconnue : « %(code)s »"),
    "import.stock_twice": _l("%(code)s à %(place)s figure deux fois dans le fichier"),
}
