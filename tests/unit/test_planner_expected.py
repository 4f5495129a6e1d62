"""Demand expected soon keeps the capacity nearest to where requests keep coming, and never takes a unit from one."""
from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from makernet.planner import DemandLine, PlaceSupply, PlanInput, plan
from tests.unit.test_planner_programme import territories

TUESDAY = date(2020, 3, 17)
VISOR, PLA = 1, 10


def place(place_id: int, lat: float) -> PlaceSupply:
    return PlaceSupply(place_id, f"Lieu {place_id}", lat, 0.0, {VISOR: (40.0,) * 10}, {}, {PLA: 10**6},
                       departement="17")


def line(line_id: int, quantity: int, needed_by: int, lat: float, expected: bool = False) -> DemandLine:
    return DemandLine(line_id, max(0, line_id), VISOR, quantity, needed_by, "normal", lat, 0.0, 5,
                      {} if expected else {PLA: 25}, order=line_id, departement="17", expected=expected)


def test_a_request_that_can_be_made_as_well_a_little_further_leaves_the_nearest_place_to_the_town_that_keeps_asking():
    # the request is 31 km from Lieu 1 and 36 km from Lieu 2; the town that asked every day this week is at Lieu 1,
    # and expects as much as Lieu 1 can make by then
    today = line(11, 200, 6, 46.28)
    places = (place(1, 46.0), place(2, 46.6))
    alone = plan(PlanInput(TUESDAY, places, (today,)))
    expecting = plan(PlanInput(TUESDAY, places, (today,), expected=(line(-1, 240, 6, 46.0, expected=True),)))
    assert [(p.place_id, p.quantity, p.on_time) for p in alone.proposals] == [(1, 200, True)]
    assert [(p.place_id, p.quantity, p.on_time) for p in expecting.proposals] == [(2, 200, True)]
    assert "Lieu 1 (31 km), sa capacité est gardée pour les demandes qui arrivent chaque jour plus près d'elle" \
        in expecting.proposals[0].explanation
    assert expecting.unplanned == () and expecting.held == ()
    assert expecting.relaxed_on_time == alone.relaxed_on_time == 200


def test_expected_demand_never_takes_a_unit_a_request_could_have_on_time():
    # one place, a request that needs all of it: the expected demand next door gets nothing
    today = line(11, 400, 10, 46.3)
    result = plan(PlanInput(TUESDAY, (place(1, 46.0),), (today,),
                            expected=(line(-1, 400, 10, 46.0, expected=True),)))
    assert [(p.place_id, p.quantity, p.on_time) for p in result.proposals] == [(1, 400, True)]


def expected_of(inp: PlanInput, draw: st.DrawFn) -> tuple[DemandLine, ...]:
    """Expected demand near the territory's requests."""
    return tuple(replace(ln, line_id=-1 - k, quantity=draw(st.integers(1, 300)), bill={}, expected=True,
                         latitude=ln.latitude + draw(st.floats(-0.3, 0.3)))
                 for k, ln in enumerate(inp.lines[:draw(st.integers(1, len(inp.lines)))]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(territories(), st.data())
def test_expected_demand_is_never_proposed_and_leaves_the_requests_on_time_units_as_they_were(
        inp: PlanInput, data: st.DataObject) -> None:
    alone = plan(inp)
    expecting = plan(replace(inp, expected=expected_of(inp, data.draw)))
    asked = {ln.line_id for ln in inp.lines}
    assert all(p.line_id in asked for p in expecting.proposals)
    assert all(u.line_id in asked for u in expecting.unplanned) and all(h.line_id in asked for h in expecting.held)
    # a whole unit: the relaxation's fractions may settle on another vertex of equal worth (28.0 for 28.09, the
    # rounded plans both 28), the units it gives whole never drop
    assert expecting.relaxed_on_time >= math.floor(alone.relaxed_on_time + 1e-6) - 1e-6
