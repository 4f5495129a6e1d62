"""Printer fleet benchmark: state refresh time, dispatch latency, worker CPU and memory, for OctoPrint-only and mixed
fleets (OctoPrint, Klipper's Moonraker, PrusaLink).

    .venv/bin/python -m bench.fleet                      # N = 10, 100, 1000, 2000 simulated, both fleets, + real hosts
    .venv/bin/python -m bench.fleet --sizes 100 --real 0 --real-mixed 0  # a quick run

Needs the machine's PostgreSQL and Redis (each run gets its own database and key prefix). One `makernet worker`
process (threads pool) serves every printer; printers are a lightweight simulator of the hosts' APIs on loopback
(a mixed fleet takes its hosts in turn), then real servers: OctoPrint with its Virtual Printer, Moonraker with its
Klippy, PrusaLink with its simulated Prusa firmware.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from bench import printer_sim
from bench.worker_process import WorkerProcess
from makernet import create_app, schema
from makernet.config import Settings, parse_networks
from makernet.models import (
    DesignVersion,
    Item,
    Job,
    Machine,
    Organisation,
    Place,
    PlateLayout,
    Request,
    RequestLine,
    User,
    WorkOrder,
)
from makernet.models.base import utcnow
from makernet.services import fleet, production
from makernet.services.access import Actor
from makernet.services.secrets import seal
from tests.support.moonraker import MoonrakerServer, klipper_gcode_lasting
from tests.support.octoprint import OctoPrintServer, free_port, gcode_lasting
from tests.support.prusalink import PrusaLinkServer, gcode_lasting as prusa_gcode_lasting
from tests.support.services import postgres_database, redis_key_space

PRINTERS_PER_PLACE = 10
LOOPBACK = "127.0.0.0/8"


# a plate of about a second on each host, under the printer profile its printers have
PROFILES = {"octoprint": ("bench", gcode_lasting), "moonraker": ("bench-klipper", klipper_gcode_lasting),
            "prusalink": ("bench-prusa", prusa_gcode_lasting)}


def build_fleet(ctx: object, urls: list[tuple[str, str, str]]) -> list[int]:
    """Places of ten printers each, one visor request accepted everywhere; returns machine ids."""
    with ctx.db.transaction() as tx:  # type: ignore[attr-defined]
        s = tx.session
        org = Organisation(name="Réseau fab-labs (banc d'essai)", kind="fab_lab", departement="17")
        town = Organisation(name="Mairie (banc d'essai)", kind="municipality", departement="17")
        s.add_all([org, town])
        s.flush()
        s.add(User(email="mairie@bench.invalid", name="Mairie", role="requester", organisation_id=town.id))
        item = Item(code="visiere", name="Visière", kind="printed")
        s.add(item)
        s.flush()
        design = DesignVersion(item_id=item.id, label="v3", validated=True)
        s.add(design)
        s.flush()
        s.add_all([PlateLayout(design_version_id=design.id, printer_profile=profile, units_per_plate=10,
                               print_minutes=1, gcode=gcode(1.0).decode()) for profile, gcode in PROFILES.values()])
        machines = []
        for start in range(0, len(urls), PRINTERS_PER_PLACE):
            place = Place(organisation_id=org.id, name=f"Fab-lab {start // PRINTERS_PER_PLACE + 1}", departement="17")
            s.add(place)
            s.flush()
            for driver, url, key in urls[start:start + PRINTERS_PER_PLACE]:
                machines.append(Machine(place_id=place.id, name=f"Imprimante {len(machines) + 1}", kind="fdm_printer",
                                        driver=driver, host=url, driver_settings={"api_key": seal(ctx, key)},
                                        printer_profile=PROFILES[driver][0], bed_clear=False))
        s.add_all(machines)
        s.flush()
        return [m.id for m in machines]


def queue_plates(ctx: object, machine_ids: list[int], plates_each: int) -> None:
    """Accepted work with `plates_each` queued plates on each machine (bed not yet cleared)."""
    with ctx.db.transaction() as tx:  # type: ignore[attr-defined]
        s = tx.session
        town = s.exec(select(Organisation).where(Organisation.kind == "municipality")).first()
        user = s.exec(select(User)).first()
        item = s.exec(select(Item)).first()
        design = s.exec(select(DesignVersion)).first()
        layouts = {layout.printer_profile: layout.id for layout in s.exec(select(PlateLayout))}
        request = Request(organisation_id=town.id, created_by=user.id, needed_by=utcnow().date(), delivery_point="Mairie",
                          status="allocated")
        s.add(request)
        s.flush()
        line = RequestLine(request_id=request.id, item_id=item.id, quantity=10 * plates_each * len(machine_ids))
        s.add(line)
        s.flush()
        for machine_id in machine_ids:
            machine = s.get(Machine, machine_id)
            order = WorkOrder(request_line_id=line.id, place_id=machine.place_id, design_version_id=design.id,
                              quantity=10 * plates_each, accepted_quantity=10 * plates_each, status="accepted")
            s.add(order)
            s.flush()
            for n in range(plates_each):
                job = Job(work_order_id=order.id, machine_id=machine_id, units=10, sequence=n + 1,
                          plate_layout_id=layouts[machine.printer_profile])
                s.add(job)
                s.flush()
                job.upload_name = f"makernet-job-{job.id}-visiere.gcode"


def full_refresh(ctx: object, count: int, repeat_every: float | None = None) -> float:
    """Seconds until every printer's state was read after a poll was asked for.

    With `repeat_every`, the poll is asked again meanwhile, as beat would (to warm up a
    worker still starting, whose first polls may expire before it consumes them).
    """
    t0 = utcnow()
    started = asked = time.perf_counter()
    fleet.poll_printers(ctx)  # type: ignore[arg-type]
    while True:
        if repeat_every and time.perf_counter() - asked > repeat_every:
            fleet.poll_printers(ctx)  # type: ignore[arg-type]
            asked = time.perf_counter()
        with ctx.db.reading() as s:  # type: ignore[attr-defined]
            stale = s.exec(select(func.count(Machine.id)).where(
                (Machine.state_checked_at == None) | (Machine.state_checked_at < t0))).one()  # noqa: E711
        if stale == 0:
            return time.perf_counter() - started
        if time.perf_counter() - started > 120:
            raise RuntimeError(f"{stale} of {count} printers still not refreshed after 120 s")
        time.sleep(0.02)


def dispatch_latencies(ctx: object, machine_ids: list[int], rate: float) -> list[float]:
    """Seconds from the operator's "bed clear" to the printer confirmed printing, one plate per machine."""
    admin = Actor(user_id=0, role="admin", organisation_id=0)
    clicked: dict[int, float] = {}
    pending: dict[int, int] = {}
    latencies: list[float] = []
    for machine_id in machine_ids:
        started = time.perf_counter()
        result = production.confirm_bed_clear(ctx, admin, machine_id)  # type: ignore[arg-type]
        if result["dispatched_job_id"]:
            clicked[result["dispatched_job_id"]] = started
            pending[result["dispatched_job_id"]] = machine_id
        _collect(ctx, clicked, latencies)
        time.sleep(max(0.0, 1.0 / rate - (time.perf_counter() - started)))
    deadline = time.perf_counter() + 60
    while clicked and time.perf_counter() < deadline:
        _collect(ctx, clicked, latencies)
        time.sleep(0.01)
    if clicked:
        raise RuntimeError(f"{len(clicked)} plates never started")
    return latencies


def _collect(ctx: object, clicked: dict[int, float], latencies: list[float]) -> None:
    """Move plates now printing from `clicked` to `latencies`."""
    if not clicked:
        return
    with ctx.db.reading() as s:  # type: ignore[attr-defined]
        printing = s.exec(select(Job.id).where(Job.id.in_(list(clicked)),  # type: ignore[attr-defined]
                                               Job.status.in_(("printing", "done")))).all()
    now = time.perf_counter()
    for job_id in printing:
        latencies.append(now - clicked.pop(job_id))


def measure(label: str, urls: list[tuple[str, str, str]], dispatches: int, rate: float, workdir: Path) -> dict:
    """One fleet size: refresh time (3 runs), dispatch latency, worker CPU and memory."""
    with ExitStack() as stack:
        database_url = stack.enter_context(postgres_database())
        broker_url, prefix = stack.enter_context(redis_key_space())
        settings = Settings(instance_dir=workdir, database_url=database_url, broker_url=broker_url,
                            broker_key_prefix=prefix, secret_key="bench-secret-key-of-at-least-32-characters", poll_interval=2.0,
                            printer_timeout=5.0, printer_networks=parse_networks(LOOPBACK))
        app = create_app(settings)
        ctx = app.extensions["makernet"]
        schema.upgrade(ctx.db)
        machine_ids = build_fleet(ctx, urls)
        dispatch_on = machine_ids[:: max(1, len(machine_ids) // dispatches)][:dispatches]
        queue_plates(ctx, dispatch_on, 1)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAKERNET_")}
        env.update({"MAKERNET_DATABASE_URL": database_url, "MAKERNET_BROKER_URL": broker_url,
                    "MAKERNET_BROKER_KEY_PREFIX": prefix, "MAKERNET_SECRET_KEY": "bench-secret-key-of-at-least-32-characters",
                    "MAKERNET_INSTANCE_DIR": str(workdir), "MAKERNET_PRINTER_TIMEOUT": "5",
                    "MAKERNET_PRINTER_NETWORKS": LOOPBACK})   # the simulator and the real hosts are on this machine
        worker = WorkerProcess(env, workdir / f"worker-{label}.log", concurrency=8)
        stack.callback(worker.stop)
        full_refresh(ctx, len(urls), repeat_every=5.0)  # the worker is up and its connections warm
        cpu0, wall0 = worker.cpu_seconds(), time.perf_counter()
        refreshes = [full_refresh(ctx, len(urls)) for _ in range(3)]
        cpu_refresh = (worker.cpu_seconds() - cpu0) / 3
        busy = (worker.cpu_seconds() - cpu0) / (time.perf_counter() - wall0)
        latencies = dispatch_latencies(ctx, dispatch_on, rate)
        stack.callback(ctx.db.dispose)
        return {"label": label, "printers": len(urls), "refresh": statistics.median(refreshes),
                "refresh_max": max(refreshes), "cpu_per_refresh": cpu_refresh, "cpu_busy": busy,
                "rss": worker.rss_mb(), "dispatches": len(latencies),
                "p50": percentile(latencies, 50), "p99": percentile(latencies, 99)}


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000,2000", help="simulated fleet sizes")
    parser.add_argument("--real", type=int, default=8, help="real OctoPrint servers (0 to skip)")
    parser.add_argument("--real-mixed", type=int, default=2, help="real servers of each host, side by side (0 to skip)")
    parser.add_argument("--fleets", default="octoprint;octoprint,moonraker,prusalink",
                        help="simulated fleets, ';' between fleets: hosts a fleet takes in turn")
    parser.add_argument("--dispatches", type=int, default=100, help="bed-clear dispatches per size")
    parser.add_argument("--rate", type=float, default=10.0, help="bed-clear confirmations per second")
    parser.add_argument("--workdir", default=None, help="keep logs here instead of a temporary folder")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",") if n]
    rows = []
    with tempfile.TemporaryDirectory(prefix="makernet-bench-") as tmp:
        workdir = Path(args.workdir or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        sim_port = free_port()
        ready = multiprocessing.Event()
        sim = multiprocessing.Process(target=printer_sim.serve, args=(sim_port, 1.0, ready), daemon=True)
        sim.start()
        ready.wait(10)
        try:
            for hosts in (fleet.split(",") for fleet in args.fleets.split(";")):
                for n in sizes:
                    urls = [(hosts[i % len(hosts)], f"http://127.0.0.1:{sim_port}", f"bench-key-{i}") for i in range(n)]
                    rows.append(measure(f"{'+'.join(hosts)} {n}", urls, min(args.dispatches, n), args.rate, workdir))
                    print_row(rows[-1], flush=True)
        finally:
            sim.terminate()
        for label, servers in real_fleets(args.real, args.real_mixed, workdir):
            try:
                urls = [(driver, s.url, s.api_key) for driver, s in servers]
                rows.append(measure(label, urls, len(urls), min(args.rate, 4.0), workdir))
                print_row(rows[-1], flush=True)
            finally:
                for _driver, server in servers:
                    server.close()
    print("\nTargets: every printer's state fresh within 5 s at 2,000 printers; dispatch p50 <= 1 s, p99 <= 3 s.")
    print("Reproduce: .venv/bin/python -m bench.fleet " + " ".join(sys.argv[1:]))


def real_fleets(octoprints: int, each: int, workdir: Path) -> Iterator[tuple[str, list[tuple[str, object]]]]:
    """Real servers, started when their fleet is measured: OctoPrint alone, then the three hosts side by side."""
    if octoprints:
        yield f"real OctoPrint {octoprints}", [("octoprint", OctoPrintServer(workdir / f"octoprint-{i}").start())
                                               for i in range(octoprints)]
    if each:
        yield f"real mixed {3 * each}", [
            *[("octoprint", OctoPrintServer(workdir / f"mixed-octoprint-{i}").start()) for i in range(each)],
            *[("moonraker", MoonrakerServer(workdir / f"mixed-moonraker-{i}").start()) for i in range(each)],
            *[("prusalink", PrusaLinkServer().start()) for _ in range(each)]]


def print_row(row: dict, flush: bool = False) -> None:
    """One line of figures."""
    print(f"{row['label']:>22}: refresh all {row['refresh']:6.2f} s (max {row['refresh_max']:.2f}), "
          f"worker CPU {row['cpu_per_refresh']:5.2f} s/refresh ({100 * row['cpu_busy']:3.0f} % of a core), "
          f"RSS {row['rss']:5.0f} MB | dispatch p50 {row['p50']:.3f} s, p99 {row['p99']:.3f} s "
          f"over {row['dispatches']}", flush=flush)


if __name__ == "__main__":
    main()
