"""The territory as coordinators and the public read it, from what the publishing task wrote: per commune,
département and week, coverage, time from request to receipt, places against their capacity, stock days left."""
from __future__ import annotations

import json
from collections import defaultdict

from sqlmodel import select

from makernet.errors import NotFound
from makernet.models import Material, Place, Publication
from makernet.services.access import Actor, territory_scope
from makernet.services.context import Context
from makernet.services.stock.queries import stock_states
from makernet.services.territory.inputs import map_dir
from makernet.services.territory.views import INTERNAL, PUBLIC
from makernet.services.territory.worker import NEAR_KM, publish


FLOWS_DRAWN = 300    # the largest deliveries from a place to a commune a map draws


def published(ctx: Context, name: str) -> Publication:
    """One public file as last published (published now if it never was); never the coordinators' figures."""
    if not name.startswith("donnees/"):
        raise NotFound("territory.file_not_found", name=name)
    return _read(ctx, name)


def _read(ctx: Context, name: str) -> Publication:
    with ctx.db.reading() as s:
        found = s.get(Publication, name)
        if found is None and s.get(Publication, PUBLIC) is None:
            publish(ctx)
            found = s.get(Publication, name)
        if found is None:
            raise NotFound("territory.file_not_found", name=name)
        s.expunge(found)
        return found


def public_files(ctx: Context) -> list[dict]:
    """The open data files, their size and when they were made."""
    _read(ctx, PUBLIC)
    with ctx.db.reading() as s:
        return [{"name": p.name.removeprefix("donnees/"), "media_type": p.media_type, "bytes": len(p.body.encode()),
                 "updated_at": p.updated_at} for p in s.exec(select(Publication).where(
                     Publication.name.startswith("donnees/")).order_by(Publication.name)).all()]  # type: ignore[attr-defined]


def public_territory(ctx: Context, departement: str | None = None, commune: str | None = None) -> dict:
    """What the public sees of the région, a département or a commune: privacy-safe figures only."""
    publication = _read(ctx, PUBLIC)
    figures = json.loads(publication.body)
    names = figures["departements"]
    if departement is not None and departement not in names:
        raise NotFound("territory.departement_not_found", code=departement)
    communes = [c for c in figures["communes"] if departement is None or c["departement"] == departement]
    if commune is not None:
        communes = [c for c in communes if c["code"] == commune]
        if not communes:
            raise NotFound("territory.commune_not_found", code=commune)
    places = [p for p in figures["places"] if (departement is None or p["departement"] == departement)
              and (commune is None or p["code"] == commune)]
    shown = [departement] if departement else list(names)
    return _summary(figures, communes, shown, commune) | {
        "updated_at": publication.updated_at, "departement_names": names, "places": places}


def coordinator_territory(ctx: Context, actor: Actor, departement: str | None = None) -> dict:
    """What a coordinator sees of its territory (an admin of the whole région), every requester counted where it
    is, with each place's production against its capacity and the days of stock left per material (live)."""
    view, figures, seen = _internal(ctx, actor, departement)
    places = view["places"]
    in_view = {c["code"] for c in view["communes"]}
    by_place = {p["id"]: p for p in places}
    flows = [f | {"from": [by_place[f["place_id"]]["latitude"], by_place[f["place_id"]]["longitude"]]}
             for f in figures["shipped"] if f["place_id"] in by_place and f["code"] in in_view
             and by_place[f["place_id"]]["latitude"] is not None][:FLOWS_DRAWN]
    waits: dict[int, int] = defaultdict(int)
    for dep in seen:
        for days, units in figures["waits"].get(dep, {}).items():
            waits[int(days)] += units
    return view | _summary(figures, view["communes"], seen, None) | {
        "flows": flows, "wait": _wait(waits), "materials": _stock_days(ctx, [p["id"] for p in places])}


def _internal(ctx: Context, actor: Actor, departement: str | None) -> tuple[dict, dict, list[str]]:
    """The coordinators' figures narrowed to the actor's départements (or one of them): its communes and active
    places, with the whole figures and the départements shown."""
    actor.require("coordinator")
    scope = territory_scope(actor)
    publication = _read(ctx, INTERNAL)
    figures = json.loads(publication.body)
    seen = [d for d in figures["departements"] if scope is None or d in scope]
    if departement is not None:
        if departement not in seen:
            raise NotFound("territory.departement_not_found", code=departement)
        seen = [departement]
    places = [p for p in figures["places"] if p["departement"] in seen and p["active"]]
    return {"updated_at": publication.updated_at, "departement_names": {d: figures["departements"][d] for d in seen},
            "communes": [c for c in figures["communes"] if c["departement"] in seen],
            "places": sorted(places, key=lambda p: p["name"])}, figures, seen


def _summary(figures: dict, communes: list[dict], deps_shown: list[str], commune: str | None) -> dict:
    """Totals, the weekly series, the départements' rows and the coverage of the communes shown: a commune's
    cells, or those of the départements shown (their communes' and what is counted at the département only)."""
    dep_of = {c["code"]: c["departement"] for c in figures["communes"]}
    weeks: dict[str, dict[str, int]] = defaultdict(lambda: {"asked": 0, "made": 0, "delivered": 0})
    deps: dict[str, dict[str, int]] = defaultdict(lambda: {"asked": 0, "made": 0, "delivered": 0})
    for week, level, code, asked, made, delivered in figures["cells"]:
        dep = dep_of.get(code, "") if level == "commune" else code
        if (code != commune) if commune is not None else (dep not in deps_shown):
            continue
        for flow, units in (("asked", asked), ("made", made), ("delivered", delivered)):
            weeks[week][flow] += units
            deps[dep][flow] += units
    totals = {flow: sum(w[flow] for w in weeks.values()) for flow in ("asked", "made", "delivered")}
    return {"totals": totals, "weeks": [{"week": w, **v} for w, v in sorted(weeks.items())],
            "departements": [{"code": d, "name": figures["departements"].get(d, d), **v} for d, v in sorted(deps.items())],
            "communes": sorted(communes, key=lambda c: (-c["asked"], c["name"])), "coverage": _coverage(communes),
            "near_km": NEAR_KM}


def _coverage(communes: list[dict]) -> dict:
    """Requesting communes within reach of an active place, urban and rural apart."""
    out = {}
    for kind, urban in (("urban", True), ("rural", False)):
        asking = [c for c in communes if c["asked"] and c["urban"] == urban]
        near = [c for c in asking if c["km"] is not None and c["km"] <= NEAR_KM]
        out[kind] = {"communes": len(asking), "covered": len(near),
                     "share": round(100 * len(near) / len(asking), 1) if asking else None}
    return out


def _wait(histogram: dict[int, int]) -> dict:
    """The days from request to receipt, per unit received: median and the ninth decile."""
    units = sum(histogram.values())
    if not units:
        return {"units": 0, "median": None, "p90": None}
    def quantile(q: float) -> int:
        seen = 0
        for days in sorted(histogram):
            seen += histogram[days]
            if seen >= q * units:
                return days
        return max(histogram)
    return {"units": units, "median": quantile(0.5), "p90": quantile(0.9)}


def _stock_days(ctx: Context, place_ids: list[int]) -> list[dict]:
    """Per material, over the places shown: what is free, what they use a day, and how many days it lasts."""
    with ctx.db.reading() as s:
        states = stock_states(s, [p for p in s.exec(select(Place.id).where(Place.id.in_(place_ids))).all()])  # type: ignore[attr-defined]
        materials = {m.id: m for m in s.exec(select(Material)).all()}
    free, use = defaultdict(int), defaultdict(float)
    for (_place, material), state in states.items():
        free[material] += state.available
        use[material] += state.daily_use
    return [{"code": materials[m].code, "name": materials[m].name, "unit": materials[m].unit, "available": free[m],
             "daily_use": round(use[m], 1), "days_left": round(free[m] / use[m], 1) if use[m] > 0 else None}
            for m in sorted(free, key=lambda m: materials[m].code)]


def report_map(ctx: Context, actor: Actor, departements: list[str] | None) -> dict:
    """What a production report draws and quotes of its territory (all of the actor's when None): the
    départements' outlines as rings, the communes that asked, the active places, and the coverage."""
    view, _figures, _seen = _internal(ctx, actor, None)
    shown = set(departements or view["departement_names"])
    outlines = json.loads((map_dir(ctx.settings) / "departements.geojson").read_text(encoding="utf-8"))
    rings = [_thinned(polygon[0]) for feature in outlines["features"]
             if feature["properties"]["code"] in shown
             for polygon in (feature["geometry"]["coordinates"] if feature["geometry"]["type"] == "MultiPolygon"
                             else [feature["geometry"]["coordinates"]])]
    communes = [c for c in view["communes"] if c["departement"] in shown]
    return {"rings": rings, "communes": [(c["longitude"], c["latitude"], c["asked"]) for c in communes if c["asked"]],
            "places": [(p["longitude"], p["latitude"]) for p in view["places"]
                       if p["departement"] in shown and p["latitude"] is not None],
            "coverage": _coverage(communes), "near_km": NEAR_KM, "updated_at": view["updated_at"]}


def _thinned(ring: list, most: int = 200) -> list[tuple[float, float]]:
    """An outline with at most about `most` points: what a map a page wide can show (and a PDF writes quickly)."""
    step = max(1, len(ring) // most)
    return [tuple(point) for point in ring[::step]] + [tuple(ring[-1])]
