"""The "NA-visors-2020" scenario of FIELD.md, generated from a seed: places, requests and disruptions.

    python -m makernet.scenarios.na_visors --seed 1 --sites 20 --workshops 4 --communes 200

prints a summary of the scenario the benchmark and the simulator play.

The model, kept to what 2020 looked like rather than to what flatters a planner:

* Requests come from where people live. ~200 requesting communes are drawn, without replacement, from the region's
  real communes (geography.py: GeoNames places of at least 1,000 inhabitants, villages counted with their small
  town), with odds in proportion to the people they speak for; each request then comes from one of them, again in
  proportion to those people. The few institutional orders (2,000-5,000 units: a university hospital, a département,
  the Region) come from the requesting towns of 20,000 inhabitants or more.
* Fab-labs sit in cities and towns: the industrialised site in Bordeaux (500 visors a day) and the 60-printer
  collective in La Rochelle (FIELD.md), one fab-lab in each other prefecture (the consortium covered the 12
  départements), the rest in the region's towns of 10,000 inhabitants or more drawn in proportion to their size
  (several around Bordeaux, as in 2020). Printers per site are drawn from FIELD.md's sizes, larger sites more likely
  in larger towns; sewing workshops likewise.
* Demand is `load` times the region's capacity over the period, spread over the first seven weeks (more in the first
  ones); sizes, lead times and priorities by requester kind; nothing about demand is matched to where capacity
  happens to be.
* Delivery (FIELD.md's defaults: assumptions, not field figures): each place has 0 to `--runners` (3) volunteer
  runners, odds 1:2:2:1 for 0, 1, 2, 3, each making 1 or 2 runs a day (even odds) of up to `--run-hours` (3 h); a
  cargo bike (10 km) in towns of 40,000 inhabitants or more, a car (40 km) elsewhere. Beyond their reach, units are
  collected the next day within the département, or take the regional shuttle (`--shuttle-days`, Tuesday and
  Friday). Runners are drawn from a stream of their own: a seed's places, requests and disruptions stay the same.
"""
from __future__ import annotations

import argparse
import math
import random
from dataclasses import dataclass, field, replace
from datetime import date

from makernet.domain.transport import MOST_RUN_HOURS, MOST_RUNNERS, SHUTTLE_WEEKDAYS, WEEKDAYS, parse_weekdays
from makernet.scenarios.geography import DEPARTEMENTS, Town, draw_without_replacement, near, prefecture, towns

START = date(2020, 3, 17)
DAYS = 56
PRINTER_COUNTS = (3, 8, 10, 14, 40, 60)
REQUESTERS = [  # organisation kind, priority, share of requests
    ("municipality", "normal", 0.34), ("care_facility", "care_staff", 0.22), ("hospital", "care_staff", 0.06),
    ("health_professional", "care_staff", 0.14), ("emergency_service", "emergency_services", 0.08),
    ("pharmacy", "vulnerable", 0.08), ("shop", "normal", 0.08),
]
HEALTH_KINDS = ("care_facility", "hospital", "health_professional")
RUNNER_ODDS, BIKE_TOWNS = (1, 2, 2, 1), 40_000   # odds of 0, 1, 2, 3 runners; a cargo bike in towns this large


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
    runners: int = 0              # volunteer runners, each making runs_per_day runs of up to run_hours
    runs_per_day: int = 1
    run_hours: float = MOST_RUN_HOURS
    vehicle: str = "bike"         # bike (a cargo bike, 10 km) or car (40 km): domain.transport.VEHICLES


@dataclass(frozen=True)
class Commune:
    """A commune requests come from."""

    name: str
    departement: str
    latitude: float
    longitude: float
    population: int = 0           # its inhabitants
    catchment: int = 0            # the people its requests speak for (itself and its villages)


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
    shuttle_days: tuple[int, ...] = SHUTTLE_WEEKDAYS   # weekdays (Monday 0) the regional shuttle runs
    calm: bool = False   # played without breakdowns, drop-outs, declines nor partial acceptances (simulator.UPSETS)


def generate(seed: int = 1, sites: int = 20, workshops: int = 4, communes: int = 200, load: float = 0.8,
             days: int = DAYS, runners: int = MOST_RUNNERS, run_hours: float = MOST_RUN_HOURS,
             shuttle_days: tuple[int, ...] = SHUTTLE_WEEKDAYS) -> Scenario:
    """Generate the scenario: demand is `load` times the region's capacity; each place has up to `runners` runners."""
    rng = random.Random(seed)
    site_list = _with_runners(random.Random(f"runners {seed}"), _sites(rng, sites, workshops), runners, run_hours)
    commune_list = _communes(rng, communes)
    visor_capacity = sum(_visors_per_day(s) for s in site_list) * days * 0.85
    mask_capacity = sum(s.stations * 30 for s in site_list) * days * 0.85
    requests = _requests(rng, commune_list, days, "visor", visor_capacity * load) \
        + _requests(rng, commune_list, days, "mask", mask_capacity * load)
    requests.sort(key=lambda r: r.day)
    return Scenario(seed, site_list, commune_list, requests, _disruptions(rng, site_list, days),
                    _receipts(rng, site_list, days), days, tuple(shuttle_days))


def _with_runners(rng: random.Random, sites: list[Site], most: int, run_hours: float) -> list[Site]:
    """Each place's volunteer runners, from their own stream: 0 to `most`, a cargo bike in a large town."""
    population = {(t.name, t.departement): t.population for t in towns()}
    odds = RUNNER_ODDS[:max(0, min(most, MOST_RUNNERS)) + 1]
    return [replace(site, runners=rng.choices(range(len(odds)), weights=odds)[0], runs_per_day=rng.randint(1, 2),
                    run_hours=run_hours, vehicle="bike" if population.get((site.town, site.departement), 0)
                    >= BIKE_TOWNS else "car") for site in sites]


def _visors_per_day(site: Site) -> float:
    """Rough daily visors of a site, to size demand (the planner reads the real capacity)."""
    return 500.0 if site.line_site else site.printers * 8.0 + site.lasers * 100.0


def _sites(rng: random.Random, count: int, workshops: int) -> list[Site]:
    """Fab-labs in cities and towns (industrialised in Bordeaux, 60 printers in La Rochelle), then sewing workshops."""
    anchors = [prefecture("33"), prefecture("17")] + sorted(
        (prefecture(d) for d in DEPARTEMENTS if d not in ("33", "17")), key=lambda t: -t.population)
    towns_10k = [t for t in towns() if t.population >= 10_000 and t not in anchors]
    chosen = anchors[:count] + draw_without_replacement(rng, towns_10k, max(0, count - len(anchors)),
                                                        weight=lambda t: t.population)
    fleet = _fleet(rng, chosen)
    sites = []
    for index, (town, printers) in enumerate(zip(chosen, fleet)):
        lat, lon = near(rng, town, 1.5)
        sites.append(Site(name=f"Fab-lab {town.name}", town=town.name, departement=town.departement,
                          latitude=lat, longitude=lon, printers=printers, lasers=1 if index in (5, 11) else 0,
                          staff=max(2, printers // 4 + rng.randint(0, 3)), line_site=index == 0,
                          auto_accept=rng.random() < 0.3,
                          batch_limit=None if rng.random() < 0.6 else rng.choice((200, 500, 1000))))
    for town in draw_without_replacement(rng, [t for t in towns() if t.population >= 10_000], workshops,
                                         weight=lambda t: t.population):
        lat, lon = near(rng, town, 1.5)
        sites.append(Site(name=f"Atelier couture {town.name}", town=town.name, departement=town.departement,
                          latitude=lat, longitude=lon, stations=rng.randint(6, 15), staff=rng.randint(6, 15)))
    return sites


def _fleet(rng: random.Random, chosen: list[Town]) -> list[int]:
    """Printers of each fab-lab, 60 for the first two, redrawn until the region has 250-400 (FIELD.md)."""
    for _attempt in range(100):
        fleet = [60 if index < 2 else _printers(rng, town) for index, town in enumerate(chosen)]
        if len(chosen) < 20 or 250 <= sum(fleet) <= 400:
            break
    return fleet


def _printers(rng: random.Random, town: Town) -> int:
    """Printers of a fab-lab: FIELD.md's sizes, the large collectives more likely in the large towns."""
    if town.population >= 50_000:
        weights = (1, 2, 3, 3, 2, 1)
    elif town.population >= 20_000:
        weights = (2, 3, 3, 3, 1, 0.5)
    else:
        weights = (4, 4, 3, 2, 0.5, 0)
    return rng.choices(PRINTER_COUNTS, weights=weights)[0]


def _communes(rng: random.Random, count: int) -> list[Commune]:
    """The requesting communes: real ones, drawn in proportion to the people they speak for."""
    chosen = draw_without_replacement(rng, list(towns()), count)
    return [Commune(t.name, t.departement, t.latitude, t.longitude, t.population, t.catchment) for t in chosen]


def _request_size(rng: random.Random, institutional: bool = False) -> int:
    """Median about 40, 90th percentile about 500; institutional orders 2,000-5,000."""
    if institutional:
        return rng.choice((2000, 3000, 5000))
    return max(5, min(1500, int(rng.lognormvariate(math.log(40), 2.0))))


def _requests(rng: random.Random, communes: list[Commune], days: int, item: str, total: float) -> list[ScenarioRequest]:
    """Requests until their units reach `total`, more in the first weeks, from where people live."""
    weights = [c.catchment or 1 for c in communes]
    large = [i for i, c in enumerate(communes) if c.population >= 20_000] or list(range(len(communes)))
    requests, units = [], 0
    while units < total:
        day = min(days - 8, int(rng.triangular(0, days - 8, 10)))
        institutional = rng.random() < 0.01   # about one request in a hundred is an institution's order of thousands
        if institutional:   # a university hospital, a département, the Region: from a large town
            kind, priority = "hospital", "care_staff"
            commune = rng.choices(large, weights=[weights[i] for i in large])[0]
        else:
            kind, priority, _ = rng.choices(REQUESTERS, weights=[r[2] for r in REQUESTERS])[0]
            commune = rng.choices(range(len(communes)), weights=weights)[0]
        lead = rng.randint(4, 10) if priority == "care_staff" else rng.randint(6, 21)
        size = _request_size(rng, institutional)
        quantity = size if item == "visor" else max(10, size // 2)
        requests.append(ScenarioRequest(day, commune, kind, priority, item, quantity, min(days - 1, day + lead)))
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
    visors, masks = (sum(r.quantity for r in scenario.requests if r.item == item) for item in ("visor", "mask"))
    print(f"NA-visors-2020, seed {scenario.seed}: {len(scenario.sites)} places "
          f"({sum(s.printers for s in scenario.sites)} printers), {len(scenario.communes)} communes, "
          f"{len(scenario.requests)} requests ({visors} visors, {masks} masks), {len(scenario.disruptions)} disruptions")
    served, bikes = [s for s in scenario.sites if s.runners], [s for s in scenario.sites if s.vehicle == "bike"]
    print(f"Runners: {sum(s.runners for s in served)} at {len(served)} places ({sum(s.runners for s in bikes)} on cargo "
          f"bikes), {sum(s.runners * s.runs_per_day for s in served)} runs a day of up to {args.run_hours:g} h; "
          f"regional shuttle on {', '.join(WEEKDAYS[d] for d in scenario.shuttle_days) or 'no day'}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The scenario's parameters on a command line."""
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sites", type=int, default=20, help="fab-lab sites")
    parser.add_argument("--workshops", type=int, default=4, help="sewing workshops")
    parser.add_argument("--communes", type=int, default=200)
    parser.add_argument("--load", type=float, default=0.8, help="demand as a share of the region's capacity")
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--runners", type=int, default=MOST_RUNNERS, help="most volunteer runners per place (0-3)")
    parser.add_argument("--no-runners", action="store_true", help="no place delivers itself")
    parser.add_argument("--run-hours", type=float, default=MOST_RUN_HOURS, help="hours a run may last")
    parser.add_argument("--shuttle-days", type=parse_weekdays, default=SHUTTLE_WEEKDAYS, help='"tue,fri" or "off"')


def from_arguments(args: argparse.Namespace) -> Scenario:
    """The scenario the parsed arguments describe."""
    return generate(args.seed, args.sites, args.workshops, args.communes, args.load, args.days,
                    0 if args.no_runners else args.runners, args.run_hours, args.shuttle_days)


if __name__ == "__main__":
    main()
