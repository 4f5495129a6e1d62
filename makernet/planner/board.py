"""The board a plan is built on: what each place and line has left, and the order work is made in."""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from makernet.domain.demand import priority_rank
from makernet.domain.transport import RUNNER
from makernet.planner.lanes import Lane, bills_by_item, distance_matrix, fed, last_by_means, means_matrix, \
    runner_lanes
from makernet.planner.model import DemandLine, PlaceSupply, PlanInput

UNLIMITED = 10**9


@dataclass
class Share:
    """Units of a line given to a place in this run."""

    line_id: int
    place_id: int
    quantity: int
    late: bool = False
    pinned: bool = False


class Board:
    """Residual capacity, material and quantities while a plan is built; never goes below zero."""

    def __init__(self, inp: PlanInput, first_come_first_served: bool = False) -> None:
        self.inp = inp
        self.first_come_first_served = first_come_first_served
        self.places = {p.place_id: p for p in inp.places}
        self.lines = {ln.line_id: ln for ln in inp.lines}
        self.remaining = {ln.line_id: ln.quantity for ln in inp.lines}
        self.place_ids = list(self.places)
        self.column = {place_id: k for k, place_id in enumerate(self.place_ids)}
        self.row = {ln.line_id: k for k, ln in enumerate(inp.lines)}
        self.distances = distance_matrix([(ln.latitude, ln.longitude) for ln in inp.lines],
                                         [(p.latitude, p.longitude) for p in inp.places])
        self.means = means_matrix(inp, self.distances)
        self.last_by_means = last_by_means(inp)
        self.size = _days_covered(inp)
        # material promised to arrive, counted in what places can take by the optimising planner only (its
        # programme dates it: programme.py); the 2020 way knew what was on the shelf
        self.arriving: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {} if first_come_first_served else {
            (p.place_id, m): arrivals for p in inp.places for m, arrivals in p.material_expected.items() if arrivals}
        bills = bills_by_item(inp.lines)
        self.lanes = {(p.place_id, item_id): Lane(self._fed(p, days, bills.get(item_id, {})), self.size)
                      for p in inp.places for item_id, days in p.daily_capacity.items()}
        # the backlog as places make it: of unknown due date (first), per last on-time day, already late
        self.backlog_dated: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)
        self.overdue: dict[tuple[int, int], int] = defaultdict(int)
        for place in inp.places:
            for item_id, units in place.backlog.items():
                lane = self.lane(place.place_id, item_id)
                lane.load += units
                known = 0
                for last_day, quantity in place.backlog_due.get(item_id, ()):
                    known += quantity
                    if last_day >= 0:
                        _add(self.backlog_dated[place.place_id, item_id], last_day, quantity)
                        lane.add_due(last_day, quantity)
                    else:
                        self.overdue[place.place_id, item_id] += quantity
                lane.first += max(0, units - known)
        # on-time work per last day: the dated backlog, then what this run gives on time
        self.dated: dict[tuple[int, int], dict[int, int]] = defaultdict(
            dict, {lane: dict(days) for lane, days in self.backlog_dated.items()})
        self.runs = runner_lanes(inp.places, self.size)   # (place, item) -> what its runners can still carry
        self.material = {(p.place_id, m): q for p in inp.places for m, q in p.free_material.items()}
        self.promised = {key: sum(q for _, q in arrivals) for key, arrivals in self.arriving.items()}
        for key, quantity in self.promised.items():
            self.material[key] = self.material.get(key, 0) + quantity
        self.given: dict[tuple[int, int], int] = defaultdict(int)
        # forbidden pairs, each with who kept the place off the line (the first rule's word)
        self.forbidden: dict[tuple[int, int], str] = {}
        for rule in inp.rules:
            if rule.kind == "forbid":
                self.forbidden.setdefault((rule.line_id, rule.place_id), rule.why)
        self.shares: list[Share] = []
        # (place, item) -> units the programme kept for demand expected near the place (given to no one)
        self.kept: dict[tuple[int, int], int] = defaultdict(int)

    def _fed(self, place: PlaceSupply, days: tuple[float, ...], bill: dict[int, int]) -> tuple[float, ...]:
        """The place's daily capacity for an item as its shelf and promised material let it use it (lanes.fed)."""
        arriving = {m: self.arriving.get((place.place_id, m), ()) for m in bill}
        shelf = {m: place.on_shelf.get(m, place.free_material.get(m, 0)) for m in bill}
        return fed(days, bill, shelf, arriving)

    def lane(self, place_id: int, item_id: int) -> Lane:
        """The place's lane for the item (an empty one if it cannot make it)."""
        key = (place_id, item_id)
        if key not in self.lanes:
            self.lanes[key] = Lane((), self.size)
        return self.lanes[key]

    def distance_km(self, line_id: int, place_id: int) -> float:
        """Great-circle distance from the place to the line's delivery point."""
        return float(self.distances[self.row[line_id], self.column[place_id]])

    def last_day(self, line_id: int, place_id: int) -> int:
        """The last day the place can finish units of the line that still reach it on time (may be negative)."""
        row = self.row[line_id]
        return int(self.last_by_means[row, self.means[row, self.column[place_id]]])

    def last_days(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The same for lines (rows) × places (columns), as a matrix."""
        return np.take_along_axis(self.last_by_means[rows], self.means[np.ix_(rows, cols)].astype(np.int64), axis=1)

    def means_of(self, line_id: int, place_id: int) -> int:
        """How units of the line made at the place reach its requester (domain.transport)."""
        return int(self.means[self.row[line_id], self.column[place_id]])

    def allowed(self, line_id: int, place_id: int) -> bool:
        """Whether the place may be given this line at all (item, design, coordinator's word)."""
        line, place = self.lines[line_id], self.places[place_id]
        return line.design_version_id is not None and place.makes(line.item_id) \
            and (line_id, place_id) not in self.forbidden

    def capacity_left(self, place_id: int, item_id: int, last_day: int | None = None) -> int:
        """Units the place can still make of the item by a day (its whole horizon by default).

        By a day: before that day, after the work due by then, without making any work due
        later late (it may move back, not past its own day).
        """
        return self.lane(place_id, item_id).left(last_day)

    def room_by(self, place_id: int, item_id: int, last_day: int) -> int:
        """Capacity up to a day less the work that must be made by then (may be negative)."""
        return self.lane(place_id, item_id).room_by(last_day)

    def dated_days(self, place_id: int, item_id: int) -> list[int]:
        """The last days of the on-time work already on the place's lane."""
        return sorted(self.dated[place_id, item_id])

    def material_left(self, line: DemandLine, place_id: int) -> int:
        """Units of the line's design the place's unreserved material still allows."""
        return self.units_of_material(line.bill.items(), place_id)

    def units_of_material(self, bill: Iterable[tuple[int, int]], place_id: int) -> int:
        """Units of a bill of materials (material id, quantity per unit) the place's unreserved material allows."""
        material = self.material
        return max(0, min((material.get((place_id, m), 0) // q if q > 0 else UNLIMITED for m, q in bill),
                          default=UNLIMITED))

    def batch_left(self, line_id: int, place_id: int) -> int:
        """Units the place's batch limit still allows for this line in this run."""
        limit = self.places[place_id].batch_limit
        return UNLIMITED if limit is None else max(0, limit - self.given[line_id, place_id])

    def room(self, line_id: int, place_id: int, on_time: bool = False) -> int:
        """The most units of the line this place could still take (on time only, if asked).

        Called for every line and place several times a run: the cheap limits come first.
        """
        best = self.remaining[line_id]
        if best <= 0 or not self.allowed(line_id, place_id):
            return 0
        line = self.lines[line_id]
        last = self.last_day(line_id, place_id) if on_time else None
        if last is not None and last < 0:
            return 0
        best = min(best, self.batch_left(line_id, place_id))
        if best > 0:
            best = min(best, self.lane(place_id, line.item_id).left(last))
        if best > 0:
            best = min(best, self.material_left(line, place_id))
        if best > 0 and last is not None and (runs := self.runs_carrying(line_id, place_id)) is not None:
            best = min(best, runs.left(last))
        return max(0, best)

    def runs_carrying(self, line_id: int, place_id: int) -> Lane | None:
        """What the place's runners can still carry of the line's item, if they would carry its units (else None)."""
        runs = self.runs.get((place_id, self.lines[line_id].item_id))
        return runs if runs is not None and self.means_of(line_id, place_id) == RUNNER else None

    def take(self, line_id: int, place_id: int, quantity: int, *, late: bool = False, pinned: bool = False) -> int:
        """Give units of a line to a place, clipped to its room; returns what was given."""
        quantity = min(quantity, self.room(line_id, place_id))
        if quantity <= 0:
            return 0
        line = self.lines[line_id]
        self.remaining[line_id] -= quantity
        lane = self.lane(place_id, line.item_id)
        lane.load += quantity
        last_day = self.last_day(line_id, place_id)
        if not late and last_day >= 0:
            _add(self.dated[place_id, line.item_id], last_day, quantity)
            lane.add_due(last_day, quantity)
            if (runs := self.runs_carrying(line_id, place_id)) is not None:
                runs.add_due(last_day, quantity)
        self.given[line_id, place_id] += quantity
        for material_id, per_unit in line.bill.items():
            self.material[place_id, material_id] = self.material.get((place_id, material_id), 0) - per_unit * quantity
        self.shares.append(Share(line_id, place_id, quantity, late, pinned))
        return quantity

    def shelves_only(self) -> None:
        """From now on, count the material on the shelves only: what is left of it once the promised is taken off."""
        for key, quantity in self.promised.items():
            self.material[key] -= quantity

    def keep(self, line_id: int, place_id: int, quantity: int) -> None:
        """The programme kept capacity of the place for expected demand: noted for the explanations, given to no
        one (it stays free for the run's last units)."""
        self.kept[place_id, self.lines[line_id].item_id] += max(0, quantity)

    def places_by_distance(self, line_id: int) -> list[int]:
        """The places allowed for a line, nearest first."""
        row = self.distances[self.row[line_id]]
        order = np.argsort(row, kind="stable")
        return [self.place_ids[k] for k in order.tolist() if self.allowed(line_id, self.place_ids[k])]

    def apply_pins(self) -> None:
        """Give pinned work first: the coordinator's word comes before the optimisation."""
        for rule in self.inp.rules:
            if rule.kind == "pin" and rule.line_id in self.lines and rule.place_id in self.places \
                    and (rule.line_id, rule.place_id) not in self.forbidden:
                wanted = rule.quantity if rule.quantity is not None else self.remaining[rule.line_id]
                self.take(rule.line_id, rule.place_id, wanted, pinned=True)

    def production_order(self) -> list[Share]:
        """Shares in the order places should make them: on-time work by the day it must be ready to be carried
        in time, late work after."""
        def key(share: Share) -> tuple:
            line = self.lines[share.line_id]
            if self.first_come_first_served:
                return (share.place_id, line.order, line.line_id)
            return (share.place_id, self._late(share), self.last_day(line.line_id, share.place_id), line.needed_by,
                    priority_rank(line.priority), line.line_id)
        return sorted(self._merged(), key=key)

    def _merged(self) -> list[Share]:
        """One share per line, place and lateness (pins and later additions folded in)."""
        merged: dict[tuple[int, int, bool], Share] = {}
        for share in self.shares:
            key = (share.line_id, share.place_id, share.late)
            if key in merged:
                merged[key].quantity += share.quantity
                merged[key].pinned = merged[key].pinned or share.pinned
            else:
                merged[key] = Share(share.line_id, share.place_id, share.quantity, share.late, share.pinned)
        return list(merged.values())

    def schedule(self, shares: list[Share]) -> list[tuple[int | None, int | None]]:
        """When each share should start and be ready, in the given order within each lane.

        As places make their work: backlog of unknown due date first; then work that can be on
        time, by due date, new and old together; then late work, the old before the new.
        """
        on_time: dict[tuple[int, int], int] = defaultdict(int)
        for share in shares:
            if not self._late(share):
                on_time[share.place_id, self.lines[share.line_id].item_id] += share.quantity
        backlog = {key: _running(days) for key, days in self.backlog_dated.items()}
        before: dict[tuple, int] = defaultdict(int)   # new work of the same kind (on time / late) already ahead
        days = []
        for share in shares:
            line = self.lines[share.line_id]
            key, late = (share.place_id, line.item_id), self._late(share)
            lane = self.lane(*key)
            dated_days, dated_units = backlog.get(key, ((), (0,)))
            if late:
                ahead = lane.first + dated_units[-1] + on_time[key] + self.overdue[key]
            else:
                ahead = lane.first + dated_units[bisect_right(dated_days, self.last_day(line.line_id, share.place_id))]
            ahead += before[key, late]
            before[key, late] += share.quantity
            days.append((lane.day_reaching(ahead + 1), lane.day_reaching(ahead + share.quantity)))
        return days

    def _late(self, share: Share) -> bool:
        """Whether a share is made with the late work (given late, or its line's last day is past)."""
        return share.late or self.last_day(share.line_id, share.place_id) < 0


def _running(days: dict[int, int]) -> tuple[list[int], list[int]]:
    """Due days in order, and the units due by each (the first entry: none yet)."""
    ordered = sorted(days)
    running = [0]
    for day in ordered:
        running.append(running[-1] + days[day])
    return ordered, running


def _days_covered(inp: PlanInput) -> int:
    """How many days the lanes must count: every horizon, due date and backlog date of the input."""
    last = [len(days) for p in inp.places for days in p.daily_capacity.values()]
    last += [ln.needed_by + 1 for ln in inp.lines]   # by runner: ready the day it is needed
    last += [d + 1 for p in inp.places for due in p.backlog_due.values() for d, _ in due]
    return max([1] + last)


def _add(days: dict[int, int], day: int, units: int) -> None:
    days[day] = days.get(day, 0) + units
