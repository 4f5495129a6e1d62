"""A place's capacity for one item, day by day, and the work on it: the arithmetic every plan repeats.

Kept as arrays over the days (capacity made by each day, work due by each day), so that what
a lane can still take by a deadline is one lookup, and giving it work one vector update,
whatever the number of lines and due days on it. Also the arrays the board derives from its
input: how each line's units travel from each place and by when they must be ready, the
capacity a place can use as its promised material comes.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from makernet.domain.transport import COLLECTED, RUNNER, SHUTTLE, last_ready_day
from makernet.planner.model import DemandLine, PlaceSupply, PlanInput


EARTH_RADIUS_KM = 6371.0
# promised material counts for the work due this many days after the day it is due to come, not before: a margin
# for a supplier a little late (the programme's running totals and the capacity `fed` count it alike)
MATERIAL_LEAD = 4


class Lane:
    """Capacity and work of one item at one place; days run from today (0) to the board's last day."""

    __slots__ = ("horizon", "made_by", "total", "first", "due", "load", "_room", "_least", "running")

    def __init__(self, days: tuple[float, ...], size: int) -> None:
        running = np.cumsum(np.asarray(days, dtype=float)) if days else np.zeros(0)
        self.horizon = len(days) - 1
        self.running = running.tolist()          # capacity made by the end of each day, unrounded
        whole = np.floor(running + 1e-9) if days else np.zeros(1)
        # whole units made by the end of each day; after the horizon, no more than by its last day
        self.made_by = np.concatenate([whole, np.full(max(0, size - len(whole)), whole[-1])]).astype(np.int64)
        self.total = int(self.made_by[max(0, self.horizon)]) if days else 0
        self.first = 0                            # backlog of unknown due date: made before anything else
        self.due = np.zeros(len(self.made_by), dtype=np.int64)   # on-time work that must be made by each day
        self.load = 0                             # every unit to make, late ones too
        self._room: np.ndarray | None = None
        self._least: np.ndarray | None = None

    def add_due(self, last_day: int, units: int) -> None:
        """On-time work that must be ready by the end of `last_day`."""
        self.due[min(last_day, len(self.due) - 1):] += units
        self._room = self._least = None

    def room(self) -> np.ndarray:
        """Per day: capacity up to that day less the work that must be made by then (may be negative)."""
        if self._room is None:
            self._room = self.made_by - self.first - self.due
        return self._room

    def room_by(self, day: int) -> int:
        """Capacity up to a day less the work due by then; before today, nothing was made."""
        if day < 0:
            return -self.first
        return int(self.room()[min(day, len(self.due) - 1)])

    def least_from(self) -> np.ndarray:
        """Per day: the least room of that day and every later one (what new work due that day may use)."""
        if self._least is None:
            self._least = np.minimum.accumulate(self.room()[::-1])[::-1]
        return self._least

    def left(self, last_day: int | None = None) -> int:
        """Units the lane can still make (by a day: without pushing any work past its own day)."""
        left = self.total - self.load
        if last_day is not None:
            if last_day < 0:
                return 0   # nothing can be ready before today
            left = min(left, int(self.least_from()[min(last_day, len(self.due) - 1)]))
        return max(0, left)

    def left_by_day(self) -> np.ndarray:
        """Per day: what `left` gives for work due that day."""
        return np.maximum(0, np.minimum(self.least_from(), self.total - self.load))

    def day_reaching(self, units: int) -> int | None:
        """The first day by whose end the place has made `units` of the item."""
        day = bisect_left(self.running, units - 1e-9)
        return day if day < len(self.running) else None


def fed(days: tuple[float, ...], bill: dict[int, int], shelf: dict[int, int],
        arriving: dict[int, tuple[tuple[int, int], ...]]) -> tuple[float, ...]:
    """A place's daily capacity for an item (`days`) as its material lets it use it, where it waits for promised
    material (`arriving`: material id -> (day, quantity), counted from MATERIAL_LEAD days after): what it makes by
    each day is no more than its shelf and the deliveries come by then allow, so days idle before a delivery are
    lost. Materials nobody promised: as is."""
    made = np.cumsum(np.asarray(days, dtype=float))
    most = made.copy()
    for material_id, per_unit in bill.items():
        if not arriving.get(material_id) or per_unit <= 0 or not len(made):
            continue
        come = np.zeros(len(made))
        for day, quantity in arriving[material_id]:
            come[min(max(day, 0) + MATERIAL_LEAD, len(made) - 1)] += quantity
        # by day d: what the material come by a day s <= d allows, then the capacity of the days after s
        stock = (max(0, shelf.get(material_id, 0)) + np.cumsum(come)) / per_unit
        most = np.minimum(most, made + np.minimum.accumulate(np.minimum(0.0, stock - made)))
    return tuple(np.diff(most, prepend=0.0).tolist()) if len(made) else days


def bills_by_item(lines: Iterable[DemandLine]) -> dict[int, dict[int, int]]:
    """Per item, the most of each material a unit of its lines' designs takes."""
    bills: dict[int, dict[int, int]] = defaultdict(dict)
    for line in lines:
        for material_id, per_unit in line.bill.items():
            bills[line.item_id][material_id] = max(per_unit, bills[line.item_id].get(material_id, 0))
    return bills


def runner_lanes(places: Iterable[PlaceSupply], size: int) -> dict[tuple[int, int], Lane]:
    """Per place with runners and item it makes, what its runs can carry day by day, as a lane: their daily load,
    shared among its items, less the backlog they will carry (due its day; late backlog counts in the total)."""
    lanes: dict[tuple[int, int], Lane] = {}
    for place in places:
        share = place.runner_load / max(1, len(place.daily_capacity))
        for item_id in place.daily_capacity if share > 0 else ():
            lane = lanes[place.place_id, item_id] = Lane((share,) * size, size)
            for last_day, units in place.runner_due.get(item_id, ()):
                if last_day >= 0:
                    lane.add_due(last_day, units)
                else:
                    lane.load += units
    return lanes


def means_matrix(inp: PlanInput, distances: np.ndarray) -> np.ndarray:
    """How each line's units would travel from each place (lines × places): runner, collected or shuttle."""
    reach = np.array([p.reach_km for p in inp.places], dtype=float)
    codes: dict[str, int] = {}
    line_dep = np.array([codes.setdefault(ln.departement, len(codes)) for ln in inp.lines], dtype=np.int64)
    place_dep = np.array([codes.setdefault(p.departement, len(codes)) for p in inp.places], dtype=np.int64)
    same = line_dep[:, None] == place_dep[None, :]
    means = np.where(same, COLLECTED, SHUTTLE).astype(np.int8)
    means[(distances <= reach[None, :]) & (reach[None, :] > 0)] = RUNNER
    return means


def last_by_means(inp: PlanInput) -> np.ndarray:
    """Per line, the last day its units can be ready by each means (lines × 3)."""
    cache: dict[int, tuple[int, int, int]] = {}
    rows = []
    for line in inp.lines:
        if line.needed_by not in cache:
            cache[line.needed_by] = tuple(last_ready_day(line.needed_by, means, inp.today, inp.shuttle_weekdays)
                                          for means in (RUNNER, COLLECTED, SHUTTLE))
        rows.append(cache[line.needed_by])
    return np.array(rows, dtype=np.int64).reshape(len(inp.lines), 3)


def distance_matrix(lines: list[tuple[float, float]], places: list[tuple[float, float]]) -> np.ndarray:
    """Great-circle km from every place (columns) to every line's delivery point (rows).

    The haversine of two points is (1 - u1 . u2) / 2 for their unit vectors: one matrix product
    for every pair at once.
    """
    if not lines or not places:
        return np.zeros((len(lines), len(places)))
    a, b = _unit(lines), _unit(places)
    half = np.clip((1.0 - a @ b.T) / 2.0, 0.0, 1.0)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(half))


def _unit(points: list[tuple[float, float]]) -> np.ndarray:
    """Points on the sphere as unit vectors."""
    latitude, longitude = np.radians(np.asarray(points, dtype=float)).T
    return np.column_stack([np.cos(latitude) * np.cos(longitude), np.cos(latitude) * np.sin(longitude),
                            np.sin(latitude)])


__all__ = ["MATERIAL_LEAD", "Lane", "bills_by_item", "distance_matrix", "fed", "last_by_means", "means_matrix",
           "runner_lanes"]
