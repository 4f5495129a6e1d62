"""The planner: a linear programme over lines × places, solved by HiGHS, rounded down and repaired.

The programme gives each unit of a line to a place, on time if it can (the place's
capacity up to the line's needed-by day, after the work due by then, for every deadline), late
otherwise, within batch limits and unreserved material. An on-time unit is worth its
priority (care staff first) times its urgency (due sooner counts more: later work can
still be planned tomorrow), less the distance to the delivery point. Flooring a
feasible solution keeps it feasible; a greedy pass then places what rounding left over.
Only the work places would start within the release window is proposed (release.py).
"""
from __future__ import annotations

import math
from collections import defaultdict
from time import perf_counter

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from makernet.domain.demand import priority_rank
from makernet.domain.planning import on_time_weight, priority_weight
from makernet.planner.board import Board
from makernet.planner.explain import proposals_of, unplanned_of
from makernet.planner.model import PlanInput, PlanResult
from makernet.planner.release import release

ON_TIME_VALUE = 1000.0   # a unit on time is worth 1000 km of travel
LATE_VALUE = 400.0       # a late unit is still worth making, well after the on-time ones
EPSILON = 1e-6


def plan(inp: PlanInput) -> PlanResult:
    """Propose work orders for every line of the input (pins first, forbidden pairs never)."""
    started = perf_counter()
    board = Board(inp)
    board.apply_pins()
    pinned_on_time = sum(s.quantity for s in board.shares)   # pins count as on time in the relaxation
    pairs = [(ln, p) for ln in board.lines for p in board.places if board.room(ln, p) > 0]
    relaxed = float(pinned_on_time)
    if pairs:
        solution = _solve(board, pairs)
        relaxed += float(solution[:len(pairs)].sum())
        order = sorted(range(len(pairs)), key=lambda k: -(solution[k] + solution[len(pairs) + k]))
        for k in order:
            line_id, place_id = pairs[k]
            board.take(line_id, place_id, math.floor(solution[k] + EPSILON))
            board.take(line_id, place_id, math.floor(solution[len(pairs) + k] + EPSILON), late=True)
    fill_greedily(board)
    planned = proposals_of(board)
    proposals, held = release(inp, planned)
    return PlanResult(proposals, unplanned_of(board), perf_counter() - started, "planner", held,
                      relaxed_on_time=relaxed, planned_on_time=sum(p.quantity for p in planned if p.on_time))


def fill_greedily(board: Board) -> None:
    """Place what is left, most urgent line first, nearest place first, on time before late."""
    lines = sorted((board.lines[ln] for ln, left in board.remaining.items() if left > 0),
                   key=lambda ln: (priority_rank(ln.priority), ln.needed_by, ln.order, ln.line_id))
    for line in lines:
        for late in (False, True):
            for place_id in board.places_by_distance(line.line_id):
                if board.remaining[line.line_id] <= 0:
                    break
                room = board.room(line.line_id, place_id, on_time=not late)
                if room > 0:
                    board.take(line.line_id, place_id, room, late=late)


def _solve(board: Board, pairs: list[tuple[int, int]]) -> np.ndarray:
    """The programme's optimal units per pair: on-time parts first, then late parts."""
    n = len(pairs)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    limits: list[float] = []

    def row(entries: list[tuple[int, float]], limit: float) -> None:
        index = len(limits)
        for col, value in entries:
            rows.append(index)
            cols.append(col)
            vals.append(value)
        limits.append(limit)

    _line_rows(board, pairs, row)
    _capacity_rows(board, pairs, row)
    _material_rows(board, pairs, row)
    cost = np.zeros(2 * n)
    upper = np.zeros(2 * n)
    for k, (line_id, place_id) in enumerate(pairs):
        line = board.lines[line_id]
        distance = board.distance_km(line_id, place_id)
        cost[k] = distance - ON_TIME_VALUE * on_time_weight(line.priority, line.needed_by)
        cost[n + k] = distance - LATE_VALUE * priority_weight(line.priority)
        upper[k] = board.room(line_id, place_id, on_time=True)
        upper[n + k] = board.room(line_id, place_id)
    matrix = coo_matrix((vals, (rows, cols)), shape=(len(limits), 2 * n)).tocsr()
    result = linprog(cost, A_ub=matrix, b_ub=np.array(limits), bounds=np.column_stack([np.zeros(2 * n), upper]),
                     method="highs")
    if result.status != 0 or result.x is None:
        return np.zeros(2 * n)  # the greedy pass still places everything it can
    return result.x


def _line_rows(board: Board, pairs: list[tuple[int, int]], row) -> None:  # noqa: ANN001
    """A line gets no more than it still needs; a place no more than its batch limit."""
    n = len(pairs)
    by_line: dict[int, list[int]] = defaultdict(list)
    for k, (line_id, place_id) in enumerate(pairs):
        by_line[line_id].append(k)
        batch = board.batch_left(line_id, place_id)
        if batch < board.remaining[line_id]:
            row([(k, 1.0), (n + k, 1.0)], batch)
    for line_id, ks in by_line.items():
        row([(k, 1.0) for k in ks] + [(n + k, 1.0) for k in ks], board.remaining[line_id])


def _capacity_rows(board: Board, pairs: list[tuple[int, int]], row) -> None:  # noqa: ANN001
    """On-time units fit before every deadline after the work due by then, all units within the horizon."""
    n = len(pairs)
    lanes: dict[tuple[int, int], list[int]] = defaultdict(list)
    for k, (line_id, place_id) in enumerate(pairs):
        lanes[place_id, board.lines[line_id].item_id].append(k)
    transit = board.inp.transit_days
    for (place_id, item_id), ks in lanes.items():
        last = {k: board.lines[pairs[k][0]].needed_by - transit for k in ks}
        ks.sort(key=last.__getitem__)
        days = sorted(set(last.values()) | {d for d in board.dated_days(place_id, item_id) if d > last[ks[0]]})
        for day in days:   # the place makes on-time work by due date: every day's work fits before it
            members = [(k, 1.0) for k in ks if last[k] <= day]
            row(members, max(0, board.room_by(place_id, item_id, day)))
        row([(k, 1.0) for k in ks] + [(n + k, 1.0) for k in ks], board.capacity_left(place_id, item_id))


def _material_rows(board: Board, pairs: list[tuple[int, int]], row) -> None:  # noqa: ANN001
    """Material drawn by all the place's new work stays within what nobody has reserved."""
    n = len(pairs)
    uses: dict[tuple[int, int], list[tuple[int, float]]] = defaultdict(list)
    for k, (line_id, place_id) in enumerate(pairs):
        for material_id, per_unit in board.lines[line_id].bill.items():
            uses[place_id, material_id] += [(k, float(per_unit)), (n + k, float(per_unit))]
    for (place_id, material_id), entries in uses.items():
        row(entries, max(0, board.material.get((place_id, material_id), 0)))
