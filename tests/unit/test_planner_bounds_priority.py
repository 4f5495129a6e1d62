"""The benchmark's locality bound and hindsight plan serve priorities in turn, as a planner that respects them must."""
from __future__ import annotations

import random

import pytest

from makernet.planner.bound import (PRIORITIES, BoundLane, BoundLine, hindsight, locality, on_time_by_line,
                                    on_time_by_priority)

VISOR = 1


def scarce() -> tuple[list[BoundLine], list[BoundLane], dict[tuple[int, int], float]]:
    """One place with room for one of two lines: care staff 50 km away, a town hall 5 km away."""
    lines = [BoundLine(11, VISOR, 10, 0, 0, priority="care_staff"), BoundLine(12, VISOR, 10, 0, 0)]
    return lines, [BoundLane(1, VISOR, (10,))], {(11, 1): 50.0, (12, 1): 5.0}


def test_under_scarcity_the_locality_bound_keeps_the_care_staff_s_units_on_time() -> None:
    lines, lanes, distance = scarce()
    assert locality(lines, lanes, {}, distance, 20.0).share == pytest.approx(100.0)   # blind to priorities
    by_priority = on_time_by_priority(lines, lanes)
    assert by_priority == pytest.approx({"care_staff": 10.0, "emergency_services": 0.0, "vulnerable": 0.0,
                                         "normal": 0.0}, abs=1e-5)
    found = locality(lines, lanes, {}, distance, 20.0, by_priority=by_priority)
    assert found.units == pytest.approx(10.0) and found.share == pytest.approx(0.0, abs=1e-4)
    assert hindsight(lines, lanes, {}, distance, by_priority).median_km == pytest.approx(50.0)


def test_the_hindsight_plan_is_as_on_time_and_travels_the_fewest_unit_km() -> None:
    lines = [BoundLine(11, VISOR, 10, 0, 1), BoundLine(12, VISOR, 10, 0, 1)]
    lanes = [BoundLane(1, VISOR, (5, 5)), BoundLane(2, VISOR, (5, 5))]
    distance = {(11, 1): 5.0, (11, 2): 50.0, (12, 1): 40.0, (12, 2): 100.0}
    seen = hindsight(lines, lanes, {}, distance, on_time_by_priority(lines, lanes))
    # 11 at 1 and 12 at 2 travel 1,050 unit-km; 11 at 2 and 12 at 1, 900: half the units travel at most 40 km
    assert (seen.units, seen.median_km, seen.p90_km) == pytest.approx((20.0, 40.0, 50.0))


def test_a_line_s_own_deadline_at_a_place_limits_what_that_place_can_make_for_it() -> None:
    lanes = [BoundLane(1, VISOR, (10, 10, 10)), BoundLane(2, VISOR, (10, 10, 10))]
    lines = [BoundLine(11, VISOR, 50, 0, 2, last_day_at={2: 0})]     # from place 2 it must be ready on day 0
    assert on_time_by_line(lines, lanes) == {11: pytest.approx(40.0)}


@pytest.mark.parametrize("seed", range(6))
def test_serving_priorities_in_turn_loses_no_on_time_unit_when_items_share_no_material(seed: int) -> None:
    rng = random.Random(seed)
    days = 8
    lanes = [BoundLane(place, VISOR, tuple(rng.choice((0, 3, 5, 8)) for _ in range(days)), rng.choice((0, 4)))
             for place in range(1, 5)]
    lines = []
    for line_id in range(100, 116):
        release = rng.randrange(days - 2)
        lines.append(BoundLine(line_id, VISOR, rng.randrange(5, 40), release, release + rng.randrange(1, 4),
                               {10: 25}, rng.choice(PRIORITIES)))
    receipts = {(place, 10): tuple(rng.choice((0, 250, 500)) for _ in range(days)) for place in range(1, 5)}
    by_priority = on_time_by_priority(lines, lanes, receipts)
    assert sum(by_priority.values()) == pytest.approx(sum(on_time_by_line(lines, lanes, receipts).values()), rel=1e-6)
    first = [line for line in lines if line.priority == "care_staff"]
    assert by_priority["care_staff"] == pytest.approx(sum(on_time_by_line(first, lanes, receipts).values()), rel=1e-6)
