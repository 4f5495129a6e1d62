"""Upper bounds on the units any planner can have ready on time, over a whole scenario.

A linear programme on the time-expanded network, with perfect foresight: each line's
units may be made at any place that makes its item, on any day between the line's
release and its last on-time day (at that place, `BoundLine.last_day_at`), within that
place's real capacity of the day, and of earlier days as far as the place carries unused
capacity over (`BoundLane.carry`), and the material it has received by then. Every planner is limited by the same capacity and
material and sees requests only once they arrive, so none can beat this figure.

The release is the day the request arrives (`on_time_bound` with BoundLines as they
came), or, for the tighter bound, the first day from then on that a design version is
validated for its requester: no planner may allocate a line before that (issue: design
validation), and units are made only once allocated.

The locality bound and the hindsight plan respect priorities. Under scarcity the plans
with B's on-time units differ in whom they serve, and the nearest of them may leave care
staff late to serve a nearer town hall: a median no plan that puts priorities first can
reach. So both first fix the on-time units of each priority at their lexicographic optimum
(`on_time_by_priority`: care staff as many as any plan can have, then emergency services
as many as they can have without taking from care staff, then vulnerable people, then the
rest), and only then ask how near those units can be made. That rather than asking each
priority for at least its units in one optimum of bound B: that optimum is one among many
(it says where foresight finds room, not whom to serve), while the lexicographic one is
what a planner that puts priorities first aims at. It costs one programme per priority,
solved once for every radius.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from makernet.planner.bound_network import INTERIOR, SIMPLEX, SIMPLEX_COLUMNS, BoundLane, BoundLine, Network, build

__all__ = ["NEAR_KM", "PRIORITIES", "BoundLane", "BoundLine", "Hindsight", "Locality", "hindsight", "local_share_bound",
           "locality", "on_time_bound", "on_time_by_line", "on_time_by_priority", "smallest_median_km"]

NEAR_KM = 20.0          # "local": the target for the median distance
ON_TIME_FIRST = 1000.0  # in the distance programme, one on-time unit outweighs any locality
RADII = (20, 25, 30, 40, 50, 60, 80, 100, 150)
PRIORITIES = ("care_staff", "emergency_services", "vulnerable", "normal")   # served in this order; others last


@dataclass(frozen=True)
class Locality:
    """Among plans with the most on-time units, the largest share made within `radius` of their requester.

    `units` are the on-time units of the plan found and `within` the share of them made
    within each other radius asked about, in the same plan.
    """

    radius: float
    units: float
    share: float                  # in %
    within: dict[float, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Hindsight:
    """The plan, with perfect foresight, as on time as asked that makes its units travel the fewest km in all."""

    units: float                  # its on-time units
    median_km: float              # half its units travel at most this far
    p90_km: float


Receipts = dict[tuple[int, int], tuple[int, ...]]
ByPriority = dict[str, float]     # priority -> on-time units


def on_time_bound(lines: list[BoundLine], lanes: list[BoundLane], receipts: Receipts | None = None,
                  method: str = INTERIOR) -> int:
    """The most units that could be ready on time; receipts: (place, material) -> quantity per day."""
    return int(np.floor(sum(on_time_by_line(lines, lanes, receipts, method).values()) + 1e-6))


def on_time_by_line(lines: list[BoundLine], lanes: list[BoundLane], receipts: Receipts | None = None,
                    method: str | None = None) -> dict[int, float]:
    """Units of each line ready on time in one optimal solution of the bound's programme.

    The total is the bound; how it is shared among lines is one optimum among many, which
    says where foresight finds room, not which lines a planner must serve. Unless told,
    the dual simplex finds it up to SIMPLEX_COLUMNS production columns (the same optimum
    as ever), the interior-point method beyond.
    """
    network = build(lines, lanes, receipts or {})
    made = np.zeros(len(lines))
    if network.width:
        method = method or (SIMPLEX if network.width <= SIMPLEX_COLUMNS else INTERIOR)
        made = np.bincount(network.line, weights=network.solve(np.ones(network.width), method), minlength=len(lines))
    return {line.line_id: float(units) for line, units in zip(lines, made)}


def on_time_by_priority(lines: list[BoundLine], lanes: list[BoundLane], receipts: Receipts | None = None,
                        method: str = INTERIOR) -> ByPriority:
    """The most on-time units of each priority in turn, care staff first, each kept while the next is raised.

    Their total may fall short of bound B's where serving a priority first costs units of
    later ones (a unit needs a lane's capacity and its place's material at once); on the
    benchmark's scenarios and the tests' random regions it is B's, and the benchmark prints
    both.
    """
    network = build(lines, lanes, receipts or {})
    rank, floors, most = _ranks(lines, network), [], {}
    for index, priority in enumerate(PRIORITIES):
        within = rank == index
        most[priority] = float(network.solve(within.astype(float), method, floors) @ within) if within.any() else 0.0
        floors.append((within, most[priority]))
    return most


def locality(lines: list[BoundLine], lanes: list[BoundLane], receipts: Receipts,
             distance_km: dict[tuple[int, int], float], radius: float = NEAR_KM,
             radii: Iterable[float] = (), method: str = INTERIOR, by_priority: ByPriority | None = None) -> Locality:
    """The largest share of on-time units made within `radius`, among plans with the most on-time units.

    With `by_priority` (as `on_time_by_priority` gives it), among plans with those on-time
    units of each priority.
    """
    network = build(lines, lanes, receipts)
    if not network.width:
        return Locality(float(radius), 0.0, 0.0, {float(r): 0.0 for r in radii})
    distance = _column_distances(lines, lanes, distance_km, network)
    near = (distance <= radius).astype(float)
    made = network.solve(ON_TIME_FIRST + near, method, _floors(lines, network, by_priority))
    total = float(made.sum())

    def share(within: np.ndarray) -> float:
        return 100.0 * float(made @ within) / total if total else 0.0
    return Locality(float(radius), total, share(near),
                    {float(r): share((distance <= r).astype(float)) for r in radii})


def hindsight(lines: list[BoundLine], lanes: list[BoundLane], receipts: Receipts,
              distance_km: dict[tuple[int, int], float], by_priority: ByPriority | None = None,
              method: str = INTERIOR) -> Hindsight:
    """Among plans with the most on-time units (of each priority, if given), the one with the fewest unit-km.

    Every on-time unit is worth more than any distance saved (ON_TIME_FIRST beyond the
    longest pair); with `by_priority` the on-time units are fixed anyway, so the programme
    only minimises the kilometres their units travel. Late units are not in it.
    """
    network = build(lines, lanes, receipts)
    if not network.width:
        return Hindsight(0.0, math.nan, math.nan)
    distance = _column_distances(lines, lanes, distance_km, network)
    made = network.solve(ON_TIME_FIRST + distance.max() - distance, method, _floors(lines, network, by_priority))
    order = np.argsort(distance, kind="stable")
    running = np.cumsum(made[order])

    def percentile(share: float) -> float:
        return float(distance[order][min(len(order) - 1, int(np.searchsorted(running, share * running[-1])))])
    return Hindsight(float(running[-1]), percentile(0.5), percentile(0.9))


def local_share_bound(lines: list[BoundLine], lanes: list[BoundLane], receipts: Receipts,
                      distance_km: dict[tuple[int, int], float], near_km: float = NEAR_KM,
                      method: str = INTERIOR) -> tuple[int, float]:
    """Among plans with the most on-time units, the largest share of them made within `near_km` of their requester.

    Returns (on-time units, that share in %): if the share is under 50 %, no plan that is
    on time as often as the bound has a median distance of `near_km` or less.
    """
    found = locality(lines, lanes, receipts, distance_km, near_km, method=method)
    return int(np.floor(found.units + 1e-6)), found.share


def smallest_median_km(lines: list[BoundLine], lanes: list[BoundLane], receipts: Receipts,
                       distance_km: dict[tuple[int, int], float], radii: tuple[float, ...] = RADII,
                       known: Iterable[Locality] = (), most_on_time: float | None = None,
                       solve: Callable[[float], Locality] | None = None,
                       by_priority: ByPriority | None = None) -> tuple[float, float]:
    """Among plans with the most on-time units, how small their median distance can be: (above, at most).

    The first of the (increasing) radii within which half the on-time units can be made
    bounds the smallest possible median from above, the one before it from below; (inf,
    inf) if even the last radius does not reach half. The share grows with the radius, so
    the first is found by bisection; `known` answers (e.g. the share within `NEAR_KM`)
    narrow it first. A plan with the most on-time units (`most_on_time`) that makes half
    of them within a radius shows that radius reaches half without its own programme.
    `solve` finds the Locality of one radius (by default here, in this process, with
    `by_priority`'s on-time units of each priority).
    """
    ask = solve or (lambda radius: locality(lines, lanes, receipts, distance_km, radius, radii,
                                            by_priority=by_priority))
    short, reach = -1, len(radii)   # radii[short] is known short of half, radii[reach] known to reach it

    def learn(found: Locality) -> None:
        nonlocal short, reach
        trusted = most_on_time is not None and found.units >= most_on_time - 1e-7 * max(1.0, most_on_time)
        for index, radius in enumerate(radii):
            if radius <= found.radius and found.share < 50.0:
                short = max(short, index)
            if (radius >= found.radius and found.share >= 50.0) or \
                    (trusted and found.within.get(float(radius), 0.0) >= 50.0):
                reach = min(reach, index)
    for found in known:
        learn(found)
    while reach - short > 1:
        learn(ask(radii[(short + reach) // 2]))
    if reach == len(radii):
        return math.inf, math.inf
    return (float(radii[reach - 1]) if reach else 0.0), float(radii[reach])


def _column_distances(lines: list[BoundLine], lanes: list[BoundLane], distance_km: dict[tuple[int, int], float],
                      network: Network) -> np.ndarray:
    """The distance between each production column's place and its line's requester."""
    pairs, inverse = np.unique(network.line * len(lanes) + network.lane, return_inverse=True)
    km = np.array([distance_km[lines[pair // len(lanes)].line_id, lanes[pair % len(lanes)].place_id]
                   for pair in pairs.tolist()], dtype=float)
    return km[inverse]


def _ranks(lines: list[BoundLine], network: Network) -> np.ndarray:
    """Each production column's place in PRIORITIES (a priority not listed comes last)."""
    rank = np.array([PRIORITIES.index(one.priority) if one.priority in PRIORITIES else len(PRIORITIES) - 1
                     for one in lines], dtype=np.int64)
    return rank[network.line]


def _floors(lines: list[BoundLine], network: Network, by_priority: ByPriority | None) -> list[tuple[np.ndarray, float]]:
    """The programme's floors for the on-time units of each priority (none without `by_priority`)."""
    rank = _ranks(lines, network)
    return [(rank == index, by_priority[priority]) for index, priority in enumerate(PRIORITIES)
            if by_priority and by_priority.get(priority, 0.0) > 0.0]
