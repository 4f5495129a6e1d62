"""Upper bounds on the units any planner can have ready on time, over a whole scenario.

A linear programme on the time-expanded network, with perfect foresight: each line's
units may be made at any place that makes its item, on any day between the line's
release and its last on-time day, within that place's real capacity of the day and the
material it has received by then. Every planner is limited by the same capacity and
material and sees requests only once they arrive, so none can beat this figure.

The release is the day the request arrives (`on_time_bound` with BoundLines as they
came), or, for the tighter bound, the first day from then on that a design version is
validated for its requester: no planner may allocate a line before that (issue: design
validation), and units are made only once allocated.
"""
from __future__ import annotations

import math

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

NEAR_KM = 20.0          # "local": the target for the median distance
ON_TIME_FIRST = 1000.0  # in the distance programme, one on-time unit outweighs any locality


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
    """The time-expanded programme: columns (line index, lane, day), then carried-stock columns."""

    columns: list[tuple[int, BoundLane, int]]
    rows: list[int] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    vals: list[float] = field(default_factory=list)
    limits: list[float] = field(default_factory=list)
    keys: dict[tuple, int] = field(default_factory=dict)
    stock_columns: int = 0

    def add(self, key: tuple, col: int, value: float, limit: float) -> None:
        """One coefficient of the row `key` (created with its limit the first time)."""
        if key not in self.keys:
            self.keys[key] = len(self.limits)
            self.limits.append(limit)
        self.rows.append(self.keys[key])
        self.cols.append(col)
        self.vals.append(value)

    def solve(self, production_value: np.ndarray) -> np.ndarray:
        """Maximise the value of production under the rows; the solution's production columns."""
        width = len(self.columns) + self.stock_columns
        matrix = coo_matrix((self.vals, (self.rows, self.cols)), shape=(len(self.limits), width)).tocsr()
        objective = np.concatenate([-production_value, np.zeros(self.stock_columns)])
        result = linprog(objective, A_ub=matrix, b_ub=np.array(self.limits, dtype=float), bounds=(0, None),
                         method="highs")
        if result.status != 0:
            raise RuntimeError(f"the bound's programme did not solve: {result.message}")
        return result.x[:len(self.columns)]


def on_time_bound(lines: list[BoundLine], lanes: list[BoundLane],
                  receipts: dict[tuple[int, int], tuple[int, ...]] | None = None) -> int:
    """The most units that could be ready on time; receipts: (place, material) -> quantity per day."""
    return int(np.floor(sum(on_time_by_line(lines, lanes, receipts).values()) + 1e-6))


def on_time_by_line(lines: list[BoundLine], lanes: list[BoundLane],
                    receipts: dict[tuple[int, int], tuple[int, ...]] | None = None) -> dict[int, float]:
    """Units of each line ready on time in one optimal solution of the bound's programme.

    The total is the bound; how it is shared among lines is one optimum among many, which
    says where foresight finds room, not which lines a planner must serve.
    """
    network = build(lines, lanes, receipts or {})
    made: dict[int, float] = {line.line_id: 0.0 for line in lines}
    if network.columns:
        for (index, _, _), units in zip(network.columns, network.solve(np.ones(len(network.columns)))):
            made[lines[index].line_id] += float(units)
    return made


def local_share_bound(lines: list[BoundLine], lanes: list[BoundLane], receipts: dict[tuple[int, int], tuple[int, ...]],
                      distance_km: dict[tuple[int, int], float], near_km: float = NEAR_KM) -> tuple[int, float]:
    """Among plans with the most on-time units, the largest share of them made within `near_km` of their requester.

    Returns (on-time units, that share in %): if the share is under 50 %, no plan that is
    on time as often as the bound has a median distance of `near_km` or less.
    """
    network = build(lines, lanes, receipts)
    if not network.columns:
        return 0, 0.0
    near = np.array([1.0 if distance_km[lines[i].line_id, lane.place_id] <= near_km else 0.0
                     for i, lane, _ in network.columns])
    made = network.solve(ON_TIME_FIRST + near)
    total = made.sum()
    return int(np.floor(total + 1e-6)), 100.0 * float(made @ near) / total if total else 0.0


def smallest_median_km(lines: list[BoundLine], lanes: list[BoundLane], receipts: dict[tuple[int, int], tuple[int, ...]],
                       distance_km: dict[tuple[int, int], float],
                       radii: tuple[float, ...] = (20, 25, 30, 40, 50, 60, 80, 100, 150)) -> tuple[float, float]:
    """Among plans with the most on-time units, how small their median distance can be: (above, at most).

    For each radius in turn, the largest share of on-time units made within it; the
    first radius reaching half bounds the smallest possible median from above, the one
    before it from below. (inf, inf) if even the last radius does not reach half.
    """
    below = 0.0
    for radius in radii:
        if local_share_bound(lines, lanes, receipts, distance_km, radius)[1] >= 50.0:
            return below, float(radius)
        below = float(radius)
    return math.inf, math.inf


def build(lines: list[BoundLine], lanes: list[BoundLane], receipts: dict[tuple[int, int], tuple[int, ...]]) -> Network:
    """The programme's rows: each line's quantity, each lane's capacity per day, each place's material."""
    lanes_by_item: dict[int, list[BoundLane]] = defaultdict(list)
    for lane in lanes:
        lanes_by_item[lane.item_id].append(lane)
    columns = [(index, lane, day) for index, line in enumerate(lines) for lane in lanes_by_item[line.item_id]
               for day in range(max(0, line.release_day), min(line.last_day, len(lane.capacity) - 1) + 1)
               if lane.capacity[day] > 0]
    network = Network(columns)
    for col, (index, lane, day) in enumerate(columns):
        network.add(("line", index), col, 1.0, lines[index].quantity)
        network.add(("lane", lane.place_id, lane.item_id, day), col, 1.0, lane.capacity[day])
    network.stock_columns = _material_rows(lines, network, receipts)
    return network


def _material_rows(lines: list[BoundLine], network: Network, receipts: dict) -> int:  # noqa: ANN001
    """Stock carried from day to day: what a place uses on a day comes from what it had plus receipts.

    Row (place, material, day): use + carried(day) - carried(day - 1) <= received that day,
    so the use up to any day never exceeds the receipts up to it. Returns how many
    carried-stock columns were added after the production columns.
    """
    first = len(network.columns)
    carried: dict[tuple[int, int, int], int] = {}
    for key, days in receipts.items():
        for day in range(len(days)):
            carried[key + (day,)] = first + len(carried)
    for (place_id, material_id, day), col in carried.items():
        limit = float(receipts[place_id, material_id][day])
        network.add(("material", place_id, material_id, day), col, 1.0, limit)
        if day > 0:
            network.add(("material", place_id, material_id, day), carried[place_id, material_id, day - 1], -1.0, limit)
    for col, (index, lane, day) in enumerate(network.columns):
        for material_id, per_unit in lines[index].bill.items():
            key = (lane.place_id, material_id)
            if key in receipts and day < len(receipts[key]):
                network.add(("material", lane.place_id, material_id, day), col, float(per_unit),
                            float(receipts[key][day]))
    return len(carried)
