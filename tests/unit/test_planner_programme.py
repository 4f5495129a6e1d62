"""The planner's programme starts from each line's nearest places and grows by pricing: its optimum must be the
optimum over every pair, checked here against the dense programme (every line × place, one row per lane and
due day) that the planner solved before it scaled."""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from makernet.domain.planning import on_time_weight, priority_weight
from makernet.domain.transport import RUNNER
from makernet.planner import DemandLine, PlaceSupply, PlanInput, Rule
from makernet.planner.board import Board
from makernet.planner.candidates import LATE_VALUE, ON_TIME_VALUE
from makernet.planner.programme import MATERIAL_LEAD, NEAREST, solve

ITEMS, MATERIALS = (1, 2), (10, 11)


@st.composite
def territories(draw: st.DrawFn) -> PlanInput:
    """More places than the programme starts from, dated backlog, shared materials (some promised to come),
    pins, forbids, batch limits."""
    places = []
    for place_id in range(1, draw(st.integers(NEAREST + 1, 8)) + 1):
        capacity = {i: tuple(draw(st.lists(st.floats(0, 25), min_size=3, max_size=12)))
                    for i in draw(st.sets(st.sampled_from(ITEMS), min_size=1))}
        places.append(PlaceSupply(
            place_id, f"Lieu {place_id}", draw(st.floats(43, 47)), draw(st.floats(-1.5, 2)), capacity,
            backlog={i: draw(st.integers(0, 40)) for i in capacity},
            backlog_due={i: ((draw(st.integers(0, 10)), draw(st.integers(0, 20))),) for i in capacity},
            free_material={m: draw(st.integers(0, 1500)) for m in MATERIALS},
            material_expected={m: tuple((draw(st.integers(0, 12)), draw(st.integers(1, 800)))
                                        for _ in range(draw(st.integers(0, 2)))) for m in MATERIALS},
            batch_limit=draw(st.none() | st.integers(1, 60)),
            departement=draw(st.sampled_from(("17", "33"))), reach_km=draw(st.sampled_from((0.0, 40.0, 150.0))),
            runner_load=draw(st.sampled_from((0, 0, 10, 40))),
            runner_due={i: ((draw(st.integers(0, 10)), draw(st.integers(0, 30))),) for i in capacity
                        if draw(st.booleans())}))
    lines = []
    for line_id in range(100, 100 + draw(st.integers(1, 14))):
        lines.append(DemandLine(
            line_id, line_id, draw(st.sampled_from(ITEMS)), draw(st.integers(1, 150)), draw(st.integers(-1, 14)),
            draw(st.sampled_from(("care_staff", "emergency_services", "vulnerable", "normal"))),
            draw(st.floats(43, 47)), draw(st.floats(-1.5, 2)), draw(st.none() | st.just(7) | st.just(7) | st.just(7)),
            {m: draw(st.integers(1, 30)) for m in draw(st.sets(st.sampled_from(MATERIALS)))}, order=line_id,
            departement=draw(st.sampled_from(("17", "33")))))
    rules = tuple(Rule(draw(st.sampled_from(("pin", "forbid"))), draw(st.sampled_from([ln.line_id for ln in lines])),
                       draw(st.sampled_from([p.place_id for p in places])), draw(st.none() | st.integers(1, 50)))
                  for _ in range(draw(st.integers(0, 3))))
    return PlanInput(date(2020, 3, 17), tuple(places), tuple(lines), rules)


def dense_optimum(board: Board) -> float:
    """The whole programme over every pair with room, one row per lane and due day: its optimal value."""
    pairs = [(ln, p) for ln in board.lines for p in board.places if board.room(ln, p) > 0]
    if not pairs:
        return 0.0
    n = len(pairs)
    rows, cols, vals, limits = [], [], [], []

    def row(entries: list[tuple[int, float]], limit: float) -> None:
        for col, value in entries:
            rows.append(len(limits))
            cols.append(col)
            vals.append(value)
        limits.append(limit)

    by_line, lanes, uses = defaultdict(list), defaultdict(list), defaultdict(list)
    for k, (line_id, place_id) in enumerate(pairs):
        by_line[line_id].append(k)
        if board.batch_left(line_id, place_id) < board.remaining[line_id]:
            row([(k, 1.0), (n + k, 1.0)], board.batch_left(line_id, place_id))
        lanes[place_id, board.lines[line_id].item_id].append(k)
        for material_id, per_unit in board.lines[line_id].bill.items():
            uses[place_id, material_id] += [(k, float(per_unit)), (n + k, float(per_unit))]
    for line_id, ks in by_line.items():
        row([(k, 1.0) for k in ks] + [(n + k, 1.0) for k in ks], board.remaining[line_id])
    for (place_id, item_id), ks in lanes.items():
        last = {k: board.last_day(*pairs[k]) for k in ks}
        for day in sorted(set(last.values()) | set(board.dated_days(place_id, item_id))):
            row([(k, 1.0) for k in ks if last[k] <= day], max(0, board.room_by(place_id, item_id, day)))
        row([(k, 1.0) for k in ks] + [(n + k, 1.0) for k in ks], board.capacity_left(place_id, item_id))
    for (place_id, item_id), ks in lanes.items():   # what the runners carry by each day, within their runs
        carried = {k: board.last_day(*pairs[k]) for k in ks if board.means_of(*pairs[k]) == RUNNER}
        for day, limit in enumerate(runs_room(board, place_id, item_id)):
            row([(k, 1.0) for k, last in carried.items() if 0 <= last <= day], limit)
    for (place_id, material_id), entries in uses.items():
        level = board.material.get((place_id, material_id), 0)
        row(entries, max(0, level))
        arrivals = board.arriving.get((place_id, material_id), ())
        on_time = {k: (value, board.last_day(*pairs[k])) for k, value in entries if k < n}
        for day in sorted({last for _, last in on_time.values() if last >= 0} if arrivals else ()):
            not_yet = sum(q for arrives, q in arrivals if arrives > day - MATERIAL_LEAD)   # promised, not come
            row([(k, value) for k, (value, last) in on_time.items() if 0 <= last <= day], max(0, level - not_yet))
    cost, upper = np.zeros(2 * n), np.zeros(2 * n)
    for k, (line_id, place_id) in enumerate(pairs):
        cost[k], cost[n + k] = _costs(board, line_id, place_id)
        upper[k], upper[n + k] = board.room(line_id, place_id, on_time=True), board.room(line_id, place_id)
    matrix = coo_matrix((vals, (rows, cols)), shape=(len(limits), 2 * n)).tocsr()
    result = linprog(cost, A_ub=matrix, b_ub=np.array(limits), bounds=np.column_stack([np.zeros(2 * n), upper]),
                     method="highs")
    assert result.status == 0
    return float(result.fun)


def runs_room(board: Board, place_id: int, item_id: int) -> list[float]:
    """Per day, the on-time units a place's runners can still take by then (none if it has no runners or its
    runs are already full): their daily load, shared among its items, from today to that day, less their backlog
    and the pinned work they carry due by then."""
    place = board.places[place_id]
    load = place.runner_load / max(1, len(place.daily_capacity))
    if load <= 0:
        return []
    due = list(place.runner_due.get(item_id, ()))
    due += [(board.last_day(s.line_id, s.place_id), s.quantity) for s in board.shares
            if s.place_id == place_id and board.lines[s.line_id].item_id == item_id
            and board.means_of(s.line_id, place_id) == RUNNER and board.last_day(s.line_id, place_id) >= 0]
    return [max(0.0, math.floor(load * (day + 1) + 1e-9) - sum(units for last, units in due if last <= day))
            for day in range(board.size)]


def _costs(board: Board, line_id: int, place_id: int) -> tuple[float, float]:
    line, distance = board.lines[line_id], board.distance_km(line_id, place_id)
    return (distance - ON_TIME_VALUE * on_time_weight(line.priority, line.needed_by),
            distance - LATE_VALUE * priority_weight(line.priority))


def value_of(board: Board, solution) -> float:  # noqa: ANN001
    """The objective of the programme's solution."""
    total = 0.0
    for (line_id, place_id), on, late in zip(solution.pairs, solution.on_time, solution.late):
        on_cost, late_cost = _costs(board, line_id, place_id)
        total += on_cost * on + late_cost * late
    return total


@settings(max_examples=120, deadline=None)
@given(territories())
def test_starting_from_the_nearest_places_and_pricing_reaches_the_optimum_over_every_pair(inp: PlanInput) -> None:
    board = Board(inp)
    board.apply_pins()
    solution = solve(board)
    assert value_of(board, solution) == pytest.approx(dense_optimum(board), rel=1e-7, abs=1e-5)
    carried: dict[tuple[int, int, int], float] = defaultdict(float)   # no more on time than the runners carry
    for (line_id, place_id), on in zip(solution.pairs, solution.on_time):
        if board.means_of(line_id, place_id) == RUNNER and on > 0:
            carried[place_id, board.lines[line_id].item_id, board.last_day(line_id, place_id)] += on
    for place_id, item_id in {(p, i) for p, i, _ in carried}:
        for day, limit in enumerate(runs_room(board, place_id, item_id)):
            by_then = sum(units for (p, i, d), units in carried.items() if (p, i) == (place_id, item_id) and d <= day)
            assert by_then <= limit + 1e-6


def test_when_the_nearest_places_are_full_pricing_brings_in_the_far_one() -> None:
    near = [PlaceSupply(p, f"Proche {p}", 46.0, -1.0 + 0.01 * p, {1: (5.0,) * 5}) for p in (1, 2)]
    far = PlaceSupply(3, "Loin", 47.0, 1.5, {1: (50.0,) * 5})
    line = DemandLine(10, 10, 1, 120, 5, "care_staff", 46.0, -1.0, 7)
    inp = PlanInput(date(2020, 3, 17), (*near, far), (line,))
    board = Board(inp)
    solution = solve(board)
    given = {place_id: on for (_, place_id), on in zip(solution.pairs, solution.on_time)}
    assert solution.rounds >= 2, "the far place was not among the first pairs: pricing had to bring it in"
    assert given[1] == pytest.approx(25) and given[2] == pytest.approx(25) and given[3] == pytest.approx(70)
    assert value_of(board, solution) == pytest.approx(dense_optimum(board))


def test_a_place_s_runners_carry_no_more_on_time_than_their_runs_take_by_the_day_it_is_needed() -> None:
    # 80 units 6 km away needed in 5 days; the runs carry 10 a day: 60 by then, the rest from the other place,
    # 100 km away in the same département, collected the day after they are ready
    near = PlaceSupply(1, "Proche", 46.0, 0.0, {1: (100.0,) * 10}, reach_km=40.0, runner_load=10, departement="17")
    far = PlaceSupply(2, "Loin", 46.9, 0.0, {1: (100.0,) * 10}, departement="17")
    line = DemandLine(100, 100, 1, 80, 5, "care_staff", 46.05, 0.0, 7, {}, order=1, departement="17")
    board = Board(PlanInput(date(2020, 3, 17), (near, far), (line,)))
    solution = solve(board)
    on_time = {place_id: on for (_, place_id), on in zip(solution.pairs, solution.on_time)}
    assert on_time[1] == pytest.approx(60) and on_time[2] == pytest.approx(20)
    assert value_of(board, solution) == pytest.approx(dense_optimum(board))


def test_the_work_a_place_s_runners_already_carry_takes_its_room_in_the_runs_first() -> None:
    # runs carry 10 a day; 30 units already accepted go by runner on day 3: 20 more fit by day 4, 30 by day 5
    near = PlaceSupply(1, "Proche", 46.0, 0.0, {1: (100.0,) * 10}, backlog={1: 30}, backlog_due={1: ((3, 30),)},
                       reach_km=40.0, runner_load=10, runner_due={1: ((3, 30),)}, departement="17")
    far = PlaceSupply(2, "Loin", 46.9, 0.0, {1: (100.0,) * 10}, departement="17")
    lines = tuple(DemandLine(line_id, line_id, 1, 30, needed_by, "care_staff", 46.05, 0.0, 7, {}, order=line_id,
                             departement="17") for line_id, needed_by in ((100, 4), (101, 5)))
    board = Board(PlanInput(date(2020, 3, 17), (near, far), lines))
    solution = solve(board)
    near_on_time = sum(on for (_, place_id), on in zip(solution.pairs, solution.on_time) if place_id == 1)
    assert near_on_time == pytest.approx(30)
    assert sum(solution.on_time) == pytest.approx(60)
    assert value_of(board, solution) == pytest.approx(dense_optimum(board))
