"""The planner: a linear programme over lines × places, solved by HiGHS, rounded down and repaired.

The programme gives each unit of a line to a place, on time if it can (the place's
capacity up to the line's needed-by day, after the work due by then, for every deadline), late
otherwise, within batch limits and unreserved material. An on-time unit is worth its
priority (care staff first) times its urgency (due sooner counts more: later work can
still be planned tomorrow), less the distance to the delivery point. Flooring a
feasible solution keeps it feasible; a greedy pass then places what rounding left over.
Only the work places would start within the release window is proposed (release.py).

Proposals of earlier runs still waiting for an answer move to a place nearer the requester that can
now make them on time (nearer.py).

Demand expected soon (PlanInput.expected) enters the programme only: it never takes a unit
on time from a request, but among plans as good for the requests it keeps the capacity
nearest to where requests keep coming, and the run then forgets it (nothing is given to it).
"""
from __future__ import annotations

from dataclasses import replace
from time import perf_counter

import numpy as np

from makernet.planner.board import Board
from makernet.planner.explain import explained, proposals_of, unplanned_of
from makernet.planner.greedy import fill_greedily
from makernet.planner.model import PlanInput, PlanResult
from makernet.planner.nearer import moved_nearer
from makernet.planner.programme import solve as optimum
from makernet.planner.release import release

EPSILON = 1e-6


def plan(inp: PlanInput) -> PlanResult:
    """Propose work orders for every line of the input (pins first, forbidden pairs never)."""
    started = perf_counter()
    known = {line.line_id for line in inp.lines}
    waiting_lines = tuple({w.line.line_id: w.line for w in inp.waiting if w.line.line_id not in known}.values())
    board = Board(replace(inp, lines=inp.lines + inp.expected + waiting_lines)
                  if inp.expected or waiting_lines else inp)
    for line in waiting_lines:
        board.remaining[line.line_id] = 0   # their units are given already: only moved (nearer.py)
    board.apply_pins()
    pinned_on_time = sum(s.quantity for s in board.shares)   # pins count as on time in the relaxation
    solution = optimum(board)
    asked = np.array([not board.lines[line_id].expected for line_id, _ in solution.pairs], dtype=bool)
    relaxed = float(pinned_on_time) + float(solution.on_time[asked].sum())
    whole_on = np.floor(solution.on_time + EPSILON).astype(np.int64)
    whole_late = np.floor(solution.late + EPSILON).astype(np.int64)
    order = np.argsort(-(solution.on_time + solution.late), kind="stable")
    for k in order[(whole_on[order] > 0) | (whole_late[order] > 0)].tolist():
        line_id, place_id = solution.pairs[k]
        if asked[k]:
            board.take(line_id, place_id, int(whole_on[k]))
            board.take(line_id, place_id, int(whole_late[k]), late=True)
        else:
            board.keep(line_id, place_id, int(whole_on[k]))
    for line in inp.expected:
        board.remaining[line.line_id] = 0
    board.shelves_only()   # the programme dated the promised material; the repair cannot: it keeps off it
    fill_greedily(board)
    planned = proposals_of(board, with_words=False)
    proposals, held = release(inp, planned)
    proposals = tuple(explained(board, proposal) for proposal in proposals) + moved_nearer(board, inp.waiting)
    return PlanResult(proposals, unplanned_of(board), perf_counter() - started, "planner", held,
                      relaxed_on_time=relaxed, planned_on_time=sum(p.quantity for p in planned if p.on_time))
