"""What counting requests for /metrics costs each request, and what a flush to the database costs.

    .venv/bin/python -m bench.metrics                  # 20,000 counts, 2,000 requests, 20 flushes
    .venv/bin/python -m bench.metrics --requests 500   # a quick run

Needs the machine's PostgreSQL (a database of its own, dropped afterwards). Three figures:
the in-process count alone (what every request pays), a whole request through the app with and
without the counting hook, and one flush (one upsert of every series counted since the last) on
PostgreSQL, with its share per request at a given request rate (one flush every FLUSH_SECONDS).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from makernet import create_app, schema
from makernet.config import Settings
from makernet.db import Database
from makernet.services import monitoring
from makernet.services.monitoring.worker import FLUSH_SECONDS
from tests.support.services import postgres_database

GROUPS = ("home", "accounts", "demand", "production", "fleet", "production_api", "fleet_api", "static", "unrouted")
STATUSES = (200, 200, 200, 200, 302, 404, 403, 422)


def count_alone(db: Database, counts: int) -> float:
    """Microseconds per count_request, over many label sets, no flush."""
    tally = monitoring.Tally(db, flush_seconds=3600)
    started = time.perf_counter()
    for i in range(counts):
        monitoring.count_request(tally, "GET" if i % 5 else "POST", GROUPS[i % len(GROUPS)], STATUSES[i % len(STATUSES)])
    elapsed = time.perf_counter() - started
    tally.flush()
    return elapsed / counts * 1e6


def whole_requests(url: str, instance: Path, requests: int) -> tuple[float, float]:
    """Microseconds per GET /health through the app, with the counting hook and without it."""
    app = create_app(Settings(instance_dir=instance, database_url=url, secret_key="bench"))
    client = app.test_client()
    hooks = app.after_request_funcs[None]
    counting = next(hook for hook in hooks if hook.__name__ == "count")

    def per_request() -> float:
        for _ in range(20):
            client.get("/health")
        started = time.perf_counter()
        for _ in range(requests):
            client.get("/health")
        return (time.perf_counter() - started) / requests * 1e6

    with_hook, without_hook = [], []
    for _ in range(5):   # alternated, so a neighbour's load on the shared cores falls on both
        with_hook.append(per_request())
        hooks.remove(counting)
        without_hook.append(per_request())
        hooks.append(counting)
    app.extensions["monitoring"].flush()
    app.extensions["makernet"].db.dispose()
    return statistics.median(with_hook), statistics.median(without_hook)


def flushes(db: Database, rounds: int, series: int) -> float:
    """Milliseconds per flush of `series` request series (one upsert), median over rounds."""
    tally = monitoring.Tally(db, flush_seconds=3600)
    times = []
    for _ in range(rounds):
        for i in range(series):
            monitoring.count_request(tally, "GET", GROUPS[i % len(GROUPS)], 200 + i // len(GROUPS))
        started = time.perf_counter()
        tally.flush()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counts", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--flushes", type=int, default=20)
    parser.add_argument("--series", type=int, default=30, help="series written by one flush")
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second of one web process")
    options = parser.parse_args()
    with postgres_database() as url, tempfile.TemporaryDirectory() as instance:
        db = Database(url)
        schema.upgrade(db)
        alone = count_alone(db, options.counts)
        with_hook, without_hook = whole_requests(url, Path(instance), options.requests)
        flush_ms = flushes(db, options.flushes, options.series)
        db.dispose()
    per_request_share = flush_ms * 1e3 / (options.rate * FLUSH_SECONDS)
    print(f"count_request alone:              {alone:8.2f} µs per request ({options.counts} counts)")
    print(f"GET /health with the counting hook: {with_hook:8.1f} µs per request ({options.requests} requests)")
    print(f"GET /health without it:            {without_hook:8.1f} µs per request")
    print(f"one flush of {options.series} series (PostgreSQL upsert): {flush_ms:6.2f} ms, every {FLUSH_SECONDS:.0f} s "
          f"-> {per_request_share:.2f} µs per request at {options.rate:.0f} requests/s")


if __name__ == "__main__":
    main()
