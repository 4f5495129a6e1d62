"""An upper bound on the units any planner can have ready on time, over a whole scenario.

A linear programme on the time-expanded network, with perfect foresight: each line's
units may be made at any place that makes its item, on any day between the line's
arrival and its last on-time day, within that place's real capacity of the day and the
material it has received by then. Every planner is limited by the same capacity and
material and sees requests only once they arrive, so none can beat this figure.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix


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


def on_time_bound(lines: list[BoundLine], lanes: list[BoundLane],
                  receipts: dict[tuple[int, int], tuple[int, ...]] | None = None) -> int:
    """The most units that could be ready on time; receipts: (place, material) -> quantity per day."""
    columns: list[tuple[int, BoundLane, int]] = []   # (line index, lane, day)
    lanes_by_item: dict[int, list[BoundLane]] = defaultdict(list)
    for lane in lanes:
        lanes_by_item[lane.item_id].append(lane)
    for index, line in enumerate(lines):
        for lane in lanes_by_item[line.item_id]:
            for day in range(max(0, line.release_day), min(line.last_day, len(lane.capacity) - 1) + 1):
                if lane.capacity[day] > 0:
                    columns.append((index, lane, day))
    if not columns:
        return 0
    rows, cols, vals, limits = [], [], [], []
    keys: dict[tuple, int] = {}

    def add(key: tuple, col: int, value: float, limit: float) -> None:
        if key not in keys:
            keys[key] = len(limits)
            limits.append(limit)
        rows.append(keys[key])
        cols.append(col)
        vals.append(value)

    for col, (index, lane, day) in enumerate(columns):
        add(("line", index), col, 1.0, lines[index].quantity)
        add(("lane", lane.place_id, lane.item_id, day), col, 1.0, lane.capacity[day])
    stock_columns = _material_rows(lines, columns, receipts or {}, add)
    width = len(columns) + stock_columns
    matrix = coo_matrix((vals, (rows, cols)), shape=(len(limits), width)).tocsr()
    objective = np.concatenate([-np.ones(len(columns)), np.zeros(stock_columns)])
    result = linprog(objective, A_ub=matrix, b_ub=np.array(limits, dtype=float), bounds=(0, None), method="highs")
    if result.status != 0:
        raise RuntimeError(f"the bound's programme did not solve: {result.message}")
    return int(np.floor(-result.fun + 1e-6))


def _material_rows(lines: list[BoundLine], columns: list, receipts: dict, add) -> int:  # noqa: ANN001
    """Stock carried from day to day: what a place uses on a day comes from what it had plus receipts.

    Row (place, material, day): use + carried(day) - carried(day - 1) <= received that day,
    so the use up to any day never exceeds the receipts up to it. Returns how many
    carried-stock columns were added after the production columns.
    """
    first = len(columns)
    carried: dict[tuple[int, int, int], int] = {}
    for key, days in receipts.items():
        for day in range(len(days)):
            carried[key + (day,)] = first + len(carried)
    for (place_id, material_id, day), col in carried.items():
        limit = float(receipts[place_id, material_id][day])
        add(("material", place_id, material_id, day), col, 1.0, limit)
        if day > 0:
            add(("material", place_id, material_id, day), carried[place_id, material_id, day - 1], -1.0, limit)
    for col, (index, lane, day) in enumerate(columns):
        for material_id, per_unit in lines[index].bill.items():
            key = (lane.place_id, material_id)
            if key in receipts and day < len(receipts[key]):
                add(("material", lane.place_id, material_id, day), col, float(per_unit), float(receipts[key][day]))
    return len(carried)
