"""A place's delivery runs for one day: which stops each volunteer runner makes, in which order.

A capacitated vehicle-routing problem solved with OR-Tools: each run is one vehicle leaving the place and coming
back, at most `count × runs_per_day` of them. Hard limits: no run longer than the runner's hours (the road at the
vehicle's speed and STOP_MINUTES at each stop, `transport.route_hours`), none carrying more than the vehicle's load.
A stop beyond the runners' reach (great-circle km, as the planner counts it) is never routed; a stop larger than
one run's load is cut in pieces of a full load and the rest, each a stop of its own. What does not fit today is
left over: it waits for tomorrow's runs. Distances are great-circle km × DETOUR (no road network offline).

The objective carries as many units as it can, the urgent and the care staff's first (each unit left over costs
more than any run could), then drives the fewest km, then sends the fewest runs. The search is guided local search
from three unlike first solutions in turn, the best kept, each within its share of a time limit and a budget of
solutions: the same input gives the same runs whenever the budgets end the searches first (they do, on a place's day
of up to 40 stops, in 0.6 s at most of the default second: bench/routes.py, which also compares them with searches
ten times as long).

OR-Tools is imported only when routing: importing it costs web processes time at start for nothing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import ModuleType

from makernet.domain.planning import great_circle_km
from makernet.domain.transport import DETOUR, STOP_MINUTES, Runners, route_hours

TIME_LIMIT = 1.0         # seconds the whole search may take for one place's day
SOLUTIONS = 150          # solutions each search may try: the budget that keeps the result the same every time
# the first solutions the guided local search starts from, one search each (OR-Tools' names)
STARTS = ("PATH_CHEAPEST_ARC", "GLOBAL_CHEAPEST_ARC", "PARALLEL_CHEAPEST_INSERTION")
RUN_COST_M = 1_000       # a run costs as much as a kilometre driven: of two plans as long, the one with fewer runs
WEIGHT_SCALE = 100       # a stop's weight in hundredths, to keep the penalties whole numbers


@dataclass(frozen=True)
class Stop:
    """Units waiting at the place for one destination: `key` is the caller's (a request's id)."""

    key: int
    latitude: float
    longitude: float
    units: int
    weight: float = 1.0      # how much one of its units counts when not all can go today (priority, urgency)


@dataclass(frozen=True, order=True)
class Visit:
    """A stop, or a piece of a stop too large for one run, carried in a run."""

    key: int
    units: int


@dataclass(frozen=True)
class Run:
    """One runner's trip from the place and back: its stops in order, its road km and hours."""

    runner: int              # 1 … count
    leg: int                 # the runner's first, second … run of the day
    visits: tuple[Visit, ...]
    km: float
    hours: float

    @property
    def units(self) -> int:
        """Units the run carries."""
        return sum(v.units for v in self.visits)


@dataclass(frozen=True)
class Routing:
    """The day's runs, the pieces left for tomorrow, and the stops the runners never reach."""

    runs: list[Run]
    left: list[Visit]
    out_of_reach: list[int]


def road_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Road km between two points: the great circle bent by DETOUR."""
    return great_circle_km(a[0], a[1], b[0], b[1]) * DETOUR


def route_km(depot: tuple[float, float], points: list[tuple[float, float]]) -> float:
    """Road km of a run from the depot through `points` in order and back."""
    path = [depot, *points, depot]
    return sum(road_km(path[i], path[i + 1]) for i in range(len(path) - 1))


def pieces(stops: list[Stop], load: int) -> list[Stop]:
    """Each stop, a stop larger than `load` cut in full loads and the rest (order kept)."""
    cut: list[Stop] = []
    for stop in stops:
        left = stop.units
        while left > 0:
            cut.append(Stop(stop.key, stop.latitude, stop.longitude, min(left, load), stop.weight))
            left -= load
    return cut


def plan_runs(depot: tuple[float, float], stops: list[Stop], runners: Runners, *, time_limit: float = TIME_LIMIT,
              solutions: int = SOLUTIONS) -> Routing:
    """The day's runs from the place at `depot` (latitude, longitude) to `stops`, within the runners' limits."""
    reach = runners.reach_km
    near = [s for s in stops if s.units > 0 and great_circle_km(*depot, s.latitude, s.longitude) <= reach]
    far = sorted({s.key for s in stops if s.units > 0} - {s.key for s in near})
    cut = pieces(near, max(1, runners.run_load))
    if not cut or runners.runs == 0 or runners.run_load <= 0:
        return Routing([], [Visit(p.key, p.units) for p in cut], far)
    orders = _solve(depot, cut, runners, time_limit, solutions)
    orders = _fill_idle_runs(depot, cut, runners, orders)
    runs = _numbered([_run(depot, cut, order, runners) for order in orders if order], runners)
    routed = {i for order in orders for i in order}
    return Routing(runs, [Visit(p.key, p.units) for i, p in enumerate(cut) if i not in routed], far)


def _seconds(depot: tuple[float, float], cut: list[Stop], speed_kmh: float) -> tuple[list[list[int]], list[list[int]]]:
    """Metres and seconds between every two nodes (0 the depot), the seconds rounded up so whole-second sums
    never hide an overrun; a stop's own minutes are added on leaving it."""
    points = [depot] + [(p.latitude, p.longitude) for p in cut]
    km = [[road_km(a, b) for b in points] for a in points]
    metres = [[round(d * 1000) for d in row] for row in km]
    stay = STOP_MINUTES * 60
    seconds = [[math.ceil(d / speed_kmh * 3600) + (stay if i else 0) for d in row] for i, row in enumerate(km)]
    return metres, seconds


def _solve(depot: tuple[float, float], cut: list[Stop], runners: Runners, time_limit: float,
           solutions: int) -> list[list[int]]:
    """Each vehicle's stops in order (indices into `cut`): guided local search from each first solution of
    STARTS in turn, the best kept (the first of equals). Which stops to carry is a knapsack the search climbs
    poorly out of; starting from unlike first solutions finds better sets than a longer search from one."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    best: tuple[int, list[list[int]]] | None = None
    for start in STARTS:
        routing, manager = _model(pywrapcp, depot, cut, runners)
        parameters = pywrapcp.DefaultRoutingSearchParameters()
        parameters.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, start)
        parameters.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        parameters.time_limit.FromMilliseconds(max(1, int(time_limit * 1000 / len(STARTS))))
        parameters.solution_limit = max(1, solutions)
        solution = routing.SolveWithParameters(parameters)
        if solution is not None and (best is None or solution.ObjectiveValue() < best[0]):
            best = (solution.ObjectiveValue(), _orders(routing, manager, solution, runners.runs))
    return best[1] if best is not None else [[] for _ in range(runners.runs)]


def _model(pywrapcp: ModuleType, depot: tuple[float, float], cut: list[Stop], runners: Runners) -> tuple:
    """The routing model: one vehicle per run, the runner's hours and the vehicle's load as hard limits, each piece
    droppable at a cost above any run's."""
    vehicles = runners.runs
    metres, seconds = _seconds(depot, cut, runners.speed_kmh)
    manager = pywrapcp.RoutingIndexManager(len(cut) + 1, vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    # matrices, not Python callbacks: the search reads them in C++, some five times faster
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(metres))
    routing.SetFixedCostOfAllVehicles(RUN_COST_M)
    routing.AddDimension(routing.RegisterTransitMatrix(seconds), 0, int(runners.run_hours * 3600), True, "time")
    load = routing.RegisterUnaryTransitVector([0] + [p.units for p in cut])
    routing.AddDimensionWithVehicleCapacity(load, 0, [runners.run_load] * vehicles, True, "load")
    # a unit left over costs more than the longest run that could carry it: carrying comes first
    longest = 2 * max(max(row) for row in metres) + RUN_COST_M + 1
    for i, piece in enumerate(cut, start=1):
        penalty = piece.units * longest * max(1, round(piece.weight * WEIGHT_SCALE))
        routing.AddDisjunction([manager.NodeToIndex(i)], penalty)
    return routing, manager


def _orders(routing: object, manager: object, solution: object, vehicles: int) -> list[list[int]]:
    """Each vehicle's pieces in the order the solution visits them."""
    orders = []
    for vehicle in range(vehicles):
        index, order = routing.Start(vehicle), []
        while not routing.IsEnd(index := solution.Value(routing.NextVar(index))):
            order.append(manager.IndexToNode(index) - 1)
        orders.append(order)
    return orders


def _fits(depot: tuple[float, float], cut: list[Stop], order: list[int], runners: Runners) -> bool:
    """Whether a run through these pieces keeps to the runner's hours and the vehicle's load."""
    km = route_km(depot, [(cut[i].latitude, cut[i].longitude) for i in order])
    return (sum(cut[i].units for i in order) <= runners.run_load
            and route_hours(km, len(order), runners.speed_kmh) <= runners.run_hours)


def _fill_idle_runs(depot: tuple[float, float], cut: list[Stop], runners: Runners,
                    orders: list[list[int]]) -> list[list[int]]:
    """A piece the search left over while a vehicle stayed at the place goes alone in that vehicle if it fits:
    a guarantee whatever the search's budget (the search nearly always does it already)."""
    routed = {i for order in orders for i in order}
    waiting = sorted((i for i in range(len(cut)) if i not in routed),
                     key=lambda i: (-cut[i].units * cut[i].weight, i))
    for i in waiting:
        idle = next((order for order in orders if not order), None)
        if idle is None:
            break
        if _fits(depot, cut, [i], runners):
            idle.append(i)
    return orders


def _run(depot: tuple[float, float], cut: list[Stop], order: list[int], runners: Runners) -> Run:
    """A vehicle's order as a run (runner and leg given later)."""
    km = route_km(depot, [(cut[i].latitude, cut[i].longitude) for i in order])
    return Run(0, 0, tuple(Visit(cut[i].key, cut[i].units) for i in order), km,
               route_hours(km, len(order), runners.speed_kmh))


def _numbered(runs: list[Run], runners: Runners) -> list[Run]:
    """Runs handed out one per runner in turn, the longest first: the fewest volunteers go out twice."""
    ordered = sorted(runs, key=lambda r: (-r.hours, r.visits))
    return [Run(i % runners.count + 1, i // runners.count + 1, r.visits, r.km, r.hours)
            for i, r in enumerate(ordered)]
