"""Proposals still waiting for their place's answer, moved nearer when nearer capacity has freed up.

A proposal stays with its place until the place answers, and a place may take a day or two.
Meanwhile a place nearer the requester may have freed capacity (a decline elsewhere, printers
back, a request withdrawn). Once a run has planned its own lines, every waiting proposal of
the planner is looked at, the farthest first: if a place at least NEARER_KM nearer can now make
all of its units on time (capacity by the day they must be ready, its runners' runs, material,
batch limit, no refusal of the line), the units move there. The writer withdraws the waiting
proposal in the same transaction, and drops the move if the place answered meanwhile. Pinned
pairs never move; what the place the units leave frees is seen by the next run.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from makernet.planner.board import Board, Share
from makernet.planner.explain import explained
from makernet.planner.model import Proposal, Waiting

NEARER_KM = 15.0   # a move must save the requester at least this many km: no churn for a few km


def moved_nearer(board: Board, waiting: tuple[Waiting, ...]) -> tuple[Proposal, ...]:
    """The waiting proposals a nearer place can now take whole and on time, as proposals to that place."""
    pinned = {(rule.line_id, rule.place_id) for rule in board.inp.rules if rule.kind == "pin"}
    movable = [w for w in waiting if w.place_id in board.places and w.line.line_id in board.lines
               and w.line.quantity > 0 and (w.line.line_id, w.place_id) not in pinned]
    movable.sort(key=lambda w: (-board.distance_km(w.line.line_id, w.place_id), w.work_order_id))
    moves = []
    for one in movable:
        line_id, units = one.line.line_id, one.line.quantity
        here = board.distance_km(line_id, one.place_id)
        with _as_waiting(board, one):
            target = _nearer_with_room(board, line_id, one.place_id, units, here - NEARER_KM)
            if target is None:
                continue
            board.take(line_id, target, units)
            last = board.last_day(line_id, target)
            # when the place would make them after the work it has due before (this run's new work aside)
            [(start, ready)] = board.schedule([Share(line_id, target, units)])
            replaces = ("explain.replaces", {"place": board.places[one.place_id].name, "km": round(here),
                                             "nearer": board.places[target].name})
            moves.append(explained(board, Proposal(
                line_id=line_id, place_id=target, design_version_id=one.line.design_version_id or 0, quantity=units,
                distance_km=round(board.distance_km(line_id, target), 1), ready_day=min(ready, last)
                if ready is not None else last, needed_by=one.line.needed_by, on_time=True, start_day=start,
                means=board.means_of(line_id, target), last_day=last, replaces=one.work_order_id), first=(replaces,)))
    return tuple(moves)


def _nearer_with_room(board: Board, line_id: int, place_id: int, units: int, within_km: float) -> int | None:
    """The nearest place other than `place_id`, within `within_km` of the requester, that can make all the units
    on time; None if none can."""
    for other in board.places_by_distance(line_id):
        if board.distance_km(line_id, other) > within_km:
            return None
        if other != place_id and board.room(line_id, other, on_time=True) >= units:
            return other
    return None


@contextmanager
def _as_waiting(board: Board, one: Waiting) -> Iterator[None]:
    """Meanwhile, the board's line is the waiting proposal's: its units left to give (room() and take() count
    what a line still has to give, and these were given already), its design and bill of material (the room,
    the material taken and the words are the proposal's, not those of the line's design today)."""
    line_id = one.line.line_id
    line, left = board.lines[line_id], board.remaining[line_id]
    board.lines[line_id], board.remaining[line_id] = one.line, one.line.quantity
    try:
        yield
    finally:
        board.lines[line_id], board.remaining[line_id] = line, left
