"""Where people live in Nouvelle-Aquitaine: real communes, their population, and who asks for them.

The table (communes_na.tsv) lists the region's populated places of at least 1,000
inhabitants, from GeoNames, with approximate populations. The villages below that size
(about 28 % of the region's 6 million people) are not listed one by one: their demand
is counted with the small towns (under 10,000) of their département, in proportion to
those towns' own size, as in 2020 when village town halls and home nurses asked through
their canton's town hall or pick-up point.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TABLE = Path(__file__).with_name("communes_na.tsv")
# département -> (name, population of 1 January 2017 in thousands, rounded, prefecture)
DEPARTEMENTS = {
    "16": ("Charente", 352, "Angoulême"), "17": ("Charente-Maritime", 644, "La Rochelle"),
    "19": ("Corrèze", 241, "Tulle"), "23": ("Creuse", 119, "Guéret"), "24": ("Dordogne", 414, "Périgueux"),
    "33": ("Gironde", 1583, "Bordeaux"), "40": ("Landes", 407, "Mont-de-Marsan"),
    "47": ("Lot-et-Garonne", 333, "Agen"), "64": ("Pyrénées-Atlantiques", 677, "Pau"),
    "79": ("Deux-Sèvres", 374, "Niort"), "86": ("Vienne", 437, "Poitiers"), "87": ("Haute-Vienne", 374, "Limoges"),
}
SMALL_TOWN = 10_000   # towns under this size speak for the villages around them


@dataclass(frozen=True)
class Town:
    """A real commune: where it is, how many live there, and how many people its requests speak for."""

    name: str
    departement: str
    latitude: float
    longitude: float
    population: int
    catchment: int        # its population plus its share of the villages of its département


@lru_cache(maxsize=1)
def towns() -> tuple[Town, ...]:
    """Every commune of the table, largest first, with its catchment."""
    rows = []
    for text in TABLE.read_text(encoding="utf-8").splitlines():
        if text.strip() and not text.startswith("#"):
            name, departement, latitude, longitude, population = text.split("\t")
            rows.append((name, departement, float(latitude), float(longitude), int(population)))
    listed: dict[str, int] = {}
    small: dict[str, int] = {}
    for _, departement, _, _, population in rows:
        listed[departement] = listed.get(departement, 0) + population
        if population < SMALL_TOWN:
            small[departement] = small.get(departement, 0) + population
    result = []
    for name, departement, latitude, longitude, population in rows:
        villages = max(0, DEPARTEMENTS[departement][1] * 1000 - listed[departement])
        share = villages * population / small[departement] if population < SMALL_TOWN else 0
        result.append(Town(name, departement, latitude, longitude, population, population + round(share)))
    return tuple(sorted(result, key=lambda t: (-t.population, t.name)))


def prefecture(departement: str) -> Town:
    """The prefecture of a département."""
    name = DEPARTEMENTS[departement][2]
    return next(t for t in towns() if t.name == name and t.departement == departement)


def draw_without_replacement(rng: random.Random, candidates: list[Town], count: int,
                             weight=lambda t: t.catchment) -> list[Town]:  # noqa: ANN001
    """`count` distinct towns, each drawn with odds in proportion to its weight (Efraimidis-Spirakis)."""
    keyed = sorted(candidates, key=lambda t: -math.log(rng.random() or 1e-300) / max(weight(t), 1))
    return keyed[:count]


def near(rng: random.Random, town: Town, mean_km: float) -> tuple[float, float]:
    """A point a random distance (exponential, mean `mean_km`) from a town's centre."""
    distance, bearing = rng.expovariate(1 / mean_km), rng.uniform(0, 2 * math.pi)
    return (town.latitude + distance * math.cos(bearing) / 111.0,
            town.longitude + distance * math.sin(bearing) / (111.0 * math.cos(math.radians(town.latitude))))
