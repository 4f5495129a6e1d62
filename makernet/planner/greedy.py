"""The greedy pass: what the programme's rounding left, most urgent line first, nearest place first.

Over a nation most places have no room left for most lines once the programme has placed its
work; `Openings` keeps, per item, which places still have capacity (in all, and by each day)
and, per bill of materials, which still have the material, so that each line looks only at
the places that could take some of it.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from makernet.domain.demand import priority_rank
from makernet.planner.board import Board
from makernet.planner.model import DemandLine


def fill_greedily(board: Board) -> None:
    """Place what is left, most urgent line first, nearest place first, on time before late."""
    lines = sorted((board.lines[ln] for ln, left in board.remaining.items() if left > 0),
                   key=lambda ln: (priority_rank(ln.priority), ln.needed_by, ln.order, ln.line_id))
    openings = Openings(board)
    for line in lines:
        if line.design_version_id is None:
            continue
        order = None
        for late in (False, True):
            if board.remaining[line.line_id] <= 0:
                break
            usable = openings.usable(line, on_time=not late)
            if not usable.any():
                continue
            if order is None:
                order = np.argsort(board.distances[board.row[line.line_id]], kind="stable")
            for col in order[usable[order]].tolist():
                if board.remaining[line.line_id] <= 0:
                    break
                place_id = board.place_ids[col]
                room = board.room(line.line_id, place_id, on_time=not late)
                if room > 0:
                    board.take(line.line_id, place_id, room, late=late)
                    openings.taken(line, col)


class Openings:
    """Which places could still take some work of an item: capacity left in all and by day, material left."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.left: dict[int, np.ndarray] = {}        # item -> per place: units it can still make
        self.by_day: dict[int, np.ndarray] = {}      # item -> days x places: units it can still make by then
        self.allows: dict[tuple, np.ndarray] = {}    # bill -> per place: units its material allows
        self.bills_of: dict[int, set[tuple]] = defaultdict(set)   # material -> bills that use it
        self.masks: dict[tuple, np.ndarray] = {}

    def usable(self, line: DemandLine, on_time: bool) -> np.ndarray:
        """Places that might take some of the line (late or on time): a mask over the board's places."""
        board = self.board
        row = board.row[line.line_id]
        last = board.last_by_means[row][board.means[row]] if on_time else None
        key = (line.item_id, None if last is None else last.tobytes(), self._bill(line))
        if key not in self.masks:   # lines alike share it until work is given somewhere
            self.masks[key] = self._usable(line, last)
        return self.masks[key]

    def _usable(self, line: DemandLine, last: np.ndarray | None) -> np.ndarray:
        """`last`: per place, the last day units of the line can be ready on time (None: late work)."""
        item = line.item_id
        if item not in self.left:
            lanes = [self.board.lane(p, item) for p in self.board.place_ids]
            self.left[item] = np.array([lane.left() for lane in lanes], dtype=np.int64)
            self.by_day[item] = np.stack([lane.least_from() for lane in lanes], axis=1)
        usable = self.left[item] > 0
        if last is not None:
            by_day = self.by_day[item]
            usable &= (last >= 0) & (by_day[np.clip(last, 0, len(by_day) - 1), np.arange(len(usable))] > 0)
        bill = self._bill(line)
        if bill:
            usable &= self.allows[bill] > 0
        return usable

    def taken(self, line: DemandLine, col: int) -> None:
        """Work was given at a place: its lane and its material have less left."""
        board, item = self.board, line.item_id
        self.masks.clear()
        lane = board.lane(board.place_ids[col], item)
        self.left[item][col] = lane.left()
        self.by_day[item][:, col] = lane.least_from()
        for material_id in line.bill:
            for bill in self.bills_of[material_id]:
                self.allows[bill][col] = board.units_of_material(bill, board.place_ids[col])

    def _bill(self, line: DemandLine) -> tuple:
        """The line's bill as a key, its per-place allowance computed on first use."""
        bill = tuple(sorted(line.bill.items()))
        if bill and bill not in self.allows:
            self.allows[bill] = np.array([self.board.units_of_material(bill, p) for p in self.board.place_ids],
                                         dtype=np.int64)
            for material_id, _ in bill:
                self.bills_of[material_id].add(bill)
        return bill
