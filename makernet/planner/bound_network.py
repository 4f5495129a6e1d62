"""The time-expanded programme behind the bounds, built with array operations.

Columns are (line, lane, day) productions in the order line, lane, day, then one
carried-stock column per (place, material, day) received; rows are each line's
quantity and each lane's capacity of a day (numbered in the order the columns first
meet them), then each place's material of a day. A scenario of 1,200 lines and 40
places has some 350,000 columns: the arrays are built at once rather than coefficient
by coefficient.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

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


@dataclass(frozen=True)
class BoundLane:
    """What one place could really make of one item on each day of the scenario."""

    place_id: int
    item_id: int
    capacity: tuple[int, ...]     # units per day, day 0 being the scenario's first day


@dataclass
class Network:
    """The programme's matrix and limits, and for each production column its line, lane and day."""

    line: np.ndarray              # index into the lines
    lane: np.ndarray              # index into the lanes
    day: np.ndarray
    matrix: csr_matrix            # production columns, then carried-stock columns
    limits: np.ndarray

    @property
    def width(self) -> int:
        """How many production columns the programme has."""
        return len(self.line)

    def solve(self, production_value: np.ndarray, method: str = SIMPLEX) -> np.ndarray:
        """Maximise the value of production under the rows; the solution's production columns."""
        stock = self.matrix.shape[1] - self.width
        objective = np.concatenate([-production_value, np.zeros(stock)])
        result = linprog(objective, A_ub=self.matrix, b_ub=self.limits, bounds=(0, None), method=method)
        if result.status != 0:
            raise RuntimeError(f"the bound's programme did not solve: {result.message}")
        return result.x[:self.width]


def build(lines: list[BoundLine], lanes: list[BoundLane], receipts: dict[tuple[int, int], tuple[int, ...]]) -> Network:
    """The programme's rows: each line's quantity, each lane's capacity per day, each place's material."""
    line, lane, day, capacity = _columns(lines, lanes)
    if not len(line):
        return Network(line, lane, day, csr_matrix((0, 0)), np.zeros(0))
    # line rows and lane-day rows, numbered in the order the columns first meet them
    keys = np.empty(2 * len(line), dtype=np.int64)
    keys[0::2] = line
    keys[1::2] = len(lines) + lane * capacity.shape[1] + day
    distinct, first = np.unique(keys, return_index=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[order] = np.arange(len(distinct))
    ordered, is_line = distinct[order], distinct[order] < len(lines)
    limits = np.empty(len(distinct))
    limits[is_line] = np.array([float(one.quantity) for one in lines])[ordered[is_line]]
    limits[~is_line] = capacity.ravel()[ordered[~is_line] - len(lines)]
    rows, cols, values, received, carried = _material_entries(lines, lanes, receipts, line, lane, day, len(distinct))
    matrix = csr_matrix((np.concatenate([np.ones(len(keys)), values]),
                         (np.concatenate([rank[np.searchsorted(distinct, keys)], rows]),
                          np.concatenate([np.repeat(np.arange(len(line)), 2), cols]))),
                        shape=(len(distinct) + len(received), len(line) + carried))
    return Network(line, lane, day, matrix, np.concatenate([limits, received]))


def _columns(lines: list[BoundLine], lanes: list[BoundLane]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (line, lane, day) where the lane makes the line's item with some capacity inside the line's window."""
    days = max((len(one.capacity) for one in lanes), default=0)
    capacity = np.zeros((len(lanes), days))
    for index, one in enumerate(lanes):
        capacity[index, :len(one.capacity)] = one.capacity
    lane_item = np.array([one.item_id for one in lanes], dtype=np.int64)
    line_item = np.array([one.item_id for one in lines], dtype=np.int64)
    release = np.array([max(0, one.release_day) for one in lines], dtype=np.int64)
    last = np.array([one.last_day for one in lines], dtype=np.int64)
    span = np.arange(days)
    open_days = (span >= release[:, None]) & (span <= last[:, None])                 # line x day
    found = np.nonzero((line_item[:, None, None] == lane_item[None, :, None])
                       & open_days[:, None, :] & (capacity > 0)[None, :, :])
    return found[0], found[1], found[2], capacity


def _material_entries(lines: list[BoundLine], lanes: list[BoundLane], receipts: dict[tuple[int, int], tuple[int, ...]],
                      line: np.ndarray, lane: np.ndarray, day: np.ndarray,
                      first_row: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Stock carried from day to day: what a place uses on a day comes from what it had plus receipts.

    Row (place, material, day): use + carried(day) - carried(day - 1) <= received that day,
    so the use up to any day never exceeds the receipts up to it. Returns the entries'
    rows, columns and values, the rows' limits and how many carried-stock columns follow
    the production columns.
    """
    width = len(line)
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
    cols = [width + carried, width + carried[~ends]]
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
