"""The JSON API under load, as deploy/ runs it: request intake and a paginated list, at 8, 32 and 64 clients.

    .venv/bin/python -m bench.api                          # 10 s per step, gunicorn --workers 3 (deploy/)
    .venv/bin/python -m bench.api --seconds 20 --workers 2 --threads 4 --clients 32

MakerNet runs in production mode on PostgreSQL (a database of its own) and Redis, under gunicorn with the
deploy unit's options, the demo territory loaded. A separate load process keeps N requests in flight over
N keep-alive connections: `POST /api/v1/requests` (a valid one-line request of visors, as a town hall's
script would send it, each with its own token-holder's bearer token) and `GET /api/v1/requests?per_page=50`
(a page of the list, as a coordinator's tool reads it). It prints requests per second, p50 and p99 latency,
answers other than the expected status, and the CPU the app (gunicorn's processes) and PostgreSQL (the
backends of this database) used per request. Target: 300 requests/s with p99 at most 100 ms at 32 clients.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from tests.support.octoprint import free_port
from tests.support.services import postgres_database, redis_key_space

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-of-at-least-32-characters"
REQUESTER, COORDINATOR, PASSWORD = "mairie.rochefort@demo.makernet.fr", "coordination@demo.makernet.fr", "makernet-demo"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU of these processes so far (those that ended count no more)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])
    return total / TICKS


def children(pid: int) -> list[int]:
    """A process and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            todo += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except FileNotFoundError:
            pass
    return found


def postgres_backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving this database."""
    done = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-At", "-c",
                           f"select pid from pg_stat_activity where datname = '{database}'"],
                          capture_output=True, text=True, check=True)
    return [int(line) for line in done.stdout.split()]


def load(url: str, token: str, kind: str, clients: int, seconds: float, item_id: int, out: multiprocessing.Queue) -> None:
    """The load process: `clients` requests in flight for `seconds`; puts (latencies, unexpected answers)."""
    async def run() -> tuple[list[float], int]:
        latencies: list[float] = []
        unexpected = 0
        needed_by = (date.today() + timedelta(days=14)).isoformat()
        body = {"needed_by": needed_by, "delivery_point": "Hôtel de ville", "lines": [{"item_id": item_id,
                                                                                        "quantity": 20}]}
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30,
                                     headers={"Authorization": f"Bearer {token}"}) as client:
            end = time.monotonic() + seconds

            async def one_client() -> None:
                nonlocal unexpected
                while time.monotonic() < end:
                    started = time.perf_counter()
                    if kind == "intake":
                        answer = await client.post("/api/v1/requests", json=body)
                        ok = answer.status_code == 201
                    else:
                        answer = await client.get("/api/v1/requests", params={"per_page": 50})
                        ok = answer.status_code == 200
                    latencies.append(time.perf_counter() - started)
                    unexpected += not ok

            await asyncio.gather(*(one_client() for _ in range(clients)))
        return latencies, unexpected

    out.put(asyncio.run(run()))


def token(url: str, email: str) -> str:
    answer = httpx.post(f"{url}/api/v1/auth/tokens", json={"email": email, "password": PASSWORD}, timeout=30)
    answer.raise_for_status()
    return answer.json()["token"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each step")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (deploy/: 3)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (deploy/: 1)")
    parser.add_argument("--clients", type=int, nargs="*", default=[8, 32, 64], help="clients in flight")
    args = parser.parse_args()

    with postgres_database() as database_url, redis_key_space() as (broker_url, prefix), \
            tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAKERNET_")}
        env.update(MAKERNET_DATABASE_URL=database_url, MAKERNET_BROKER_URL=broker_url,
                   MAKERNET_BROKER_KEY_PREFIX=prefix, MAKERNET_SECRET_KEY=SECRET, MAKERNET_INSTANCE_DIR=folder)
        for command in (["db", "upgrade"], ["demo", "--yes-load-demo-users"]):
            subprocess.run([str(BIN / "makernet"), *command], env=env, check=True, capture_output=True)
        port = free_port()
        web = subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
                                "--threads", str(args.threads), "makernet.wsgi:app"], env=env,
                               stdout=subprocess.DEVNULL, stderr=open(Path(folder) / "web.log", "wb"))
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(url + "/health/web", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            requester, coordinator = token(url, REQUESTER), token(url, COORDINATOR)
            item_id = next(i["id"] for i in httpx.get(url + "/api/v1/items", timeout=10, headers={
                "Authorization": f"Bearer {requester}"}).json() if i["code"] == "visiere")
            database = database_url.rsplit("/", 1)[-1]
            print(f"gunicorn --workers {args.workers} --threads {args.threads}, PostgreSQL, {args.seconds:g} s a step, "
                  f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
            print(f"{'call':<8} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'other':>6} "
                  f"{'app ms CPU/req':>15} {'PG ms CPU/req':>14}")
            for kind, who in (("intake", requester), ("list", coordinator)):
                for clients in args.clients:
                    step(kind, who, clients, args.seconds, url, item_id, web.pid, database)
        finally:
            web.terminate()
            web.wait(20)
    print("reproduce: .venv/bin/python -m bench.api " + " ".join(sys.argv[1:]))


def step(kind: str, who: str, clients: int, seconds: float, url: str, item_id: int, web: int, database: str) -> None:
    """One step: the load process runs, the app's and PostgreSQL's CPU are read around it."""
    out: multiprocessing.Queue = multiprocessing.Queue()
    warm = multiprocessing.Process(target=load, args=(url, who, kind, clients, 1.0, item_id, out))
    warm.start()   # a second unmeasured: connections and the database pools opened
    out.get()
    warm.join()
    process = multiprocessing.Process(target=load, args=(url, who, kind, clients, seconds, item_id, out))
    app_pids, pg_pids = children(web), postgres_backends(database)
    app_before, pg_before = cpu_seconds(app_pids), cpu_seconds(pg_pids)
    process.start()
    latencies, unexpected = out.get()
    process.join()
    app_used, pg_used = cpu_seconds(app_pids) - app_before, cpu_seconds(pg_pids) - pg_before
    n = len(latencies)
    cuts = statistics.quantiles(latencies, n=100) if n > 1 else [0.0] * 99
    print(f"{kind:<8} {clients:>7} {n / seconds:>8.0f} {cuts[49] * 1000:>8.1f} {cuts[98] * 1000:>8.1f} "
          f"{unexpected:>6} {app_used / max(n, 1) * 1000:>15.2f} {pg_used / max(n, 1) * 1000:>14.2f}")


if __name__ == "__main__":
    main()
