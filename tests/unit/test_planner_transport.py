"""The planner counts on time only what can also be carried on time: runners, next-day collection, the shuttle."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from makernet.domain.planning import great_circle_km
from makernet.domain.transport import COLLECTED, RUNNER, SHUTTLE, arrival_day, last_ready_day, means_of
from makernet.planner import DemandLine, PlaceSupply, PlanInput, plan

TUESDAY = date(2020, 3, 17)    # the shuttle runs on Tuesdays and Fridays
VISOR, PLA = 1, 10


def place(place_id: int, lat: float, departement: str, reach_km: float = 0.0, per_day: float = 40.0) -> PlaceSupply:
    return PlaceSupply(place_id, f"Lieu {place_id}", lat, 0.0, {VISOR: (per_day,) * 10}, {}, {PLA: 10**6},
                       departement=departement, reach_km=reach_km)


def line(line_id: int, quantity: int, needed_by: int, lat: float, departement: str) -> DemandLine:
    return DemandLine(line_id, line_id, VISOR, quantity, needed_by, "normal", lat, 0.0, 5, {PLA: 25}, order=line_id,
                      departement=departement)


def test_the_rules_of_each_means() -> None:
    assert [last_ready_day(3, means, TUESDAY) for means in (RUNNER, COLLECTED, SHUTTLE)] == [3, 2, 2]   # Friday
    assert last_ready_day(2, SHUTTLE, TUESDAY) == -1      # Thursday: the last shuttle left on Tuesday
    assert arrival_day(0, SHUTTLE, TUESDAY) == 3          # finished on Tuesday, on Friday's shuttle
    assert arrival_day(3, SHUTTLE, TUESDAY) == 7          # finished on Friday: next Tuesday
    assert last_ready_day(10, SHUTTLE, TUESDAY, ()) < 0 and arrival_day(0, SHUTTLE, TUESDAY, ()) is None
    assert means_of(10.0, False, 8.0) == RUNNER and means_of(10.0, True, 12.0) == COLLECTED
    assert means_of(0.0, False, 1.0) == SHUTTLE


def test_units_needed_today_are_on_time_only_within_a_runner_s_reach() -> None:
    near = line(11, 20, 0, 46.05, "17")       # 5.6 km from the place
    with_runners = plan(PlanInput(TUESDAY, (place(1, 46.0, "17", reach_km=10.0),), (near,)))
    without = plan(PlanInput(TUESDAY, (place(1, 46.0, "17"),), (near,)))
    assert [(p.quantity, p.on_time, p.means) for p in with_runners.proposals] == [(20, True, RUNNER)]
    assert "coursiers bénévoles de Lieu 1" in with_runners.proposals[0].explanation
    assert [p.on_time for p in without.proposals] == [False]


def test_a_farther_place_of_the_requester_s_departement_beats_a_nearer_one_the_shuttle_cannot_serve_in_time() -> None:
    # needed on Thursday: from another département the last shuttle leaves on Tuesday, before anything is made
    wanted = line(11, 30, 2, 46.0, "17")
    across = place(1, 46.2, "33")             # 22 km, another département
    home = place(2, 46.8, "17")               # 89 km, the requester's own
    result = plan(PlanInput(TUESDAY, (across, home), (wanted,)))
    assert [(p.place_id, p.quantity, p.on_time, p.means) for p in result.proposals] == [(2, 30, True, COLLECTED)]
    assert "Retrait le lendemain" in result.proposals[0].explanation
    assert "Lieu 1 (22 km), trop loin pour livrer à temps" in result.proposals[0].explanation


def test_the_shuttle_carries_on_time_what_is_ready_the_day_before_it_runs() -> None:
    wanted = line(11, 30, 3, 46.0, "17")       # needed on Friday: ready by Thursday for Friday's shuttle
    (proposal,) = plan(PlanInput(TUESDAY, (place(1, 46.2, "33"),), (wanted,))).proposals
    assert (proposal.on_time, proposal.means, proposal.ready_day) == (True, SHUTTLE, 0)
    assert "navette régionale, qui arrive le 20/03" in proposal.explanation


@st.composite
def territories(draw: st.DrawFn) -> PlanInput:
    places = tuple(PlaceSupply(
        k, f"Lieu {k}", draw(st.floats(45, 46.5)), draw(st.floats(-1, 0.5)),
        {VISOR: tuple(draw(st.lists(st.floats(0, 30), min_size=2, max_size=10)))}, {}, {PLA: 10**6},
        batch_limit=draw(st.none() | st.integers(1, 40)), departement=draw(st.sampled_from(("17", "33", "79"))),
        reach_km=draw(st.sampled_from((0.0, 10.0, 40.0)))) for k in range(1, draw(st.integers(1, 5)) + 1))
    lines = tuple(DemandLine(
        k, k, VISOR, draw(st.integers(1, 80)), draw(st.integers(-1, 9)), "normal", draw(st.floats(45, 46.5)),
        draw(st.floats(-1, 0.5)), 5, {PLA: 25}, order=k, departement=draw(st.sampled_from(("17", "33", "79"))))
        for k in range(100, 100 + draw(st.integers(1, 8))))
    weekdays = draw(st.sampled_from(((1, 4), (2,), ())))
    return PlanInput(draw(st.dates(date(2020, 3, 16), date(2020, 3, 22))), places, lines,
                     shuttle_weekdays=weekdays)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(territories())
def test_no_unit_is_counted_on_time_that_cannot_be_carried_on_time(inp: PlanInput) -> None:
    result = plan(replace(inp, release_days=None))
    places, lines = {p.place_id: p for p in inp.places}, {ln.line_id: ln for ln in inp.lines}
    on_time = 0
    for proposal in result.proposals:
        where, wanted = places[proposal.place_id], lines[proposal.line_id]
        km = great_circle_km(where.latitude, where.longitude, wanted.latitude, wanted.longitude)
        means = means_of(where.reach_km, where.departement == wanted.departement, km)
        assert proposal.means == means
        if proposal.on_time:
            arrives = arrival_day(proposal.ready_day, means, inp.today, inp.shuttle_weekdays)
            assert arrives is not None and arrives <= wanted.needed_by
            on_time += proposal.quantity
    assert result.planned_on_time == on_time


def test_a_place_makes_first_what_must_leave_first_whatever_the_needed_by_dates() -> None:
    # both needed on Friday: the runner carries the first the day it is ready, the second must catch Friday's
    # shuttle, so it must be ready on Thursday and is made first
    runner_bound = line(11, 40, 3, 46.05, "17")
    shuttle_bound = line(12, 40, 3, 46.6, "33")
    result = plan(PlanInput(TUESDAY, (place(1, 46.0, "17", reach_km=10.0, per_day=20.0),),
                            (runner_bound, shuttle_bound), release_days=None))
    assert [(p.line_id, p.on_time, p.ready_day) for p in result.proposals] == [(12, True, 1), (11, True, 3)]
    assert result.planned_on_time == 80
