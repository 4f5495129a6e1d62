"""The "NA-visors-2020" scenario of FIELD.md, generated from a seed: places, requests and disruptions.

    python -m makernet.scenarios.na_visors --seed 1 --sites 20 --workshops 4 --communes 200

prints a summary of the scenario the benchmark and the simulator play.
"""
from __future__ import annotations

import argparse
import math
import random
from dataclasses import dataclass, field
from datetime import date

START = date(2020, 3, 17)
DAYS = 56
# prefectures and other towns of the region's 12 départements: (commune, département, latitude, longitude, weight)
TOWNS = [
    ("Bordeaux", "33", 44.8378, -0.5792, 8), ("Limoges", "87", 45.8336, 1.2611, 4), ("Poitiers", "86", 46.5802, 0.3404, 3),
    ("Pau", "64", 43.2951, -0.3708, 3), ("La Rochelle", "17", 46.1591, -1.1520, 3), ("Niort", "79", 46.3237, -0.4588, 2),
    ("Angoulême", "16", 45.6484, 0.1562, 2), ("Périgueux", "24", 45.1846, 0.7214, 2), ("Agen", "47", 44.2033, 0.6163, 2),
    ("Mont-de-Marsan", "40", 43.8902, -0.4990, 1), ("Tulle", "19", 45.2658, 1.7722, 1), ("Guéret", "23", 46.1713, 1.8717, 1),
    ("Bayonne", "64", 43.4929, -1.4748, 3), ("Brive-la-Gaillarde", "19", 45.1589, 1.5331, 2),
    ("Rochefort", "17", 45.9421, -0.9588, 1), ("Saintes", "17", 45.7464, -0.6333, 1), ("Bergerac", "24", 44.8510, 0.4820, 1),
    ("Arcachon", "33", 44.6586, -1.1689, 1), ("Châtellerault", "86", 46.8178, 0.5464, 1), ("Dax", "40", 43.7102, -1.0536, 1),
    ("Libourne", "33", 44.9153, -0.2439, 1), ("Cognac", "16", 45.6958, -0.3292, 1),
]
PRINTER_COUNTS = (3, 8, 10, 14, 40, 60)
REQUESTERS = [  # organisation kind, priority, share of requests
    ("municipality", "normal", 0.34), ("care_facility", "care_staff", 0.22), ("hospital", "care_staff", 0.06),
    ("health_professional", "care_staff", 0.14), ("emergency_service", "emergency_services", 0.08),
    ("pharmacy", "vulnerable", 0.08), ("shop", "normal", 0.08),
]
HEALTH_KINDS = ("care_facility", "hospital", "health_professional")


@dataclass(frozen=True)
class Site:
    """A fab-lab or sewing workshop of the scenario."""

    name: str
    town: str
    departement: str
    latitude: float
    longitude: float
    printers: int = 0
    lasers: int = 0
    stations: int = 0
    staff: int = 1
    line_site: bool = False       # the industrialised site (500 visors a day)
    auto_accept: bool = False
    batch_limit: int | None = None


@dataclass(frozen=True)
class Commune:
    """A commune requests come from."""

    name: str
    departement: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class ScenarioRequest:
    """A request as it arrives on its day."""

    day: int
    commune: int
    kind: str
    priority: str
    item: str                     # "visor" or "mask"
    quantity: int
    needed_by_day: int


@dataclass(frozen=True)
class Disruption:
    """Something that happens on a day: breakdown, repair, dropout, design revision, freeze, thaw."""

    day: int
    kind: str                     # printer_down, printer_up, place_out, design_revision, freeze, thaw
    site: int | None = None
    printers: int = 0


@dataclass
class Scenario:
    """Everything the simulator plays, generated from the parameters."""

    seed: int
    sites: list[Site]
    communes: list[Commune]
    requests: list[ScenarioRequest]
    disruptions: list[Disruption]
    # site index -> material code -> quantity received per day
    receipts: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    days: int = DAYS


def generate(seed: int = 1, sites: int = 20, workshops: int = 4, communes: int = 200, load: float = 0.8,
             days: int = DAYS) -> Scenario:
    """Generate the scenario: demand is `load` times the region's visor capacity over the period."""
    rng = random.Random(seed)
    site_list = _sites(rng, sites, workshops)
    commune_list = _communes(rng, communes)
    visor_capacity = sum(_visors_per_day(s) for s in site_list) * days * 0.85
    mask_capacity = sum(s.stations * 30 for s in site_list) * days * 0.85
    requests = _requests(rng, commune_list, days, "visor", visor_capacity * load) \
        + _requests(rng, commune_list, days, "mask", mask_capacity * load)
    requests.sort(key=lambda r: r.day)
    return Scenario(seed, site_list, commune_list, requests, _disruptions(rng, site_list, days),
                    _receipts(rng, site_list, days), days)


def _visors_per_day(site: Site) -> float:
    """Rough daily visors of a site, to size demand (the planner reads the real capacity)."""
    return 500.0 if site.line_site else site.printers * 8.0 + site.lasers * 100.0


def _near(rng: random.Random, lat: float, lon: float, mean_km: float) -> tuple[float, float]:
    """A point a random distance (exponential, mean `mean_km`) from a town."""
    distance, bearing = rng.expovariate(1 / mean_km), rng.uniform(0, 2 * math.pi)
    return (lat + distance * math.cos(bearing) / 111.0,
            lon + distance * math.sin(bearing) / (111.0 * math.cos(math.radians(lat))))


def _sites(rng: random.Random, count: int, workshops: int) -> list[Site]:
    """Fab-labs in the region's towns (one industrialised in Bordeaux), then sewing workshops."""
    towns = sorted(TOWNS, key=lambda t: -t[4])
    sites = []
    for index in range(count):
        town = towns[index % len(towns)]
        lat, lon = _near(rng, town[2], town[3], 3.0)
        printers = rng.choices(PRINTER_COUNTS, weights=(4, 4, 3, 3, 1, 1))[0]
        line_site = index == 0
        sites.append(Site(name=f"Fab-lab {town[0]}" + (f" {index // len(towns) + 1}" if index >= len(towns) else ""),
                          town=town[0], departement=town[1], latitude=lat, longitude=lon,
                          printers=60 if line_site else printers, lasers=1 if index in (5, 11) else 0,
                          staff=max(2, (60 if line_site else printers) // 4 + rng.randint(0, 3)),
                          line_site=line_site, auto_accept=rng.random() < 0.3,
                          batch_limit=None if rng.random() < 0.6 else rng.choice((200, 500, 1000))))
    for index in range(workshops):
        town = towns[(index * 3 + 1) % len(towns)]
        lat, lon = _near(rng, town[2], town[3], 3.0)
        sites.append(Site(name=f"Atelier couture {town[0]}", town=town[0], departement=town[1], latitude=lat,
                          longitude=lon, stations=rng.randint(6, 15), staff=rng.randint(6, 15)))
    return sites


def _communes(rng: random.Random, count: int) -> list[Commune]:
    """Communes clustered around the towns, more around the larger ones."""
    result = []
    for index in range(count):
        town = rng.choices(TOWNS, weights=[t[4] for t in TOWNS])[0]
        lat, lon = _near(rng, town[2], town[3], 12.0)
        result.append(Commune(f"Commune {index + 1} ({town[0]})", town[1], lat, lon))
    return result


def _request_size(rng: random.Random) -> int:
    """Median about 40, 90th percentile about 500, a few institutional orders."""
    if rng.random() < 0.01:
        return rng.choice((2000, 3000, 5000))
    return max(5, min(1500, int(rng.lognormvariate(math.log(40), 2.0))))


def _requests(rng: random.Random, communes: list[Commune], days: int, item: str, total: float) -> list[ScenarioRequest]:
    """Requests until their units reach `total`, more in the first weeks."""
    requests, units = [], 0
    while units < total:
        day = min(days - 8, int(rng.triangular(0, days - 8, 10)))
        kind, priority, _ = rng.choices(REQUESTERS, weights=[r[2] for r in REQUESTERS])[0]
        lead = rng.randint(4, 10) if priority == "care_staff" else rng.randint(6, 21)
        quantity = _request_size(rng) if item == "visor" else max(10, _request_size(rng) // 2)
        requests.append(ScenarioRequest(day, rng.randrange(len(communes)), kind, priority, item, quantity,
                                        min(days - 1, day + lead)))
        units += quantity
    return requests


def _disruptions(rng: random.Random, sites: list[Site], days: int) -> list[Disruption]:
    """Breakdowns all along, a design revision mid-run, a site dropping out, the freeze of day 37."""
    events = [Disruption(28, "design_revision"), Disruption(37, "freeze"), Disruption(42, "thaw")]
    fablabs = [i for i, s in enumerate(sites) if s.printers > 0 and not s.line_site]
    events.append(Disruption(30, "place_out", site=rng.choice(fablabs)))
    for _ in range(len(fablabs) * 2):
        site = rng.choice(fablabs)
        start = rng.randrange(1, days - 5)
        down = max(1, sites[site].printers // rng.choice((2, 3, 4)))
        events += [Disruption(start, "printer_down", site, down), Disruption(start + rng.randint(1, 4), "printer_up", site, down)]
    return sorted(events, key=lambda e: (e.day, e.kind != "printer_up"))


def _receipts(rng: random.Random, sites: list[Site], days: int) -> dict[int, dict[str, list[int]]]:
    """Little opening stock (the stock-outs of week 1), then deliveries from local industry every 3 days."""
    receipts = {}
    for index, site in enumerate(sites):
        per_day = _visors_per_day(site) if site.printers or site.lasers else site.stations * 30
        codes = {"pla": 25, "feuille-a4": 1, "elastique": 1} if site.printers or site.lasers \
            else {"tissu-coton": 20, "elastique": 2}
        plan: dict[str, list[int]] = {code: [0] * days for code in codes}
        for code, per_unit in codes.items():
            plan[code][0] = int(per_day * per_unit * rng.uniform(0.5, 2.0))   # one or two days' worth
            first = rng.randint(4, 8)                                         # week 1: it runs out
            for day in range(first, days, 3):
                plan[code][day] = int(per_day * per_unit * 3 * rng.uniform(1.0, 1.4))
        receipts[index] = plan
    return receipts


def main(argv: list[str] | None = None) -> None:
    """Print a summary of a generated scenario."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    scenario = from_arguments(args)
    visors = sum(r.quantity for r in scenario.requests if r.item == "visor")
    masks = sum(r.quantity for r in scenario.requests if r.item == "mask")
    print(f"NA-visors-2020, seed {scenario.seed}: {len(scenario.sites)} places "
          f"({sum(s.printers for s in scenario.sites)} printers), {len(scenario.communes)} communes, "
          f"{len(scenario.requests)} requests ({visors} visors, {masks} masks), {len(scenario.disruptions)} disruptions")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The scenario's parameters on a command line."""
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sites", type=int, default=20, help="fab-lab sites")
    parser.add_argument("--workshops", type=int, default=4, help="sewing workshops")
    parser.add_argument("--communes", type=int, default=200)
    parser.add_argument("--load", type=float, default=0.8, help="demand as a share of the region's capacity")
    parser.add_argument("--days", type=int, default=DAYS)


def from_arguments(args: argparse.Namespace) -> Scenario:
    """The scenario the parsed arguments describe."""
    return generate(args.seed, args.sites, args.workshops, args.communes, args.load, args.days)


if __name__ == "__main__":
    main()
