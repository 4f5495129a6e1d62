"""What the planner is given and what it gives back: plain frozen dataclasses."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from makernet.domain.explanations import Words
from makernet.domain.transport import COLLECTED, SHUTTLE_WEEKDAYS


@dataclass(frozen=True)
class PlaceSupply:
    """A place as the planner sees it: where it is, what it can still make, on what terms."""

    place_id: int
    name: str
    latitude: float
    longitude: float
    # item id -> units the place can make each day, day 0 being today
    daily_capacity: dict[int, tuple[float, ...]]
    # item id -> units already accepted or proposed and not yet made
    backlog: dict[int, int] = field(default_factory=dict)
    # material id -> quantity on hand that no work order has reserved yet
    free_material: dict[int, int] = field(default_factory=dict)
    batch_limit: int | None = None
    auto_accept: bool = False
    # item id -> (last day it can be ready and still arrive on time, units) of that backlog. Places make
    # work that can still be on time by that day, then work already late; backlog of unknown due date first
    backlog_due: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    # item id -> (printers, manual work centres) its daily capacity counts: what explanations name
    machines: dict[int, tuple[int, int]] = field(default_factory=dict)
    departement: str = ""
    reach_km: float = 0.0         # how far its volunteer runners deliver the day units are finished (0: none)
    runner_load: int = 0          # units its runners' runs carry in a day, all full (0: no limit counted)
    # item id -> (last day it can be ready, units) of the backlog its runners will carry (ready the day it is
    # needed): it takes room in the runs before any new work does
    runner_due: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    # material id -> ((day, quantity), ...) promised to arrive (a supplier assigned to its supply request): the
    # optimising planner counts it for the work due from MATERIAL_LEAD days after it comes (programme.py)
    material_expected: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    # material id -> quantity on its shelves (reserved or not): what it can make with before the promised comes
    on_shelf: dict[int, int] = field(default_factory=dict)

    def makes(self, item_id: int) -> bool:
        """Whether the place accepts and can make the item at all."""
        return any(self.daily_capacity.get(item_id, ()))

    def cumulative(self, item_id: int, last_day: int) -> int:
        """Whole units the place can make from today to `last_day` (inclusive), before its backlog."""
        days = self.daily_capacity.get(item_id, ())
        if last_day < 0 or not days:
            return 0
        return math.floor(sum(days[: last_day + 1]) + 1e-9)

    def horizon(self, item_id: int) -> int:
        """The last day the capacity is known for."""
        return len(self.daily_capacity.get(item_id, ())) - 1


@dataclass(frozen=True)
class DemandLine:
    """What is still to allocate of one approved request line."""

    line_id: int
    request_id: int
    item_id: int
    quantity: int                 # units not yet allocated anywhere
    needed_by: int                # days from today
    priority: str
    latitude: float
    longitude: float
    design_version_id: int | None  # newest version validated for this requester; None: none is
    bill: dict[int, int] = field(default_factory=dict)  # material id -> quantity per unit of that design
    requester_kind: str = ""
    order: int = 0                # arrival order, for first come first served
    departement: str = ""         # the requester's: units for another one travel by the regional shuttle
    expected: bool = False        # not a request: demand expected soon near there (PlanInput.expected)


@dataclass(frozen=True)
class Rule:
    """A coordinator's word on one line and place: pin (give it this work) or forbid."""

    kind: str                     # "pin" or "forbid"
    line_id: int
    place_id: int
    quantity: int | None = None   # pin: how many units (None: as many as the place can)
    # forbid: who kept the place off the line, in the explanations: a coordinator's rule ("coordination"),
    # or the place's own answer to earlier work of the line ("declined", "partial")
    why: str = "coordination"


@dataclass(frozen=True)
class Waiting:
    """A proposal of an earlier run still waiting for its place's answer; `line` is its line, its quantity the
    proposal's units. A run moves it to a place nearer the requester that can now make all of it on time."""

    work_order_id: int
    place_id: int
    line: DemandLine


@dataclass(frozen=True)
class PlanInput:
    """Everything one planning run looks at."""

    today: date
    places: tuple[PlaceSupply, ...]
    lines: tuple[DemandLine, ...]
    rules: tuple[Rule, ...] = ()
    # weekdays (Monday 0) the regional shuttle between départements runs (domain.transport)
    shuttle_weekdays: tuple[int, ...] = SHUTTLE_WEEKDAYS
    item_names: dict[int, str] = field(default_factory=dict)
    # propose only the work a place would start within this many days (0: today); plan the rest
    # but hold it for a later run, so that urgent requests posted meanwhile find room. None: propose all.
    release_days: int | None = None
    # demand expected in the next days where requests keep coming (expected=True, negative ids): in the
    # programme only, worth less than any request, so that a request that can be made as well a little
    # further leaves the capacity nearest to where the next ones will come. Never proposed nor reported.
    expected: tuple[DemandLine, ...] = ()
    # proposals of earlier runs still waiting for an answer (their units are in the places' backlog)
    waiting: tuple[Waiting, ...] = ()


@dataclass(frozen=True)
class Proposal:
    """Part of a line proposed to a place, with the facts behind it."""

    line_id: int
    place_id: int
    design_version_id: int
    quantity: int
    distance_km: float
    ready_day: int | None         # when the units should be ready, in days from today (None: beyond the horizon)
    needed_by: int
    on_time: bool                 # ready early enough for the delivery to arrive by the needed-by day
    pinned: bool = False
    explanation: str = ""
    start_day: int | None = None  # when the place should start on these units, in days from today
    means: int = COLLECTED        # how the units reach the requester (domain.transport: runner, collected, shuttle)
    last_day: int = 0             # the last day they can be ready and still reach it on time (days from today)
    replaces: int | None = None   # the waiting proposal (work order id) these units move from, to a nearer place
    words: Words = ()             # the explanation as words (domain.explanations), said in the reader's language


@dataclass(frozen=True)
class Held:
    """Part of a line the run planned at a place for later, and holds until the place is about to start it."""

    line_id: int
    place_id: int
    quantity: int
    start_day: int | None         # when the place would start on it, in days from today (None: beyond the horizon)
    ready_day: int | None
    on_time: bool
    reason: str
    words: Words = ()


@dataclass(frozen=True)
class Unplanned:
    """Units of a line the run could not place, and why, in plain words."""

    line_id: int
    quantity: int
    reason: str
    words: Words = ()


@dataclass(frozen=True)
class PlanResult:
    """The proposals of one run, what was left, and how long it took."""

    proposals: tuple[Proposal, ...]
    unplanned: tuple[Unplanned, ...]
    seconds: float
    strategy: str
    held: tuple[Held, ...] = ()
    # on-time units of the run's linear programme before rounding (an upper bound on what any
    # integer plan of the same state can have on time), and of the plan itself, held work included
    relaxed_on_time: float = 0.0
    planned_on_time: int = 0
