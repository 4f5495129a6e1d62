"""How the simulated places carry their finished units, by the rules the planner counts on (domain.transport).

Each evening a place sends what is finished and not yet shipped: what is within its runners'
reach goes in the day's runs (routed by planner.routes, within the runners' hours and loads, what is due soonest
and the care staff's first, weighed as the place's own run sheet weighs them),
what is beyond, or does not fit in the runs, is collected the next day within the département,
or leaves with the next regional shuttle for another one. The benchmark
reads when each parcel arrives, and the runners' kilometres and runs.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import select

from makernet.domain.planning import great_circle_km
from makernet.domain.transport import COLLECTED, RUNNER, SHUTTLE, Runners, arrival_day, means_of, runners_of
from makernet.models import Organisation, Place, Request, RequestLine
from makernet.planner.routes import Stop, plan_runs
from makernet.services import deliveries
from makernet.services.deliveries import ready_by_line, stop_weight
from makernet.services.access import Actor
from makernet.services.context import Context

ROUTING_SECONDS = 0.2    # a simulated place's day of runs: a few stops, found well within it
NEVER = 10**6            # the arrival day of units nothing carries (no shuttle runs)


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
    weight: float = 1.0   # what one unit counts when the runs cannot take them all (deliveries.inputs.stop_weight)


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
    left_over: list[tuple[Finished, int | None]] = field(default_factory=list)   # within reach, the runs full: arrival


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
        stops = [Stop(k, p.latitude, p.longitude, p.units, p.weight) for k, (p, _) in enumerate(parcels)]
        routing = plan_runs((base.latitude, base.longitude), stops, base.runners, time_limit=ROUTING_SECONDS)
        carried: dict[int, int] = defaultdict(int)
        for run in routing.runs:
            sent.runs += 1
            sent.runner_km += run.km
            for visit in run.visits:
                carried[visit.key] += visit.units
        for k, (parcel, km) in enumerate(parcels):
            if carried[k]:
                sent.parcels.append((_part(parcel, carried[k]), day, km, RUNNER))
            if parcel.units > carried[k]:   # the runs are full: collected the next day, or the shuttle
                means = COLLECTED if base.departement == parcel.departement else SHUTTLE
                arrival = arrival_day(0, means, today, weekdays)
                rest = (_part(parcel, parcel.units - carried[k]), None if arrival is None else day + arrival)
                sent.parcels.append((*rest, km, means))
                sent.left_over.append(rest)
    return sent


def _part(parcel: Finished, units: int) -> Finished:
    """Some of a parcel's units."""
    return Finished(parcel.place_id, parcel.line_id, parcel.request_id, units, parcel.latitude, parcel.longitude,
                    parcel.departement, parcel.weight)


class Carrier:
    """The places' evenings in a simulation: what is finished leaves by the transport rules, through the same
    delivery services as a place's (created, then received by the requester)."""

    def __init__(self, ctx: Context, operators: dict[int, Actor], start: date, weekdays: tuple[int, ...]) -> None:
        self.ctx, self.operators, self.start, self.weekdays = ctx, operators, start, weekdays
        with ctx.db.reading() as s:
            self.bases = {p.id: Base(p.latitude or 0.0, p.longitude or 0.0, p.departement, runners_of(p))
                          for p in s.exec(select(Place)).all()}

    def deliver(self, day: int) -> tuple[list[tuple[int, int, int, int, float, int]], Sent]:
        """Send today's parcels; each as (request, place, arrival day, units, km, means), and the day's runs."""
        requesters: dict[int, Actor] = {}
        today = self.start + timedelta(days=day)
        with self.ctx.db.reading() as s:
            finished = []
            for place_id, line_id, units, request, departement in _finished(s, sorted(self.bases)):
                requesters[request.id] = Actor(request.created_by, "requester", request.organisation_id)
                finished.append(Finished(place_id, line_id, request.id, units, request.latitude or 0.0,
                                         request.longitude or 0.0, departement or "", stop_weight(request, today)))
        sent = send(day, self.start, finished, self.bases, self.weekdays)
        arrivals = []
        for parcel, arrival, km, means in sent.parcels:
            delivery = deliveries.create_delivery(self.ctx, self.operators[parcel.place_id], place_id=parcel.place_id,
                                                  request_id=parcel.request_id, lines=[(parcel.line_id, parcel.units)],
                                                  mode="runner" if means == RUNNER else "direct")
            deliveries.confirm_receipt(self.ctx, requesters[parcel.request_id], delivery["id"], "Accueil")
            arrivals.append((parcel.request_id, parcel.place_id, NEVER if arrival is None else arrival, parcel.units,
                             km, means))
        return arrivals, sent


def _finished(s, place_ids: list[int]) -> list[tuple[int, int, int, Request, str]]:  # noqa: ANN001 - a session
    """Units made and not yet shipped per place and line (counted as a delivery's lines are checked), with the line's
    request and its requester's département."""
    ready = {place_id: ready_by_line(s, place_id) for place_id in place_ids}
    lines = {line_id for by_line in ready.values() for line_id in by_line}
    of_line = {line_id: (request, departement) for line_id, request, departement in s.exec(
        select(RequestLine.id, Request, Organisation.departement)
        .join(Request, Request.id == RequestLine.request_id)
        .join(Organisation, Organisation.id == Request.organisation_id)
        .where(RequestLine.id.in_(lines))).all()} if lines else {}  # type: ignore[union-attr]
    return [(place_id, line_id, units, *of_line[line_id]) for place_id, by_line in ready.items()
            for line_id, units in sorted(by_line.items())]
