"""The 2020 way, as a baseline: nearest place with free capacity, first come first served."""
from __future__ import annotations

from time import perf_counter

from makernet.planner.board import Board
from makernet.planner.explain import proposals_of, unplanned_of
from makernet.planner.model import PlanInput, PlanResult


def plan_baseline(inp: PlanInput) -> PlanResult:
    """Serve lines in arrival order, each from the nearest places that still have room."""
    started = perf_counter()
    board = Board(inp, first_come_first_served=True)
    board.apply_pins()
    for line in sorted(board.lines.values(), key=lambda ln: (ln.order, ln.line_id)):
        for place_id in board.places_by_distance(line.line_id):
            if board.remaining[line.line_id] <= 0:
                break
            board.take(line.line_id, place_id, board.remaining[line.line_id])
    return PlanResult(proposals_of(board), unplanned_of(board), perf_counter() - started, "baseline")
