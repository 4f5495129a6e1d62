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
import json
import multiprocessing
import os
import shutil
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


def intake_body(item_id: int) -> dict:
    """A valid one-line request of visors, as a town hall's script sends it."""
    return {"needed_by": (date.today() + timedelta(days=14)).isoformat(), "delivery_point": "Hôtel de ville",
            "lines": [{"item_id": item_id, "quantity": 20}]}


def load(url: str, token: str, kind: str, clients: int, seconds: float, item_id: int, out: multiprocessing.Queue) -> None:
    """The load process: `clients` requests in flight for `seconds`; puts (latencies, unexpected answers)."""
    async def run() -> tuple[list[float], int]:
        latencies: list[float] = []
        unexpected = 0
        body = intake_body(item_id)
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


WRK_SCRIPT = """
wrk.method = "%(method)s"
wrk.body = %(body)s
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d\\n", summary.requests, latency:percentile(50),
                         latency:percentile(99), e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def load_wrk(url: str, token: str, kind: str, clients: int, seconds: float, item_id: int) -> tuple[int, float, float, int]:
    """wrk keeps `clients` requests in flight: (answers, p50 s, p99 s, answers other than success or errors)."""
    script = WRK_SCRIPT % {"method": "POST" if kind == "intake" else "GET", "token": token,
                           "body": json.dumps(json.dumps(intake_body(item_id))) if kind == "intake" else "nil"}
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        path = "/api/v1/requests" + ("" if kind == "intake" else "?per_page=50")
        done = subprocess.run(["wrk", "-t", "1", "-c", str(clients), "-d", f"{seconds:g}s", "--timeout", "30s",
                               "-s", lua.name, url + path], capture_output=True, text=True, check=True)
    figures = next(line for line in done.stdout.splitlines() if line.startswith("RESULT")).split()[1:]
    answers, p50, p99, other = (int(f) for f in figures)
    return answers, p50 / 1e6, p99 / 1e6, other


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
                  f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start, load from "
                  + ("wrk" if WRK else "a Python client (wrk is not installed)"))
            print(f"{'call':<8} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'other':>6} "
                  f"{'app ms CPU/req':>15} {'PG ms CPU/req':>14}")
            for kind, who in (("intake", requester), ("list", coordinator)):
                for clients in args.clients:
                    step(kind, who, clients, args.seconds, url, item_id, web.pid, database)
        finally:
            web.terminate()
            web.wait(20)
    print("reproduce: .venv/bin/python -m bench.api " + " ".join(sys.argv[1:]))


WRK = shutil.which("wrk")


def step(kind: str, who: str, clients: int, seconds: float, url: str, item_id: int, web: int, database: str) -> None:
    """One step: the load runs, the app's and PostgreSQL's CPU are read around it."""
    measure(kind, who, clients, 1.0, url, item_id)   # a second unmeasured: connections and the database pools opened
    app_pids, pg_pids = children(web), postgres_backends(database)
    app_before, pg_before = cpu_seconds(app_pids), cpu_seconds(pg_pids)
    n, p50, p99, unexpected = measure(kind, who, clients, seconds, url, item_id)
    app_used, pg_used = cpu_seconds(app_pids) - app_before, cpu_seconds(pg_pids) - pg_before
    print(f"{kind:<8} {clients:>7} {n / seconds:>8.0f} {p50 * 1000:>8.1f} {p99 * 1000:>8.1f} "
          f"{unexpected:>6} {app_used / max(n, 1) * 1000:>15.2f} {pg_used / max(n, 1) * 1000:>14.2f}")


def measure(kind: str, who: str, clients: int, seconds: float, url: str, item_id: int) -> tuple[int, float, float, int]:
    """(answers, p50 s, p99 s, unexpected answers) of one load run, from wrk or the Python client."""
    if WRK:
        return load_wrk(url, who, kind, clients, seconds, item_id)
    out: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=load, args=(url, who, kind, clients, seconds, item_id, out))
    process.start()
    latencies, unexpected = out.get()
    process.join()
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return len(latencies), cuts[49], cuts[98], unexpected


if __name__ == "__main__":
    main()
