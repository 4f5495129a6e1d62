"""Whatever the stops and the runners, the day's runs keep to the runners' hours and the vehicle's load, carry each
unit at most once, never go beyond reach, and leave nothing over that an idle runner could have carried alone."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from makernet.domain.planning import great_circle_km
from makernet.domain.transport import Runners, route_hours
from makernet.planner.routes import Routing, Stop, plan_runs, route_km

DEPOT = (45.745, -0.630)   # Saintes
QUICK = {"time_limit": 0.5, "solutions": 60}


@st.composite
def days(draw: st.DrawFn) -> tuple[list[Stop], Runners]:
    """A place's day: up to ten stops around it (some beyond reach), and its runners."""
    runners = Runners(count=draw(st.integers(1, 3)), runs_per_day=draw(st.integers(1, 2)),
                      run_hours=draw(st.floats(0.3, 3.0)), vehicle=draw(st.sampled_from(("bike", "car"))),
                      radius_km=draw(st.none() | st.floats(1.0, 45.0)), load=draw(st.none() | st.integers(20, 300)))
    stops = [Stop(key, DEPOT[0] + draw(st.floats(-0.4, 0.4)), DEPOT[1] + draw(st.floats(-0.5, 0.5)),
                  draw(st.integers(1, 80)), draw(st.sampled_from((1.0, 1.5, 4.0))))
             for key in range(1, draw(st.integers(0, 10)) + 1)]
    return stops, runners


def reach_of(stop: Stop) -> float:
    return great_circle_km(*DEPOT, stop.latitude, stop.longitude)


def fits_alone(stop: Stop, units: int, runners: Runners) -> bool:
    """Whether a run to this stop alone, with these units, keeps to the runner's hours and the vehicle's load."""
    km = route_km(DEPOT, [(stop.latitude, stop.longitude)])
    return units <= runners.run_load and route_hours(km, 1, runners.speed_kmh) <= runners.run_hours


@settings(max_examples=60, deadline=None)
@given(days())
def test_no_run_goes_over_the_runners_hours_or_the_vehicles_load(day: tuple[list[Stop], Runners]) -> None:
    stops, runners = day
    routing = plan_runs(DEPOT, stops, runners, **QUICK)
    where = {s.key: (s.latitude, s.longitude) for s in stops}
    assert len(routing.runs) <= runners.count * runners.runs_per_day
    assert len({(r.runner, r.leg) for r in routing.runs}) == len(routing.runs)
    for run in routing.runs:
        assert 1 <= run.runner <= runners.count and 1 <= run.leg <= runners.runs_per_day
        assert run.visits and run.units <= runners.run_load
        assert abs(run.km - route_km(DEPOT, [where[v.key] for v in run.visits])) < 1e-6
        assert run.hours == route_hours(run.km, len(run.visits), runners.speed_kmh) <= runners.run_hours + 1e-9


@settings(max_examples=60, deadline=None)
@given(days())
def test_every_unit_is_carried_once_or_left_and_none_beyond_reach_is_routed(day: tuple[list[Stop], Runners]) -> None:
    stops, runners = day
    routing = plan_runs(DEPOT, stops, runners, **QUICK)
    carried = Counter()
    for run in routing.runs:
        for visit in run.visits:
            assert visit.units > 0
            carried[visit.key] += visit.units
    left = Counter()
    for visit in routing.left:
        left[visit.key] += visit.units
    beyond = {s.key for s in stops if reach_of(s) > runners.reach_km}
    assert set(routing.out_of_reach) == beyond
    for stop in stops:
        if stop.key in beyond:
            assert carried[stop.key] == left[stop.key] == 0
        else:
            assert carried[stop.key] + left[stop.key] == stop.units   # no unit carried twice, none lost
    assert all(v.units <= runners.run_load for v in routing.left)  # pieces of one load at most


@settings(max_examples=60, deadline=None)
@given(days())
def test_a_stop_that_fits_alone_is_never_left_over_while_a_runner_stays_home(day: tuple[list[Stop], Runners]) -> None:
    stops, runners = day
    routing = plan_runs(DEPOT, stops, runners, **QUICK)
    if len(routing.runs) < runners.count * runners.runs_per_day:
        by_key = {s.key: s for s in stops}
        assert not [v for v in routing.left if fits_alone(by_key[v.key], v.units, runners)]


def test_a_stop_larger_than_a_load_goes_in_several_runs() -> None:
    hospital = Stop(7, 45.760, -0.640, 450)
    routing = plan_runs(DEPOT, [hospital], Runners(count=3, vehicle="bike"))
    assert sorted(r.units for r in routing.runs) == [50, 200, 200]
    assert {r.runner for r in routing.runs} == {1, 2, 3} and routing.left == []


def test_what_does_not_fit_waits_and_the_urgent_goes_first() -> None:
    one_run = Runners(count=1, vehicle="bike")
    later = Stop(1, 45.750, -0.620, 150, weight=1.0)
    urgent = Stop(2, 45.740, -0.640, 150, weight=4.0)
    routing = plan_runs(DEPOT, [later, urgent], one_run)
    assert [v.key for v in routing.runs[0].visits] == [2] and [(v.key, v.units) for v in routing.left] == [(1, 150)]


def test_without_runners_nothing_is_routed_and_the_same_day_gives_the_same_runs() -> None:
    stops = [Stop(k, DEPOT[0] + 0.01 * k, DEPOT[1] - 0.012 * k, 30 + k) for k in range(1, 13)]
    assert plan_runs(DEPOT, stops, Runners(count=0)) == Routing([], [], sorted(s.key for s in stops))
    runners = Runners(count=2, runs_per_day=2, vehicle="car", load=100)
    assert plan_runs(DEPOT, stops, runners) == plan_runs(DEPOT, stops, runners)


def test_the_routing_solver_is_imported_only_when_runs_are_routed() -> None:
    probe = ("import sys, makernet.planner.routes, makernet.services.deliveries, makernet.web.deliveries; "
             "print('ortools' in sys.modules)")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert found.stdout.strip() == "False", found.stderr
