"""Publishing the territory: a task works out, from the history summed in the database, the figures per commune,
département and week that coordinators read and the public open data files, and writes each one whole with the
moment it was made. Pages then read a few kilobytes, whatever the history; the beat task keeps them five minutes
fresh at most."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta

from sqlmodel import delete

from makernet.domain.planning import great_circle_km
from makernet.models import Publication
from makernet.models.base import utcnow
from makernet.services.context import Context
from makernet.services.tallies import put
from makernet.services.territory.inputs import Communes, History, communes_in, map_dir, read_history
from makernet.services.territory.views import INTERNAL, open_data_files

NEAR_KM = 20                  # a requesting commune within this distance of an active place is covered
PRIVATE_KINDS = ("individual",)
FLOWS_KEPT = 2_000            # the largest flows from a place to a commune kept for the maps (a season has 60,000)


def week_of(day: date) -> str:
    """The Monday of the day's week, which names the week in every figure and file."""
    return (day - timedelta(days=day.weekday())).isoformat()


def publish(ctx: Context) -> dict[str, int]:
    """Work the figures out and replace every publication with them; how many bytes each has."""
    index = communes_in(map_dir(ctx.settings))
    with ctx.db.reading() as s:
        history = read_history(s)
    figures = territory_figures(history, index, ctx.settings.open_data_threshold)
    documents = {INTERNAL: ("application/json", json.dumps(figures["internal"], ensure_ascii=False))}
    documents.update(open_data_files(figures["public"], figures["updated_at"]))
    now = utcnow()
    with ctx.db.transaction() as tx:   # each replaced in one statement: two publishing at once never collide
        s = tx.session
        s.execute(delete(Publication).where(Publication.name.not_in(list(documents))))  # type: ignore[attr-defined]
        for name, (media_type, body) in documents.items():
            put(s, Publication, {"name": name}, {"media_type": media_type, "body": body, "updated_at": now})
    return {name: len(body) for name, (_media, body) in documents.items()}


def territory_figures(history: History, index: Communes, threshold: int) -> dict:
    """The coordinators' figures (every requester counted where it is) and the public ones (requesters who asked
    not to be shown, and private persons, counted in a commune only where at least `threshold` of them asked that
    week, else in their département's row), from the same sums."""
    where = {o: index.find(org["departement"], org["commune"]) for o, org in history.organisations.items()}
    private = {o for o, org in history.organisations.items() if org["kind"] in PRIVATE_KINDS or not org["open_data"]}
    places = _places(history, index)
    internal: dict = defaultdict(lambda: {"asked": 0, "made": 0, "delivered": 0})
    public: dict = defaultdict(lambda: {"asked": 0, "made": 0, "delivered": 0})
    hidden: dict = defaultdict(lambda: {"asked": 0, "delivered": 0, "requesters": set()})
    for flow, rows in (("asked", history.asked), ("delivered", history.received)):
        for organisation, day, units in rows:
            commune, departement = where[organisation], history.organisations[organisation]["departement"]
            key = (week_of(day), "commune", commune.code) if commune else (week_of(day), "departement", departement)
            internal[key][flow] += units
            if organisation in private and commune:
                hidden[key][flow] += units
                hidden[key]["requesters"].add(organisation)
            else:
                public[key][flow] += units
    for key, cell in hidden.items():      # shown in the commune only among enough others like them
        week, _level, code = key
        target = key if len(cell["requesters"]) >= threshold else (week, "departement", index.by_code[code].departement)
        for flow in ("asked", "delivered"):
            public[target][flow] += cell[flow]
    for place_id, _item, day, units in history.made:
        place = places[place_id]
        key = (week_of(day), "commune", place["code"]) if place["code"] else (week_of(day), "departement", place["departement"])
        internal[key]["made"] += units
        public[key]["made"] += units
    updated = utcnow().isoformat(timespec="seconds")
    shipped = defaultdict(int)
    for place_id, organisation, units in history.shipped:
        if where[organisation]:
            shipped[(place_id, where[organisation].code)] += units
    waits: dict = defaultdict(lambda: defaultdict(int))
    for organisation, days, units in history.waits:
        waits[history.organisations[organisation]["departement"]][days] += units
    return {"updated_at": updated,
            "internal": {"updated_at": updated, "cells": _cells(internal), "communes": _communes(internal, index, places),
                         "places": list(places.values()), "waits": {d: dict(w) for d, w in waits.items()},
                         "shipped": [{"place_id": p, "code": c, "units": u} for (p, c), u in
                                     sorted(shipped.items(), key=lambda pair: -pair[1])[:FLOWS_KEPT]],
                         "departements": index.departement_names, "items": history.items},
            "public": {"updated_at": updated, "cells": _cells(public), "communes": _communes(public, index, places),
                       "places": [_public_place(p, history.items) for p in places.values() if p["active"]],
                       "departements": index.departement_names}}


def _places(history: History, index: Communes) -> dict[int, dict]:
    """Every place with its commune (its code when the région has it), where it is, what it made (in all and over
    the last seven days) and can make a day."""
    since = date.today() - timedelta(days=6)
    made, lately = defaultdict(int), defaultdict(int)
    for place_id, _item, day, units in history.made:
        made[place_id] += units
        if day >= since:
            lately[place_id] += units
    out = {}
    for place_id, place in history.places.items():
        commune = index.find(place["departement"], place["commune"])
        latitude = place["latitude"] if place["latitude"] is not None else (commune.latitude if commune else None)
        longitude = place["longitude"] if place["longitude"] is not None else (commune.longitude if commune else None)
        out[place_id] = {"id": place_id, "name": place["name"], "commune": commune.name if commune else place["commune"],
                         "code": commune.code if commune else "", "departement": place["departement"],
                         "latitude": latitude, "longitude": longitude, "active": place["active"],
                         "made": made[place_id], "made_7d": lately[place_id], "capacity": round(place["capacity"], 1),
                         "accepted_item_ids": place["accepted_item_ids"], "batch_limit": place["batch_limit"]}
    return out


def _cells(table: dict) -> list[list]:
    """[week, level, code, asked, made, delivered] rows, sorted: what the weekly files and charts are made of."""
    return [[week, level, code, v["asked"], v["made"], v["delivered"]]
            for (week, level, code), v in sorted(table.items()) if v["asked"] or v["made"] or v["delivered"]]


def _communes(table: dict, index: Communes, places: dict[int, dict]) -> list[dict]:
    """Per commune of the figures: its totals, who it is (population, urban or rural), and how far the nearest
    active place is (for the coverage)."""
    totals: dict = defaultdict(lambda: {"asked": 0, "made": 0, "delivered": 0})
    for (_week, level, code), values in table.items():
        if level == "commune":
            for flow, units in values.items():
                totals[code][flow] += units
    active = [(p["latitude"], p["longitude"]) for p in places.values()
              if p["active"] and p["latitude"] is not None and p["longitude"] is not None]
    out = []
    for code, values in sorted(totals.items()):
        commune = index.by_code[code]
        near = min((great_circle_km(commune.latitude, commune.longitude, lat, lon) for lat, lon in active), default=None)
        out.append({"code": code, "name": commune.name, "departement": commune.departement,
                    "population": commune.population, "urban": commune.urban, "latitude": commune.latitude,
                    "longitude": commune.longitude, "km": None if near is None else round(near, 1), **values})
    return out


def _public_place(place: dict, items: dict[int, str]) -> dict:
    """A place as the public sees it: where it is, what it makes, its largest batch, what it made."""
    offered = [items[i] for i in place["accepted_item_ids"] if i in items] or sorted(items.values())
    return {key: place[key] for key in ("id", "name", "commune", "code", "departement", "latitude", "longitude",
                                        "made", "batch_limit")} | {"items": offered}
