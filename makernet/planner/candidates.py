"""Which places could take which lines, and how many units: per item, as matrices of lines × places.

The board's room for every pair at once (what the line still needs, the place's batch
limit, its capacity in all and by the line's last day, its unreserved material, the
coordinators' forbids), computed with array operations rather than pair by pair.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from makernet.domain.planning import on_time_weight, priority_weight
from makernet.domain.transport import RUNNER
from makernet.planner.board import UNLIMITED, Board

ON_TIME_VALUE = 1000.0   # a unit on time is worth 1000 km of travel
LATE_VALUE = 400.0       # a late unit is still worth making, well after the on-time ones
# a unit of expected demand (PlanInput.expected) made on time: below any request's unit, late ones too,
# so it only decides between plans as good for the requests, by the kilometres saved tomorrow
EXPECTED_VALUE = 200.0
TOLERANCE = 1e-7


@dataclass
class Candidates:
    """The lines of one item that still need units, the places that can make it, and each pair's room."""

    board: Board
    item: int
    lines: np.ndarray          # rows of the board's lines
    places: np.ndarray         # columns of the board's places
    last: np.ndarray           # lines x places: the last day units can be made and still arrive on time
    on_value: np.ndarray       # per line: what a unit on time is worth
    late_value: np.ndarray
    room_on: np.ndarray = field(repr=False)    # lines x places: units that could be made on time
    room_all: np.ndarray = field(repr=False)   # lines x places: units that could be made at all
    _bills: dict[int, np.ndarray] | None = field(default=None, repr=False)
    _distances: np.ndarray | None = field(default=None, repr=False)

    def days(self, place: int) -> np.ndarray:
        """The distinct last days of the lines that can still be on time from one place (by its position)."""
        last = self.last[:, place]
        return np.flatnonzero(np.bincount(last[last >= 0], minlength=1))

    def distances(self) -> np.ndarray:
        """Kilometres of every pair."""
        if self._distances is None:
            self._distances = self.board.distances[np.ix_(self.lines, self.places)]
        return self._distances

    def nearest(self, count: int) -> np.ndarray:
        """Each line's `count` nearest places with room for it (lines x places, as a mask)."""
        possible = self.room_all > 0
        if len(self.places) <= count:
            return possible
        distance = np.where(possible, self.distances(), np.inf)
        nearest = np.argpartition(distance, count - 1, axis=1)[:, :count]
        mask = np.zeros_like(possible)
        np.put_along_axis(mask, nearest, True, axis=1)
        return mask & possible

    def improving(self, chosen: np.ndarray, on: np.ndarray, late: np.ndarray, per_line: int) -> np.ndarray:
        """Pairs left out whose reduced cost (on time or late) is negative: they would improve the plan.
        At most `per_line` per line, the most improving."""
        score = np.minimum(np.where(self.room_on > 0, on, np.inf), late)
        score[chosen | (self.room_all <= 0)] = np.inf
        good = score < -TOLERANCE
        if per_line < score.shape[1] and good.any():
            best = np.argpartition(score, per_line - 1, axis=1)[:, :per_line]
            keep = np.zeros_like(good)
            np.put_along_axis(keep, best, True, axis=1)
            good &= keep
        return good

    def bill_columns(self) -> dict[int, np.ndarray]:
        """Material id -> quantity per unit for each line (0 for lines that do not use it)."""
        if self._bills is None:
            columns: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(len(self.lines)))
            for k, row in enumerate(self.lines.tolist()):
                for material_id, per_unit in self.board.inp.lines[row].bill.items():
                    columns[material_id][k] = per_unit
            self._bills = dict(columns)
        return self._bills


def candidates_of(board: Board) -> list[Candidates]:
    """Per item, the pairs that could take work now (after pins)."""
    inp = board.inp
    by_item: dict[int, list[int]] = defaultdict(list)
    for row, line in enumerate(inp.lines):
        if board.remaining[line.line_id] > 0 and line.design_version_id is not None:
            by_item[line.item_id].append(row)
    groups = []
    for item_id, rows in sorted(by_item.items()):
        places = [col for col, place_id in enumerate(board.place_ids)
                  if board.places[place_id].makes(item_id) and board.lane(place_id, item_id).left() > 0]
        if places:
            groups.append(_group(board, item_id, np.array(rows), np.array(places)))
    return groups


def independent(groups: list[Candidates]) -> list[list[Candidates]]:
    """The items' groups, gathered into sets that share materials."""
    sets: list[tuple[set[int], list[Candidates]]] = []
    for group in groups:
        materials = set(group.bill_columns())
        joined = [s for s in sets if s[0] & materials]
        merged = (materials.union(*(s[0] for s in joined)), [g for s in joined for g in s[1]] + [group])
        sets = [s for s in sets if not any(s is j for j in joined)] + [merged]
    return [members for _, members in sets]


def _group(board: Board, item_id: int, rows: np.ndarray, cols: np.ndarray) -> Candidates:
    """One item's lines and places, with every pair's room."""
    inp = board.inp
    lines = [inp.lines[k] for k in rows.tolist()]
    place_ids = [board.place_ids[c] for c in cols.tolist()]
    remaining = np.array([board.remaining[ln.line_id] for ln in lines], dtype=np.int64)
    last = board.last_days(rows, cols)
    batch = np.array([board.places[p].batch_limit if board.places[p].batch_limit is not None else UNLIMITED
                      for p in place_ids], dtype=np.int64)
    room = np.minimum(remaining[:, None], batch[None, :])
    position = {p: k for k, p in enumerate(place_ids)}
    line_at = {ln.line_id: k for k, ln in enumerate(lines)}
    for (line_id, place_id), given in board.given.items():   # pinned work already counts in the batch
        if line_id in line_at and place_id in position and given:
            k, c = line_at[line_id], position[place_id]
            room[k, c] = min(room[k, c], max(0, batch[c] - given))
    for line_id, place_id in board.forbidden:
        if line_id in line_at and place_id in position:
            room[line_at[line_id], position[place_id]] = 0
    _within_material(board, lines, place_ids, room)
    lanes = [board.lane(p, item_id) for p in place_ids]
    total = np.array([lane.left() for lane in lanes], dtype=np.int64)
    room_all = np.minimum(room, total[None, :])
    size = len(lanes[0].due)
    by_day = np.stack([lane.left_by_day() for lane in lanes], axis=1)   # days x places
    on_time = by_day[np.clip(last, 0, size - 1), np.arange(len(lanes))[None, :]]
    room_on = np.where(last >= 0, np.minimum(room, on_time), 0)
    _within_runs(board, item_id, rows, cols, last, room_on)
    on_value = np.array([EXPECTED_VALUE if ln.expected else ON_TIME_VALUE * on_time_weight(ln.priority, ln.needed_by)
                         for ln in lines])
    late_value = np.array([0.0 if ln.expected else LATE_VALUE * priority_weight(ln.priority) for ln in lines])
    return Candidates(board, item_id, rows, cols, last, on_value, late_value, room_on, room_all)


def _within_runs(board: Board, item_id: int, rows: np.ndarray, cols: np.ndarray, last: np.ndarray,
                 room_on: np.ndarray) -> None:
    """Clip the on-time room of pairs a place's runners would carry to what its runs can still take by then."""
    for c, place_id in enumerate(board.place_ids[col] for col in cols.tolist()):
        runs = board.runs.get((place_id, item_id))
        if runs is not None:
            carried = board.means[rows, cols[c]] == RUNNER
            left = runs.left_by_day()
            room_on[carried, c] = np.minimum(room_on[carried, c], left[np.clip(last[carried, c], 0, len(left) - 1)])


def _within_material(board: Board, lines: list, place_ids: list[int], room: np.ndarray) -> None:
    """Clip each pair's room to the units the place's unreserved material allows for the line's design."""
    by_bill: dict[tuple, list[int]] = defaultdict(list)
    for k, line in enumerate(lines):
        if line.bill:
            by_bill[tuple(sorted(line.bill.items()))].append(k)
    for bill, ks in by_bill.items():
        allows = np.full(len(place_ids), UNLIMITED, dtype=np.int64)
        for material_id, per_unit in bill:
            if per_unit > 0:
                level = np.array([board.material.get((p, material_id), 0) for p in place_ids], dtype=np.int64)
                allows = np.minimum(allows, level // per_unit)
        allows = np.maximum(0, allows)
        room[ks] = np.minimum(room[ks], allows[None, :])
