"""The benchmark's bounds: the fast methods give the figures of the dual simplex on every radius."""
from __future__ import annotations

import math
import random

import pytest

from makernet.planner.bound import (NEAR_KM, BoundLane, BoundLine, locality, on_time_bound, on_time_by_line,
                                    smallest_median_km)
from makernet.planner.bound_network import INTERIOR, SIMPLEX

VISOR, MASK, PLA, ELASTIC = 1, 2, 10, 11
RADII = (25, 30, 40, 50, 60, 80, 100)


def instance(seed: int) -> tuple[list[BoundLine], list[BoundLane], dict, dict]:
    """A small random region: places making visors or masks, lines with windows, material, distances."""
    rng = random.Random(seed)
    days = 10
    lanes = [BoundLane(place, item, tuple(rng.choice((0, 3, 5, 8)) for _ in range(days)))
             for place in range(1, 6) for item in (VISOR, MASK) if rng.random() < 0.8]
    lines = []
    for line_id in range(100, 118):
        release = rng.randrange(days - 2)
        item = rng.choice((VISOR, MASK))
        lines.append(BoundLine(line_id, item, rng.randrange(5, 40), release, release + rng.randrange(1, 5),
                               {PLA: 25} if item == VISOR else {ELASTIC: 2}))
    receipts = {(place, PLA): tuple(rng.choice((0, 0, 250, 500)) for _ in range(days)) for place in (1, 2, 3)}
    receipts[4, ELASTIC] = tuple(rng.choice((0, 20, 40)) for _ in range(days))
    distance = {(line.line_id, place): rng.uniform(2.0, 120.0) for line in lines for place in range(1, 6)}
    return lines, lanes, receipts, distance


def scanned_median_km(lines: list[BoundLine], lanes: list[BoundLane], receipts: dict, distance: dict,
                      radii: tuple[float, ...]) -> tuple[float, float]:
    """The reference: one simplex programme per radius, in turn, up to the first reaching half."""
    below = 0.0
    for radius in radii:
        if locality(lines, lanes, receipts, distance, radius, method=SIMPLEX).share >= 50.0:
            return below, float(radius)
        below = float(radius)
    return math.inf, math.inf


@pytest.mark.parametrize("seed", range(8))
def test_the_interior_point_bounds_and_the_bisected_median_match_the_simplex_on_a_random_region(seed: int) -> None:
    lines, lanes, receipts, distance = instance(seed)
    assert on_time_bound(lines, lanes, receipts, method=INTERIOR) == on_time_bound(lines, lanes, receipts,
                                                                                   method=SIMPLEX)
    most = sum(on_time_by_line(lines, lanes, receipts).values())
    near = locality(lines, lanes, receipts, distance, NEAR_KM, RADII, method=INTERIOR)
    reference = locality(lines, lanes, receipts, distance, NEAR_KM, method=SIMPLEX)
    assert near.units == pytest.approx(most, abs=1e-6) and near.share == pytest.approx(reference.share, abs=1e-6)
    for radius in RADII:
        assert locality(lines, lanes, receipts, distance, radius).share == pytest.approx(
            locality(lines, lanes, receipts, distance, radius, method=SIMPLEX).share, abs=1e-6)
    assert smallest_median_km(lines, lanes, receipts, distance, RADII, known=[near], most_on_time=most) == \
        scanned_median_km(lines, lanes, receipts, distance, RADII)
    assert smallest_median_km(lines, lanes, receipts, distance, RADII) == \
        scanned_median_km(lines, lanes, receipts, distance, RADII)
