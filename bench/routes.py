"""A place's delivery runs for a day: the routing with its default limits against the same search ten times longer.

    .venv/bin/python -m bench.routes                           # NA-visors seed 1: each place with runners, 5-40 stops
    .venv/bin/python -m bench.routes --seeds 1 2 3 --stops 10 40   # more places, some stop counts
    .venv/bin/python -m bench.routes --longer 10 --time-limit 1.0  # the comparison's factor, the default time limit

The places are the NA-visors-2020 scenario's (makernet/scenarios/na_visors.py: its sites, where they are, their
runners, runs a day, hours and vehicle as the scenario draws them). Each place with runners gets one day of stops,
5, 10, 20, 30 or 40 in turn: requesters drawn from the region's real towns within the runners' reach, in proportion
to the people they speak for, each a point a few km around its town (geography.near), with units ready as a day's
share of a request (lognormal, median 40, at most 400). The routing (makernet/planner/routes.py) runs twice on each:
with the default time limit and budget of solutions, and with both ten times (--longer) as large. Printed per case:
runs, road km, units carried and seconds for both, and the km ratio (default / longer; 1.000 when the same). The
target (issue 21) is runs within 5 % of the longer search's. The search carries as much as it can first (units
weighted by priority and urgency: their value), then drives the fewest km: a case whose value differs from the
longer search's is marked with the ratio of the two values, and its km are left out of the km summary.
"""
from __future__ import annotations

import argparse
import math
import random
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from makernet.domain.planning import great_circle_km  # noqa: E402
from makernet.domain.transport import Runners  # noqa: E402
from makernet.planner.routes import SOLUTIONS, TIME_LIMIT, Routing, Stop, plan_runs  # noqa: E402
from makernet.scenarios.geography import near, towns  # noqa: E402
from makernet.scenarios.na_visors import generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STOP_COUNTS = (5, 10, 20, 30, 40)


@dataclass(frozen=True)
class Case:
    """One place's day: where it is, its runners, its stops."""

    name: str
    depot: tuple[float, float]
    runners: Runners
    stops: list[Stop]


def day_of(rng: random.Random, depot: tuple[float, float], runners: Runners, count: int) -> list[Stop]:
    """`count` stops within reach of the depot, around the region's real towns, weighted by their people."""
    reach = runners.reach_km
    around = [t for t in towns() if great_circle_km(*depot, t.latitude, t.longitude) <= reach + 5]
    stops: list[Stop] = []
    while len(stops) < count:
        town = rng.choices(around, weights=[t.catchment or 1 for t in around])[0]
        lat, lon = near(rng, town, 2.0)
        if great_circle_km(*depot, lat, lon) <= reach:
            units = max(5, min(400, int(rng.lognormvariate(math.log(40), 1.0))))
            stops.append(Stop(len(stops) + 1, lat, lon, units, rng.choice((1.0, 1.0, 1.5, 2.0))))
    return stops


def cases(seeds: list[int], counts: tuple[int, ...]) -> list[Case]:
    """Each place with runners of each seed's scenario, the stop counts taken in turn."""
    found = []
    for seed in seeds:
        rng = random.Random(f"routes {seed}")
        sites = [s for s in generate(seed).sites if s.runners > 0]
        for index, site in enumerate(sites):
            runners = Runners(count=site.runners, runs_per_day=site.runs_per_day, run_hours=site.run_hours,
                              vehicle=site.vehicle)
            depot = (site.latitude, site.longitude)
            found.append(Case(f"{seed}:{site.name}"[:34], depot, runners,
                              day_of(rng, depot, runners, counts[index % len(counts)])))
    return found


def solve(case: Case, time_limit: float, solutions: int) -> tuple[Routing, float]:
    """The routing of a case and its seconds."""
    start = perf_counter()
    routing = plan_runs(case.depot, case.stops, case.runners, time_limit=time_limit, solutions=solutions)
    return routing, perf_counter() - start


def totals(case: Case, routing: Routing) -> tuple[int, float, int, float]:
    """Runs, road km, units carried and their value (units times their stop's weight: what the search maximises)."""
    weight = {s.key: s.weight for s in case.stops}
    value = sum(v.units * weight[v.key] for r in routing.runs for v in r.visits)
    return len(routing.runs), sum(r.km for r in routing.runs), sum(r.units for r in routing.runs), value


def main(argv: list[str] | None = None) -> None:
    """Route every case twice and print the table as it fills, then the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[1], help="scenario seeds (default 1)")
    parser.add_argument("--stops", nargs="+", type=int, default=list(STOP_COUNTS), help="stop counts, in turn")
    parser.add_argument("--time-limit", type=float, default=TIME_LIMIT, help=f"default search's seconds ({TIME_LIMIT})")
    parser.add_argument("--solutions", type=int, default=SOLUTIONS, help=f"default search's budget ({SOLUTIONS})")
    parser.add_argument("--longer", type=float, default=10.0, help="how many times longer the second search is")
    args = parser.parse_args(argv)
    described = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True,
                               check=False).stdout.strip()
    print(f"delivery runs, code {described or 'unknown'}; default {args.time_limit:g} s / {args.solutions} "
          f"solutions against {args.longer:g} times both", flush=True)
    header = f"{'place':34} {'veh':4} {'r×n':4} {'stops':>5} {'pieces':>6} | {'runs':>4} {'km':>7} {'units':>6} " \
             f"{'s':>5} | {'runs':>4} {'km':>7} {'units':>6} {'s':>5} | {'km ratio':>8}"
    print(header)
    ratios, run_ratios, values, slowest, fewer = [], [], [], 0.0, 0
    for case in cases(args.seeds, tuple(args.stops)):
        quick, quick_s = solve(case, args.time_limit, args.solutions)
        slow, slow_s = solve(case, args.time_limit * args.longer, int(args.solutions * args.longer))
        (q_runs, q_km, q_units, q_value), (s_runs, s_km, s_units, s_value) = totals(case, quick), totals(case, slow)
        pieces = sum(math.ceil(s.units / case.runners.run_load) for s in case.stops)
        ratio = q_km / s_km if s_km else 1.0
        values.append(q_value / s_value if s_value else 1.0)
        same = abs(q_value - s_value) < 1e-6
        mark = "" if same else f"  value {values[-1]:.3f}"
        fewer += q_value < s_value - 1e-6
        if same:
            ratios.append(ratio)
            run_ratios.append(q_runs / s_runs if s_runs else 1.0)
        slowest = max(slowest, quick_s)
        print(f"{case.name:34} {case.runners.vehicle:4} {case.runners.count}×{case.runners.runs_per_day:<2} "
              f"{len(case.stops):>5} {pieces:>6} | {q_runs:>4} {q_km:>7.1f} {q_units:>6} {quick_s:>5.2f} | "
              f"{s_runs:>4} {s_km:>7.1f} {s_units:>6} {slow_s:>5.2f} | {ratio:>8.3f}{mark}", flush=True)
    within = sum(r <= 1.05 for r in ratios)
    print(f"km ratio over the {len(ratios)} cases carrying the same: median {statistics.median(ratios):.3f}, "
          f"worst {max(ratios):.3f}, within 5 %: {within}/{len(ratios)}; runs ratio worst {max(run_ratios):.3f}")
    print(f"value carried (default / longer) over all {len(values)} cases: worst {min(values):.3f}, "
          f"below the longer search's: {fewer}, within 5 %: {sum(v >= 0.95 for v in values)}/{len(values)}; "
          f"slowest default search {slowest:.2f} s")
    print("reproduce: .venv/bin/python -m bench.routes " + " ".join(argv if argv is not None else sys.argv[1:]))


if __name__ == "__main__":
    main()
