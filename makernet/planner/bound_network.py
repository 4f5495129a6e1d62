"""The time-expanded programme behind the bounds, built with array operations.

Columns are (line, lane, day) productions in the order line, lane, day, then one
carried-capacity column per day of each lane that carries capacity over, then one
carried-stock column per (place, material, day) received; rows are each line's
quantity and each lane's capacity of a day (numbered in the order the columns first
meet them, then the days of carrying lanes no production column meets), then each
place's material of a day. A scenario of 1,200 lines and 40 places has some 350,000
columns: the arrays are built at once rather than coefficient by coefficient.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack

# The dual simplex (HiGHS's own choice) gives the optimum whose split among lines the
# benchmark has always reported, but on the plain on-time programme, where every unit is
# worth the same, it stalls as the programme grows: 45 s for the default scenario's
# 145,000 production columns, still unsolved after 15 minutes for the denser one's
# 357,000. The interior-point method with crossover reaches an optimal vertex of the same
# value in 15 and 35 s; it is also steadier on the locality programmes.
SIMPLEX = "highs"
INTERIOR = "highs-ipm"
SIMPLEX_COLUMNS = 200_000   # above this, the split among lines comes from the interior-point method


@dataclass(frozen=True)
class BoundLine:
    """One request line over the scenario: when it arrives, by when it must be ready, where."""

    line_id: int
    item_id: int
    quantity: int
    release_day: int
    last_day: int                 # last day units can be made and still arrive on time
    bill: dict[int, int] = field(default_factory=dict)
    priority: str = "normal"      # care_staff, emergency_services, vulnerable, normal
    # place id -> last day units made there arrive on time, where it is not `last_day` (a transport model's
    # per-pair deadline plugs in here)
    last_day_at: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class BoundLane:
    """What one place could really make of one item on each day of the scenario.

    `carry`: capacity left unused one day may be used on the following ones, as long as
    no more than `carry` units' worth is held at once (a plate or batch waiting for the
    hours it needs); 0, each day's capacity is lost at its end.
    """

    place_id: int
    item_id: int
    capacity: tuple[int, ...]     # units per day, day 0 being the scenario's first day
    carry: int = 0

    @classmethod
    def of(cls, place_id: int, item_id: int, per_day: Sequence[float], carry: int = 0) -> BoundLane:
        """The lane of a place whose capacity comes in fractions of a unit a day: whole units a day, never more
        up to any day than the running total of its capacity allows."""
        running = [int(total + 1e-9) for total in accumulate(per_day)]
        return cls(place_id, item_id, tuple(b - a for a, b in zip([0, *running], running)), carry)


@dataclass
class Network:
    """The programme's matrix and limits, and for each production column its line, lane and day."""

    line: np.ndarray              # index into the lines
    lane: np.ndarray              # index into the lanes
    day: np.ndarray
    matrix: csr_matrix            # production columns, then carried-capacity and carried-stock columns
    limits: np.ndarray
    upper: np.ndarray = field(default_factory=lambda: np.zeros(0))   # of each column after the production ones

    @property
    def width(self) -> int:
        """How many production columns the programme has."""
        return len(self.line)

    def solve(self, production_value: np.ndarray, method: str = SIMPLEX,
              at_least: Sequence[tuple[np.ndarray, float]] = ()) -> np.ndarray:
        """Maximise the value of production under the rows; the solution's production columns.

        Each (columns, least) of `at_least` also asks those production columns (a boolean
        mask) to make at least `least` units, less a hair for the solver's tolerance.
        """
        others = self.matrix.shape[1] - self.width
        objective = np.concatenate([-production_value, np.zeros(others)])
        matrix, limits = self.matrix, self.limits
        if at_least:
            floors = csr_matrix(np.vstack([np.concatenate([-mask.astype(float), np.zeros(others)])
                                           for mask, _ in at_least]))
            matrix = vstack([matrix, floors], format="csr")
            limits = np.concatenate([limits, [-(least - 1e-7 * max(1.0, least)) for _, least in at_least]])
        upper = np.concatenate([np.full(self.width, np.inf), self.upper, np.full(others - len(self.upper), np.inf)])
        result = linprog(objective, A_ub=matrix, b_ub=limits, bounds=np.column_stack([np.zeros(len(upper)), upper]),
                         method=method)
        if result.status != 0:
            raise RuntimeError(f"the bound's programme did not solve: {result.message}")
        return result.x[:self.width]


def build(lines: list[BoundLine], lanes: list[BoundLane], receipts: dict[tuple[int, int], tuple[int, ...]]) -> Network:
    """The programme's rows: each line's quantity, each lane's capacity per day, each place's material.

    A lane that carries capacity over has a row for each of its days, linked by
    carried-capacity columns: what it makes on a day plus what it carries out of it is at
    most the day's capacity plus what it carried in.
    """
    line, lane, day, capacity = _columns(lines, lanes)
    if not len(line):
        return Network(line, lane, day, csr_matrix((0, 0)), np.zeros(0))
    days = capacity.shape[1]
    carry = np.array([float(one.carry) for one in lanes])
    carrying = np.nonzero(carry > 0)[0]
    keys = np.empty(2 * len(line), dtype=np.int64)   # each production column's line row and lane-day row
    keys[0::2] = line
    keys[1::2] = len(lines) + lane * days + day
    chained = len(lines) + (carrying[:, None] * days + np.arange(days)[None, :])      # carrying lane x day
    row, limits = _rows(lines, capacity, np.concatenate([keys, chained.ravel()]))
    # carried-capacity column (lane, day) for every day but the last: out of that day's row, into the next one's
    into, out_of = row(chained[:, 1:].ravel()), row(chained[:, :-1].ravel())
    carried = np.arange(len(into)) + len(line)
    rows, cols, values, received, stocked = _material_entries(lines, lanes, receipts, line, lane, day, len(limits),
                                                              len(line) + len(into))
    matrix = csr_matrix((np.concatenate([np.ones(len(keys)), np.ones(len(into)), -np.ones(len(into)), values]),
                         (np.concatenate([row(keys), out_of, into, rows]),
                          np.concatenate([np.repeat(np.arange(len(line)), 2), carried, carried, cols]))),
                        shape=(len(limits) + len(received), len(line) + len(into) + stocked))
    return Network(line, lane, day, matrix, np.concatenate([limits, received]),
                   np.repeat(carry[carrying], days - 1))


def _rows(lines: list[BoundLine], capacity: np.ndarray,
          keys: np.ndarray) -> tuple[Callable[[np.ndarray], np.ndarray], np.ndarray]:
    """Line and lane-day rows, numbered in the order `keys` first meet them: each key's row, and the rows' limits.

    A key below len(lines) is a line's, above a lane-day's (len(lines) + lane * days + day).
    """
    distinct, first = np.unique(keys, return_index=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[order] = np.arange(len(distinct))
    ordered, is_line = distinct[order], distinct[order] < len(lines)
    limits = np.empty(len(distinct))
    limits[is_line] = np.array([float(one.quantity) for one in lines])[ordered[is_line]]
    limits[~is_line] = capacity.ravel()[ordered[~is_line] - len(lines)]
    return (lambda asked: rank[np.searchsorted(distinct, asked)]), limits


def _columns(lines: list[BoundLine], lanes: list[BoundLane]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (line, lane, day) where the lane makes the line's item inside the line's window at its place, on a day
    it has capacity or may have some carried over."""
    days = max((len(one.capacity) for one in lanes), default=0)
    capacity = np.zeros((len(lanes), days))
    for index, one in enumerate(lanes):
        capacity[index, :len(one.capacity)] = one.capacity
    lane_item = np.array([one.item_id for one in lanes], dtype=np.int64)
    line_item = np.array([one.item_id for one in lines], dtype=np.int64)
    release = np.array([max(0, one.release_day) for one in lines], dtype=np.int64)
    last = np.repeat(np.array([one.last_day for one in lines], dtype=np.int64)[:, None], len(lanes), axis=1)
    lanes_at: dict[int, list[int]] = {}
    for index, one in enumerate(lanes):
        lanes_at.setdefault(one.place_id, []).append(index)
    for index, one in enumerate(lines):
        for place_id, last_day in one.last_day_at.items():
            last[index, lanes_at.get(place_id, [])] = last_day
    span = np.arange(days)
    open_days = (span >= release[:, None, None]) & (span <= last[:, :, None])        # line x lane x day
    working = (capacity > 0) | (np.array([one.carry > 0 for one in lanes], dtype=bool)[:, None])
    found = np.nonzero((line_item[:, None, None] == lane_item[None, :, None]) & open_days & working[None, :, :])
    return found[0], found[1], found[2], capacity


def _material_entries(lines: list[BoundLine], lanes: list[BoundLane], receipts: dict[tuple[int, int], tuple[int, ...]],
                      line: np.ndarray, lane: np.ndarray, day: np.ndarray,
                      first_row: int, first_column: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Stock carried from day to day: what a place uses on a day comes from what it had plus receipts.

    Row (place, material, day): use + carried(day) - carried(day - 1) <= received that day,
    so the use up to any day never exceeds the receipts up to it. Returns the entries'
    rows, columns and values, the rows' limits and how many carried-stock columns there are
    (from `first_column` on).
    """
    offset, start = {}, 0
    for key, days in receipts.items():
        offset[key] = (start, len(days))
        start += len(days)
    limits = np.array([float(units) for days in receipts.values() for units in days], dtype=float)
    carried = np.arange(start)
    ends = np.zeros(start, dtype=bool)   # a key's last day carries into no later row
    for begin, length in offset.values():
        if length:
            ends[begin + length - 1] = True
    rows = [first_row + carried, first_row + carried[~ends] + 1]
    cols = [first_column + carried, first_column + carried[~ends]]
    vals = [np.ones(start), -np.ones(int((~ends).sum()))]
    for material_id in sorted({material for one in lines for material in one.bill}):
        per_unit = np.array([float(one.bill.get(material_id, 0)) for one in lines])
        billed = np.array([material_id in one.bill for one in lines])
        lane_start = np.array([offset.get((one.place_id, material_id), (-1, 0))[0] for one in lanes], dtype=np.int64)
        lane_days = np.array([offset.get((one.place_id, material_id), (-1, 0))[1] for one in lanes], dtype=np.int64)
        use = billed[line] & (lane_start[lane] >= 0) & (day < lane_days[lane])
        rows.append(first_row + lane_start[lane[use]] + day[use])
        cols.append(np.nonzero(use)[0])
        vals.append(per_unit[line[use]])
    return (np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64), np.concatenate(vals),
            limits, start)
