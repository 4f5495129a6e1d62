"""How the simulated places carry their finished units, by the rules the planner counts on (domain.transport).

Each evening a place sends what is finished and not yet shipped: what is within its runners'
reach goes in the day's runs (routed by planner.routes, within the runners' hours and loads;
what does not fit waits for tomorrow's runs), what is beyond is collected the next day within
the département, or leaves with the next regional shuttle for another one. The benchmark
reads when each parcel arrives, and the runners' kilometres and runs.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from makernet.domain.planning import great_circle_km
from makernet.domain.transport import RUNNER, Runners, arrival_day, means_of
from makernet.planner.routes import Stop, plan_runs

ROUTING_SECONDS = 0.2    # a simulated place's day of runs: a few stops, found well within it


@dataclass(frozen=True)
class Finished:
    """Units of one request line finished at a place and not yet shipped, with where they go."""

    place_id: int
    line_id: int
    request_id: int
    units: int
    latitude: float
    longitude: float
    departement: str


@dataclass(frozen=True)
class Base:
    """A place as carriage sees it."""

    latitude: float
    longitude: float
    departement: str
    runners: Runners


@dataclass
class Sent:
    """What leaves the places on one day: each parcel with its arrival day; the runners' work."""

    parcels: list[tuple[Finished, int | None, float, int]] = field(default_factory=list)  # (what, arrival, km, means)
    runs: int = 0
    runner_km: float = 0.0


def send(day: int, start: date, finished: list[Finished], bases: dict[int, Base],
         weekdays: tuple[int, ...]) -> Sent:
    """The parcels that leave today (day `day` of a run begun on `start`) and when each arrives."""
    today = start + timedelta(days=day)
    sent = Sent()
    by_runner: dict[int, list[tuple[Finished, float]]] = defaultdict(list)
    for parcel in finished:
        base = bases[parcel.place_id]
        km = great_circle_km(base.latitude, base.longitude, parcel.latitude, parcel.longitude)
        means = means_of(base.runners.reach_km, base.departement == parcel.departement, km)
        if means == RUNNER:
            by_runner[parcel.place_id].append((parcel, km))
        else:
            arrival = arrival_day(0, means, today, weekdays)
            sent.parcels.append((parcel, None if arrival is None else day + arrival, km, means))
    for place_id, parcels in by_runner.items():
        base = bases[place_id]
        stops = [Stop(k, p.latitude, p.longitude, p.units) for k, (p, _) in enumerate(parcels)]
        routing = plan_runs((base.latitude, base.longitude), stops, base.runners, time_limit=ROUTING_SECONDS)
        carried: dict[int, int] = defaultdict(int)
        for run in routing.runs:
            sent.runs += 1
            sent.runner_km += run.km
            for visit in run.visits:
                carried[visit.key] += visit.units
        for k, units in carried.items():
            parcel, km = parcels[k]
            sent.parcels.append((Finished(parcel.place_id, parcel.line_id, parcel.request_id, units, parcel.latitude,
                                          parcel.longitude, parcel.departement), day, km, RUNNER))
    return sent
