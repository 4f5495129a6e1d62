"""The open data files, as published: CSV (comma, UTF-8) each with its Table Schema, GeoJSON, and the figures the
public pages read. Nothing personal goes in: codes, names of communes and places, counts of units."""
from __future__ import annotations

import csv
import io
import json

INTERNAL = "interne/territoire.json"       # the coordinators' figures: never served to the public
PUBLIC = "donnees/territoire.json"         # the public pages' figures (and a data set of their own)
LICENCE = {"name": "etalab-2.0", "title": "Licence Ouverte / Open Licence version 2.0",
           "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
UNITS = {"type": "integer", "constraints": {"required": True, "minimum": 0}}

WEEKLY_FIELDS = [
    {"name": "semaine", "type": "date", "title": "Semaine",
     "description": "Le lundi de la semaine (jours comptés en temps universel)", "constraints": {"required": True}},
    {"name": "niveau", "type": "string", "title": "Niveau",
     "description": "commune ; ou departement pour ce qui n'est montré qu'au département (demandeurs discrets ou "
                    "commune hors de la région)", "constraints": {"required": True, "enum": ["commune", "departement"]}},
    {"name": "code_commune", "type": "string", "title": "Code INSEE de la commune", "description": "Vide au niveau département",
     "constraints": {"pattern": "[0-9][0-9AB][0-9]{3}"}},
    {"name": "commune", "type": "string", "title": "Commune"},
    {"name": "code_departement", "type": "string", "title": "Code du département", "constraints": {"required": True}},
    {"name": "unites_demandees", "title": "Unités demandées", "description": "Par les demandes envoyées cette semaine", **UNITS},
    {"name": "unites_fabriquees", "title": "Unités fabriquées", "description": "Par les lieux de la commune cette semaine", **UNITS},
    {"name": "unites_livrees", "title": "Unités livrées", "description": "Reçues par les demandeurs cette semaine", **UNITS},
]
PLACE_FIELDS = [
    {"name": "id", "type": "integer", "title": "Identifiant du lieu", "constraints": {"required": True, "unique": True}},
    {"name": "nom", "type": "string", "title": "Nom du lieu", "constraints": {"required": True}},
    {"name": "commune", "type": "string", "title": "Commune"},
    {"name": "code_commune", "type": "string", "title": "Code INSEE de la commune"},
    {"name": "code_departement", "type": "string", "title": "Code du département"},
    {"name": "latitude", "type": "number", "title": "Latitude (WGS 84)"},
    {"name": "longitude", "type": "number", "title": "Longitude (WGS 84)"},
    {"name": "articles", "type": "string", "title": "Articles fabriqués", "description": "Séparés par « | »"},
    {"name": "lot_maximum", "type": "integer", "title": "Plus grand lot accepté", "description": "Vide : sans limite"},
    {"name": "unites_fabriquees", "title": "Unités fabriquées depuis le début", **UNITS},
]


def schema(name: str, title: str, description: str, fields: list[dict], key: list[str]) -> str:
    return json.dumps({"name": name, "title": title, "description": description, "licenses": [LICENCE],
                       "fields": fields, "primaryKey": key, "missingValues": [""]}, ensure_ascii=False, indent=2)


def table(fields: list[dict], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f["name"] for f in fields])
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return out.getvalue()


def points(features: list[tuple[float | None, float | None, dict]]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}
        for lat, lon, props in features if lat is not None and lon is not None]}, ensure_ascii=False)


def open_data_files(public: dict, updated_at: str) -> dict[str, tuple[str, str]]:
    """Every public file by its name under /donnees/, with its media type."""
    communes = {c["code"]: c for c in public["communes"]}
    weekly = [[week, level, *((code, communes[code]["name"], communes[code]["departement"]) if level == "commune"
                              else ("", "", code)), asked, made, delivered]
              for week, level, code, asked, made, delivered in public["cells"]
              if level == "commune" or code]     # an organisation or place with no département is in no row
    places = [[p["id"], p["name"], p["commune"], p["code"], p["departement"], p["latitude"], p["longitude"],
               " | ".join(p["items"]), p["batch_limit"], p["made"]] for p in public["places"]]
    about = f" Mis à jour le {updated_at} (UTC). Licence Ouverte / Open Licence 2.0 (Etalab)."
    csv_type, json_type, geo_type = "text/csv; charset=utf-8", "application/json", "application/geo+json"
    return {
        "donnees/communes-semaines.csv": (csv_type, table(WEEKLY_FIELDS, weekly)),
        "donnees/communes-semaines.schema.json": (json_type, schema(
            "communes-semaines", "Unités demandées, fabriquées et livrées par commune et par semaine",
            "Une ligne par commune et par semaine." + about, WEEKLY_FIELDS, ["semaine", "niveau", "code_commune",
                                                                              "code_departement"])),
        "donnees/communes.geojson": (geo_type, points([(c["latitude"], c["longitude"], {
            "code_commune": c["code"], "commune": c["name"], "code_departement": c["departement"],
            "unites_demandees": c["asked"], "unites_fabriquees": c["made"], "unites_livrees": c["delivered"]})
            for c in public["communes"]])),
        "donnees/lieux.csv": (csv_type, table(PLACE_FIELDS, places)),
        "donnees/lieux.schema.json": (json_type, schema(
            "lieux", "Lieux de fabrication et leur offre", "Les fab-labs et ateliers actifs : où ils sont, ce "
            "qu'ils fabriquent, leur plus grand lot." + about, PLACE_FIELDS, ["id"])),
        "donnees/lieux.geojson": (geo_type, points([(p["latitude"], p["longitude"], {
            "id": p["id"], "nom": p["name"], "commune": p["commune"], "articles": p["items"],
            "unites_fabriquees": p["made"]}) for p in public["places"]])),
        PUBLIC: (json_type, json.dumps(public, ensure_ascii=False)),
    }
