"""The planner's linear programme, started on each line's nearest places and grown by pricing until optimal.

Every line × place pair that could take work is a pair of columns (units on time, units late).
Over a nation that is millions of columns, nearly all of them far away and useless: the
programme starts from each line's `NEAREST` places and is solved by HiGHS; every pair left
out is then priced with the solution's duals, the few that would improve the plan most for
each line are added, and HiGHS goes on from where it was (warm start), until no pair left out
would improve it. The result is the optimum of the whole programme (no pair left out has a
negative reduced cost) on a fraction of its columns.

A place's capacity by deadline is a running total per lane and due day (`c[j] = c[j-1] +
on-time units due that day`, bounded by what the lane can make by then), so that the programme
grows with lines + days, not lines × days; so is its material, where some is promised to it.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import highspy
import numpy as np

from makernet.domain.transport import RUNNER
from makernet.planner.board import UNLIMITED, Board
from makernet.planner.candidates import Candidates, candidates_of, independent
from makernet.planner.lanes import MATERIAL_LEAD
from makernet.planner.rows import INFINITY, QuietHighs, Rows

NEAREST = 2              # places per line the programme starts from
ADDED_PER_LINE = 4       # pairs a line may gain per round of pricing
MOST_ROUNDS = 100


@dataclass
class Solution:
    """The programme's optimal units per pair of columns, and how it was reached."""

    pairs: list[tuple[int, int]]      # (line id, place id)
    on_time: np.ndarray
    late: np.ndarray
    rounds: int = 0
    columns: int = 0


def solve(board: Board) -> Solution:
    """The optimum of the whole programme over every pair that could take work (see the module).

    Items that share no material share no row: each set of them is a programme of its own.
    """
    parts = [_solve(board, groups) for groups in independent(candidates_of(board))]
    pairs = [pair for part in parts for pair in part.pairs]
    order = sorted(range(len(pairs)), key=lambda k: (board.row[pairs[k][0]], board.column[pairs[k][1]]))
    on_time = np.concatenate([part.on_time for part in parts] + [np.zeros(0)])
    late = np.concatenate([part.late for part in parts] + [np.zeros(0)])
    return Solution([pairs[k] for k in order], on_time[order], late[order],
                    max([part.rounds for part in parts] + [0]), len(pairs))


def _solve(board: Board, groups: list[Candidates]) -> Solution:
    """Column generation over one set of items."""
    programme = Programme(board, groups)
    chosen = [group.nearest(NEAREST) for group in groups]
    for group, mask in zip(groups, chosen):
        programme.add_pairs(group, mask)
    for rounds in range(1, MOST_ROUNDS + 1):
        if not programme.run():
            break   # the last optimum found (of fewer pairs) is still a plan that holds
        added = False
        for g, group in enumerate(groups):
            extra = group.improving(chosen[g], *programme.prices(group), ADDED_PER_LINE)
            if extra.any():
                programme.add_pairs(group, extra)
                chosen[g] |= extra
                added = True
        if not added:
            break
    return programme.solution(rounds)


class Programme(Rows):
    """The programme in HiGHS: rows for lines, lanes and materials first, pairs of columns as they come."""

    def __init__(self, board: Board, groups: list[Candidates]) -> None:
        self.board = board
        self.highs = QuietHighs()
        self.rows = 0
        lines = np.unique(np.concatenate([group.lines for group in groups]))
        remaining = np.array([board.remaining[board.inp.lines[k].line_id] for k in lines.tolist()], dtype=float)
        self.line_row = dict(zip(lines.tolist(), self._rows(np.full(len(lines), -INFINITY), remaining).tolist()))
        self.day_row: dict[tuple[int, int], tuple[np.ndarray, int]] = {}   # lane -> (its due days, first row)
        self.total_row: dict[tuple[int, int], int] = {}
        self.material_row: dict[tuple[int, int], int] = {}
        self.day_rows_of: dict[int, np.ndarray] = {}
        self.material_rows_of: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self.values: np.ndarray | None = None   # the last optimal solution, column by column
        self.material_days: dict[tuple[int, int], tuple[np.ndarray, int]] = {}   # dated: (due days, first row)
        self.runner_rows_of: dict[int, np.ndarray] = {}
        for group in groups:
            self._lanes(group)
            self._runners(group)
        self._materials(groups)
        self.pairs: list[tuple[int, int]] = []      # (line row, place column) of each pair of columns
        self.on_column: list[int] = []
        self.late_column: list[int] = []
        self.columns = int(self.highs.getNumCol())

    def _lanes(self, group: Candidates) -> None:
        """Per lane, running totals of on-time units by due day within its room by then; all its work within what
        it can still make."""
        board = self.board
        for position, col in enumerate(group.places.tolist()):
            place_id = board.place_ids[col]
            lane = board.lane(place_id, group.item)
            days = np.union1d(group.days(position), np.array(board.dated_days(place_id, group.item), dtype=np.int64))
            rows = self._rows(np.zeros(len(days)), np.zeros(len(days)))
            total = int(self._rows(np.array([-INFINITY]), np.array([lane.left()]))[0])
            self.day_row[col, group.item] = (days, int(rows[0]) if len(days) else -1)
            self.total_row[col, group.item] = total
            if len(days):
                self._running(rows, total, np.maximum(0, lane.room()[np.minimum(days, len(lane.due) - 1)]))

    def _runners(self, group: Candidates) -> None:
        """Per place with runners, running totals of the on-time units they carry by due day (ready that day, they
        go in its runs) within what the runs can still carry from today to then and every later day, after the
        work they already have (board.runs)."""
        board = self.board
        last = group.last
        rows = np.full(last.shape, -1, dtype=np.int64)
        carried = (board.means[np.ix_(group.lines, group.places)] == RUNNER) & (last >= 0)
        for position, col in enumerate(group.places.tolist()):
            runs = board.runs.get((board.place_ids[col], group.item))
            mine = np.flatnonzero(carried[:, position])
            if runs is None or not len(mine):
                continue
            days = np.unique(last[mine, position])
            first = self._rows(np.zeros(len(days)), np.zeros(len(days)))
            self._running(first, None, np.maximum(0, runs.least_from()[np.minimum(days, len(runs.due) - 1)]))
            rows[mine, position] = first[np.searchsorted(days, last[mine, position])]
        self.runner_rows_of[group.item] = rows

    def _materials(self, groups: list[Candidates]) -> None:
        """Per place and material, all the work's material within what it has and is promised; where some is
        promised, running totals of the on-time work's by due day within what has come MATERIAL_LEAD days before."""
        board = self.board
        due: dict[tuple[int, int], set[int]] = defaultdict(set)
        for group in groups:
            for material_id in group.bill_columns():
                for position, col in enumerate(group.places.tolist()):
                    due[col, material_id].update(group.days(position).tolist())
        for (col, material_id), days in due.items():
            place_id = board.place_ids[col]
            level = board.material.get((place_id, material_id), 0)
            total = int(self._rows(np.array([-INFINITY]), np.array([max(0, level)]))[0])
            self.material_row[col, material_id] = total
            arrivals = board.arriving.get((place_id, material_id), ())
            if not arrivals or not days:
                continue
            dated = np.array(sorted(days), dtype=np.int64)
            rows = self._rows(np.zeros(len(dated)), np.zeros(len(dated)))
            self.material_days[col, material_id] = (dated, int(rows[0]))
            not_yet = np.array([sum(q for day, q in arrivals if day > last - MATERIAL_LEAD) for last in dated.tolist()])
            self._running(rows, total, np.maximum(0, level - not_yet))

    def add_pairs(self, group: Candidates, mask: np.ndarray) -> None:
        """The pairs of the mask, each as two columns: units on time, units late."""
        board = self.board
        at, places = np.nonzero(mask)
        if not len(at):
            return
        lines, cols = group.lines[at], group.places[places]
        n = len(at)
        distance = board.distances[lines, cols]
        line_rows = np.array([self.line_row[k] for k in lines.tolist()])
        last = group.last[at, places]
        # on time: the line, the running total of its due day, its material
        day_rows = np.full(n, -1)
        for c in np.unique(places).tolist():
            days, first = self.day_row[int(group.places[c]), group.item]
            mine = np.nonzero((places == c) & (last >= 0))[0]
            if len(mine) and len(days):
                day_rows[mine] = first + np.searchsorted(days, last[mine])
        totals = np.array([self.total_row[c, group.item] for c in cols.tolist()])
        rows, locals_, values = [line_rows, line_rows, totals], [np.arange(n), n + np.arange(n), n + np.arange(n)], \
            [np.ones(n), np.ones(n), np.ones(n)]
        on_time = np.nonzero(day_rows >= 0)[0]
        runner_rows = self.runner_rows_of[group.item][at, places]
        carried = np.nonzero(runner_rows >= 0)[0]
        rows += [day_rows[on_time], runner_rows[carried]]
        locals_ += [on_time, carried]
        values += [-np.ones(len(on_time)), -np.ones(len(carried))]
        for material_id, per_unit in group.bill_columns().items():
            uses = np.nonzero(per_unit[at] > 0)[0]
            amount = per_unit[at][uses]
            total = np.array([self.material_row[c, material_id] for c in cols[uses].tolist()], dtype=np.int64)
            on_rows, sign = self._material_rows_of(group, material_id)
            rows += [on_rows[at, places][uses], total]
            locals_ += [uses, n + uses]
            values += [sign[at, places][uses] * amount, amount]
        cost = np.concatenate([distance - group.on_value[at], distance - group.late_value[at]])
        upper = np.concatenate([group.room_on[at, places], group.room_all[at, places]])
        new = self._columns(cost, upper, np.concatenate(rows), np.concatenate(locals_), np.concatenate(values))
        self.pairs += list(zip(lines.tolist(), cols.tolist()))
        self.on_column += new[:n].tolist()
        self.late_column += new[n:].tolist()
        self._batches(lines, cols, new[:n], new[n:], group.room_all[at, places])

    def _batches(self, lines: np.ndarray, cols: np.ndarray, on: np.ndarray, late: np.ndarray,
                 room: np.ndarray) -> None:
        """A place no more than its batch limit of a line (pins already count in it), where it binds."""
        board = self.board
        limit = np.array([board.batch_left(board.inp.lines[k].line_id, board.place_ids[c])
                          if board.places[board.place_ids[c]].batch_limit is not None else UNLIMITED
                          for k, c in zip(lines.tolist(), cols.tolist())], dtype=float)
        remaining = np.array([board.remaining[board.inp.lines[k].line_id] for k in lines.tolist()], dtype=float)
        tight = np.nonzero(limit < remaining)[0]
        if not len(tight):
            return
        starts = np.arange(0, 2 * len(tight), 2, dtype=np.int32)
        index = np.column_stack([on[tight], late[tight]]).ravel().astype(np.int32)
        self.highs.addRows(len(tight), np.full(len(tight), -INFINITY), limit[tight], len(index), starts, index,
                           np.ones(len(index)))
        self.rows += len(tight)

    def run(self) -> bool:
        """HiGHS from where it stopped (from scratch if that fails); whether it found the optimum."""
        for _ in range(2):
            self.highs.run()
            if self.highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
                self.values = np.asarray(self.highs.getSolution().col_value)
                return True
            self.highs.clearSolver()   # a warm start can end short of a verdict: start again
        return False

    def prices(self, group: Candidates) -> tuple[np.ndarray, np.ndarray]:
        """Reduced costs of every pair of the group, on time and late (lines x places of the group)."""
        dual = np.asarray(self.highs.getSolution().row_dual)
        line_dual = dual[[self.line_row[k] for k in group.lines.tolist()]]
        total_dual = dual[[self.total_row[c, group.item] for c in group.places.tolist()]]
        shared = group.distances() - line_dual[:, None]
        on, late = shared + dual[self._day_rows(group)], shared - total_dual[None, :]
        runner_rows = self.runner_rows_of[group.item]
        on += np.where(runner_rows >= 0, dual[np.maximum(runner_rows, 0)], 0.0)
        for material_id, per_unit in group.bill_columns().items():
            totals = np.array([self.material_row[c, material_id] for c in group.places.tolist()], dtype=np.int64)
            late -= per_unit[:, None] * dual[totals][None, :]
            rows, sign = self._material_rows_of(group, material_id)
            on -= per_unit[:, None] * sign * dual[rows]
        return on - group.on_value[:, None], late - group.late_value[:, None]

    def _material_rows_of(self, group: Candidates, material_id: int) -> tuple[np.ndarray, np.ndarray]:
        """The row each pair's on-time units count the material in (lines x places), and their sign there: +1 in
        the place's total, -1 in a running total (as the pair's columns enter them: add_pairs)."""
        key = (group.item, material_id)
        if key not in self.material_rows_of:
            totals = np.array([self.material_row[c, material_id] for c in group.places.tolist()], dtype=np.int64)
            rows = np.tile(totals, (len(group.lines), 1))
            for c, col in enumerate(group.places.tolist()):   # dated: the running total of the line's due day
                if (col, material_id) in self.material_days:
                    days, first = self.material_days[col, material_id]
                    rows[:, c] = first + np.minimum(np.searchsorted(days, np.maximum(group.last[:, c], 0)),
                                                    len(days) - 1)
            self.material_rows_of[key] = (rows, np.where(rows == totals[None, :], 1.0, -1.0))
        return self.material_rows_of[key]

    def _day_rows(self, group: Candidates) -> np.ndarray:
        """The running-total row each pair's on-time units would enter (lines x places; any row for those that
        cannot be on time)."""
        if group.item not in self.day_rows_of:
            rows = np.zeros((len(group.lines), len(group.places)), dtype=np.int64)
            for c, col in enumerate(group.places.tolist()):
                days, first = self.day_row[col, group.item]
                if len(days):
                    rows[:, c] = first + np.minimum(np.searchsorted(days, np.maximum(group.last[:, c], 0)),
                                                    len(days) - 1)
            self.day_rows_of[group.item] = rows
        return self.day_rows_of[group.item]

    def solution(self, rounds: int) -> Solution:
        """The programme's units per pair, pairs in the order of the lines and places given."""
        values = self.values
        if values is None:
            return Solution([], np.zeros(0), np.zeros(0), rounds)
        values = np.concatenate([values, np.zeros(len(self.on_column) * 2)])   # pairs added after it: none
        order = sorted(range(len(self.pairs)), key=self.pairs.__getitem__)
        board = self.board
        pairs = [(board.inp.lines[self.pairs[k][0]].line_id, board.place_ids[self.pairs[k][1]]) for k in order]
        return Solution(pairs, values[np.array(self.on_column, dtype=np.int64)[order]],
                        values[np.array(self.late_column, dtype=np.int64)[order]], rounds, len(self.pairs))
