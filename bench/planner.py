"""Benchmark of the allocation planner on the NA-visors-2020 scenario, against the 2020 baseline and an upper bound.

    .venv/bin/python bench/planner.py --seed 1            # the full scenario (FIELD.md)
    .venv/bin/python bench/planner.py --sites 6 --workshops 1 --communes 40 --days 28   # a quick one

Each strategy plays the scenario day by day through MakerNet's services on its own SQLite
file (one process each); the bound is the LP of makernet/planner/bound.py on the capacity
and material the places really had.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from makernet.planner.bound import BoundLane, BoundLine, on_time_bound  # noqa: E402
from makernet.scenarios.loading import MASK_BILL, VISOR_BILL  # noqa: E402
from makernet.scenarios.na_visors import Scenario, add_arguments, from_arguments  # noqa: E402
from makernet.scenarios.simulator import Outcome, Simulation  # noqa: E402

TRANSIT_DAYS = 1


def play(scenario: Scenario, strategy: str) -> tuple[Outcome, dict, dict, dict]:
    """One strategy over the whole scenario; returns what happened and the ids it was given."""
    with tempfile.TemporaryDirectory(prefix="makernet-bench-") as folder:
        sim = Simulation(scenario, strategy, Path(folder))
        outcome = sim.play()
        return outcome, sim.loaded.items, sim.loaded.materials, sim.loaded.places


def weighted_percentile(pairs: list[tuple[float, int]], share: float) -> float:
    """The distance below which `share` of the delivered units travelled."""
    pairs = sorted(pairs)
    total = sum(units for _, units in pairs)
    running = 0
    for distance, units in pairs:
        running += units
        if running >= share * total:
            return distance
    return float("nan")


def figures(outcome: Outcome) -> dict[str, float]:
    """The benchmark's figures for one strategy."""
    demanded = sum(units for units, _ in outcome.requests.values())
    on_time = sum(units for request, _, day, units, _ in outcome.deliveries
                  if day + TRANSIT_DAYS <= outcome.requests[request][1])
    delivered: dict[int, int] = {}
    for request, _, _, units, _ in outcome.deliveries:
        delivered[request] = delivered.get(request, 0) + units
    complete = sum(1 for request, (units, _) in outcome.requests.items() if delivered.get(request, 0) >= units)
    distances = [(km, units) for _, _, _, units, km in outcome.deliveries]
    capacity = sum(sum(days) for (_, item), days in outcome.capacity.items() if item == 1)
    made = sum(sum(days) for (_, item), days in outcome.made.items() if item == 1)
    return {"on_time_units": on_time, "on_time_pct": 100 * on_time / demanded,
            "complete_pct": 100 * complete / len(outcome.requests),
            "median_km": weighted_percentile(distances, 0.5), "p90_km": weighted_percentile(distances, 0.9),
            "utilisation_pct": 100 * made / capacity if capacity else 0.0,
            "plan_max_s": max(outcome.plan_seconds), "plan_median_s": statistics.median(outcome.plan_seconds),
            "service_max_s": max(outcome.plan_wall), "sim_s": outcome.seconds, "demanded": demanded}


def bound(scenario: Scenario, outcome: Outcome, items: dict, materials: dict, places: dict) -> int:
    """The LP upper bound on on-time units, on the capacity the places really had."""
    lines = []
    for index, (request_id, (units, needed_by)) in enumerate(sorted(outcome.requests.items())):
        wanted = scenario.requests[index]
        bill = VISOR_BILL if wanted.item == "visor" else MASK_BILL
        lines.append(BoundLine(request_id, items[wanted.item], units, outcome.request_days[request_id],
                               needed_by - TRANSIT_DAYS, {materials[c]: q for c, q in bill.items()}))
    lanes = []
    for (place_id, item_id), days in outcome.capacity.items():
        whole, running, previous = [], 0.0, 0
        for units in days:   # whole units per day, never more than the fractional total allows
            running += units
            whole.append(int(running + 1e-9) - previous)
            previous = int(running + 1e-9)
        lanes.append(BoundLane(place_id, item_id, tuple(whole)))
    receipts = {(places[site], materials[code]): tuple(days) for site, plan in scenario.receipts.items()
                for code, days in plan.items()}
    return on_time_bound(lines, lanes, receipts)


def main(argv: list[str] | None = None) -> None:
    """Play both strategies, compute the bound, print the figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    scenario = from_arguments(args)
    started = perf_counter()
    with ProcessPoolExecutor(max_workers=2) as pool:
        planner_run = pool.submit(play, scenario, "planner")
        baseline_run = pool.submit(play, scenario, "baseline")
        planner, items, materials, places = planner_run.result()
        baseline = baseline_run.result()[0]
    bound_started = perf_counter()
    best = bound(scenario, planner, items, materials, places)
    bound_seconds = perf_counter() - bound_started
    mine, theirs = figures(planner), figures(baseline)
    report(args, scenario, mine, theirs, best, bound_seconds, perf_counter() - started, argv)


def report(args: argparse.Namespace, scenario: Scenario, mine: dict, theirs: dict, best: int,
           bound_seconds: float, seconds: float, argv: list[str] | None) -> None:
    """The side-by-side table, the targets and the command to reproduce."""
    demanded = mine["demanded"]
    print(f"NA-visors-2020, seed {scenario.seed}: {len(scenario.sites)} places, "
          f"{sum(s.printers for s in scenario.sites)} printers, {len(scenario.requests)} requests, "
          f"{demanded} units over {scenario.days} days (demand {args.load:.0%} of capacity)")
    rows = [
        ("units delivered by their needed-by date", "on_time_pct", "{:.1f} %", f"{100 * best / demanded:.1f} %"),
        ("requests filled completely", "complete_pct", "{:.1f} %", "-"),
        ("median distance producer -> requester (per unit)", "median_km", "{:.1f} km", "-"),
        ("p90 distance", "p90_km", "{:.1f} km", "-"),
        ("printer utilisation (visors made / capacity)", "utilisation_pct", "{:.1f} %", "-"),
        ("planning time of one day, solver (max)", "plan_max_s", "{:.3f} s", f"{bound_seconds:.1f} s (whole run)"),
        ("planning time of one day, service incl. writes (max)", "service_max_s", "{:.3f} s", "-"),
    ]
    print(f"{'':52} {'planner':>12} {'baseline':>12} {'bound':>18}")
    for label, key, fmt, bound_text in rows:
        print(f"{label:52} {fmt.format(mine[key]):>12} {fmt.format(theirs[key]):>12} {bound_text:>18}")
    gap = 100 * (best - mine["on_time_units"]) / best if best else 0.0
    print(f"\non-time units: planner {mine['on_time_units']}, baseline {theirs['on_time_units']}, bound {best}"
          f" -> planner is {gap:.2f} % below the bound (target: within 2 %)")
    print("targets: >= 90 % requests filled completely; median distance <= 20 km; one day planned in <= 2 s")
    print(f"simulation: planner {mine['sim_s']:.0f} s, baseline {theirs['sim_s']:.0f} s; total {seconds:.0f} s")
    print("reproduce: .venv/bin/python bench/planner.py " + " ".join(argv if argv is not None else sys.argv[1:]))


if __name__ == "__main__":
    main()
