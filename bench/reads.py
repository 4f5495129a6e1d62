"""The pages and calls that read a region's history, as deploy/ runs MakerNet: time, first byte, throughput, memory.

    .venv/bin/python -m bench.reads                                  # region scale on PostgreSQL, 5 runs each
    .venv/bin/python -m bench.reads --scale small                    # a hundredth of it, to try the bench
    .venv/bin/python -m bench.reads --sqlite                         # small scale on a SQLite file
    .venv/bin/python -m bench.reads --only dashboard late --runs 1   # some of them (--regenerate: history anew)

The history is eight weeks of a region's busy season (bench/history.py: at region scale 100 places, 5,000
machines, 200,000 requests, a million plates and batches, 5 million stock entries, 115,000 deliveries), written
into a database of its own (makernet_reads) by the first run, in under three minutes, and kept for the next ones.
MakerNet runs in production mode on it, under gunicorn with the deploy unit's options but one worker (--workers 1,
so the memory measured is the one worker's) and a long --timeout (600 s, so a slow call is measured, not cut).
Pages are read signed in through the sign-in form, as a browser does; the API list with a bearer token. The
header line names the code measured (git describe).

Each call runs --runs times (default 5): p50 and p95 in ms, and the web worker's memory (its peak reset before
each call through /proc/PID/clear_refs, VmHWM read after): the largest growth over the resident size before the
call, and the resident size after the last run. The API list runs under 8 clients for --seconds (requests per
second too). Exports are streamed, never held: first byte, total time, size (MB = 10^6 bytes), throughput. An
answer other than 200 is printed with its status and the end of gunicorn's log. `makernet publish` (what beat
runs every five minutes for the territory's pages) is timed once. Targets: p95 ≤ 300 ms for pages and lists,
p50 ≤ 100 ms for the API list at 8 clients, exports' first byte ≤ 500 ms at ≥ 20 MB/s, ≤ 100 MB growth a call.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from bench import history
from tests.support.octoprint import free_port
from tests.support.services import redis_key_space

BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-of-at-least-32-characters"
PASSWORD = "makernet-demo"
USERS = {"coordinator": "coordination@demo.makernet.fr", "admin": "admin@demo.makernet.fr"}
TIMEOUT = 900.0
EIGHT_WEEKS = f"start={date.today() - timedelta(days=55)}&end={date.today()}"
# name: (who, how, path)
CALLS = {
    "dashboard": ("coordinator", "page", "/dashboard"),
    "admin-dashboard": ("admin", "page", "/dashboard"),
    "stock": ("coordinator", "page", "/stock"),
    "api-requests": ("coordinator", "load", "/api/v1/requests?per_page=50"),
    "export-requests": ("coordinator", "export", "/exports/requests.csv"),
    "export-deliveries": ("coordinator", "export", "/exports/deliveries.csv"),
    "export-production": ("coordinator", "export", "/exports/production.csv"),
    "requests": ("coordinator", "page", "/requests"),
    "triage": ("coordinator", "page", "/triage"),
    "late": ("coordinator", "page", "/late"),
    "work-orders": ("coordinator", "page", "/work-orders"),
    "plans": ("coordinator", "page", "/plans"),
    "production-pdf": ("coordinator", "page", f"/reports/production.pdf?{EIGHT_WEEKS}"),
    "territory": ("coordinator", "page", "/territory"),
    "public-region": ("public", "page", "/territoire"),
    "public-departement": ("public", "page", "/territoire/33"),
    "open-data": ("public", "page", "/donnees/communes-semaines.csv"),
}
TARGETS, MEMORY_MB = {"page": "p95 ≤ 300 ms", "load": "p50 ≤ 100 ms", "export": "1st byte ≤ 500 ms, ≥ 20 MB/s"}, 100


class Worker:
    """gunicorn's one web worker, found again before each call (a worker cut by the timeout is replaced)."""

    def __init__(self, master: int) -> None:
        self.master = master

    def pid(self) -> int:
        return int(Path(f"/proc/{self.master}/task/{self.master}/children").read_text().split()[0])

    @staticmethod
    def memory(pid: int) -> dict[str, int]:
        """VmHWM and VmRSS in kB."""
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        return {k: int(v.split()[0]) for k, v in (line.split(":", 1) for line in lines) if k in ("VmHWM", "VmRSS")}

    def around(self, action):  # noqa: ANN001, ANN201
        """Run `action`; (its result, peak growth in MB, resident MB after)."""
        pid = self.pid()
        before = self.memory(pid)
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")   # the peak starts again from the resident size
            base = self.memory(pid)["VmRSS"]
        except OSError:
            base = before["VmHWM"]                              # else only a new peak counts
        result = action()
        try:
            after = self.memory(pid)
        except FileNotFoundError:
            return result, float("nan"), float("nan")
        return result, (after["VmHWM"] - base) / 1024, after["VmRSS"] / 1024


def sign_in(url: str, email: str) -> httpx.Client:
    """A browser-like session: the sign-in form with its CSRF token."""
    client = httpx.Client(base_url=url, timeout=TIMEOUT)
    form = client.get("/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    answer = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token and token[1]})
    if answer.status_code != 302:
        raise SystemExit(f"signing in as {email} failed: {answer.status_code}")
    return client


def page(client: httpx.Client, path: str) -> tuple[int, float]:
    """(status, ms); status 0 when no answer came (the worker cut, the connection closed)."""
    started = time.perf_counter()
    try:
        status = client.get(path).status_code
    except httpx.HTTPError:
        status = 0
    return status, (time.perf_counter() - started) * 1000


def export(client: httpx.Client, path: str) -> tuple[int, float, float, int]:
    """(status, ms to the first byte of the body, total ms, bytes), the body streamed and dropped."""
    started, first, size, status = time.perf_counter(), None, 0, 0
    try:
        with client.stream("GET", path) as answer:
            for chunk in answer.iter_raw():
                first = first or time.perf_counter()
                size += len(chunk)
            status = answer.status_code
    except httpx.HTTPError:
        pass          # no answer, or cut before its end: status 0
    done = time.perf_counter()
    return status, ((first or done) - started) * 1000, (done - started) * 1000, size


def load(url: str, token: str, path: str, clients: int, seconds: float) -> tuple[list[float], dict[int, int]]:
    """`clients` requests in flight for `seconds`: (latencies in ms, answers by status)."""
    async def run() -> tuple[list[float], dict[int, int]]:
        latencies, statuses = [], {}
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=TIMEOUT,
                                     headers={"Authorization": f"Bearer {token}"}) as client:
            end = time.monotonic() + seconds

            async def one() -> None:
                while time.monotonic() < end:
                    started = time.perf_counter()
                    try:
                        status = (await client.get(path)).status_code
                    except httpx.HTTPError:
                        status = 0
                    latencies.append((time.perf_counter() - started) * 1000)
                    statuses[status] = statuses.get(status, 0) + 1

            await asyncio.gather(*(one() for _ in range(clients)))
        return latencies, statuses
    return asyncio.run(run())


def cut(values: list[float], share: float) -> float:
    """A percentile, interpolated between the runs (with one run, that run)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    return ordered[low] + (ordered[min(low + 1, len(ordered) - 1)] - ordered[low]) * (position - low)


class Log:
    """gunicorn's log: what it wrote since the last look, for answers other than 200."""

    def __init__(self, path: Path) -> None:
        self.path, self.seen = path, 0

    def mark(self) -> None:
        self.seen = self.path.stat().st_size

    def since(self, lines: int = 40) -> str:
        with self.path.open("rb") as log:
            log.seek(self.seen)
            return "\n".join(log.read().decode(errors="replace").splitlines()[-lines:])


def measure(name: str, args: argparse.Namespace, url: str, worker: Worker, log: Log, sessions: dict,
            token: str) -> dict:
    """One call, --runs times (or the load for --seconds): its figures and whether they meet the target."""
    who, how, path = CALLS[name]
    times, firsts, rates, sizes, statuses, growth, resident, more = [], [], [], [], {}, 0.0, 0.0, ""
    log.mark()
    if how == "load":   # requests per second over the time the last answer took to come
        started = time.perf_counter()
        (times, statuses), growth, resident = worker.around(
            lambda: load(url, token, path, args.clients, args.seconds))
        more = f"{sum(statuses.values()) / (time.perf_counter() - started):.1f} req/s, {args.clients} clients"
    for _ in range(args.runs if how != "load" else 0):
        if how == "page":
            (status, ms), peak, resident = worker.around(lambda: page(sessions[who], path))
        else:
            (status, first, ms, size), peak, resident = worker.around(lambda: export(sessions[who], path))
            firsts.append(first)
            sizes.append(size / 1e6)
            rates.append(size / 1e6 / (ms / 1000))
        times.append(ms)
        statuses[status] = statuses.get(status, 0) + 1
        growth = max(growth, peak)
    if how == "export":
        more = f"1st byte p95 {cut(firsts, 0.95):,.0f} ms, {statistics.median(sizes):.1f} MB, " \
               f"{statistics.median(rates):.1f} MB/s"
    p50, p95 = cut(times, 0.5), cut(times, 0.95)
    met = {"page": p95 <= 300, "load": p50 <= 100,
           "export": bool(firsts) and cut(firsts, 0.95) <= 500 and statistics.median(rates) >= 20}[how]
    other = {s: n for s, n in statuses.items() if s != 200}
    verdict = "yes" if met and growth <= MEMORY_MB and not other else "no"
    if other:
        verdict += " (answered " + ", ".join(f"{s or 'nothing'} ×{n}" for s, n in sorted(other.items())) + ")"
    row = {"call": f"{name} ({who})", "p50": p50, "p95": p95, "more": more, "growth": growth, "rss": resident,
           "target": TARGETS[how], "meets": verdict}
    print(f"{row['call']:<32} p50 {p50:>9,.0f} ms  p95 {p95:>9,.0f} ms  peak +{growth:,.0f} MB "
          f"(RSS {resident:,.0f} MB)  {more}  {'' if not other else row['meets']}", flush=True)
    if other:
        lines = "".join("\n    " + line for line in log.since().splitlines())
        print("  gunicorn's log meanwhile:" + (lines or " nothing"))
    return row


def table(rows: list[dict]) -> None:
    header = ["page / call", "p50 ms", "p95 ms", "more", "peak RSS +MB", "RSS MB", "target", "meets"]
    cells = [[r["call"], f"{r['p50']:,.0f}", f"{r['p95']:,.0f}", r["more"], f"{r['growth']:,.0f}",
              f"{r['rss']:,.0f}", r["target"] + f", ≤ {MEMORY_MB} MB", r["meets"]] for r in rows]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *cells)]
    for number, line in enumerate([header, *cells]):
        print("| " + " | ".join(str(c).rjust(w) if 0 < i < 6 else str(c).ljust(w)
                                for i, (c, w) in enumerate(zip(line, widths))) + " |")
        if number == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file (small scale by default)")
    parser.add_argument("--scale", choices=history.SCALES, help="region (default on PostgreSQL) or small")
    parser.add_argument("--runs", type=int, default=5, help="runs of each page or export")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the API list's load")
    parser.add_argument("--clients", type=int, default=8, help="clients in flight for the API list")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn worker processes (deploy/: 3)")
    parser.add_argument("--timeout", type=int, default=600, help="gunicorn's worker timeout, seconds")
    parser.add_argument("--only", nargs="+", choices=CALLS, metavar="NAME", help="some calls: " + ", ".join(CALLS))
    parser.add_argument("--regenerate", action="store_true", help="write the history again")
    args = parser.parse_args()
    scale = args.scale or ("small" if args.sqlite else "region")
    database_url = history.database_url(scale, args.sqlite)

    with redis_key_space() as (broker_url, prefix), tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAKERNET_")}
        env.update(MAKERNET_DATABASE_URL=database_url, MAKERNET_BROKER_URL=broker_url,
                   MAKERNET_BROKER_KEY_PREFIX=prefix, MAKERNET_SECRET_KEY=SECRET, MAKERNET_INSTANCE_DIR=folder)
        print(history.ensure(database_url, scale, env, args.regenerate), flush=True)
        port, log_path = free_port(), Path(folder) / "web.log"
        web = subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
                                "--timeout", str(args.timeout), "makernet.wsgi:app"], env=env,
                               stdout=subprocess.DEVNULL, stderr=log_path.open("wb"))
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(url + "/health/web", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            else:
                raise SystemExit("gunicorn did not start:\n" + log_path.read_text())
            sessions = {who: sign_in(url, email) for who, email in USERS.items()}
            sessions["public"] = httpx.Client(base_url=url, timeout=TIMEOUT)   # no one signed in
            started = time.perf_counter()     # what beat does every five minutes: the territory's figures
            subprocess.run([str(BIN / "makernet"), "publish"], env=env, check=True, capture_output=True)
            print(f"makernet publish (the territory's figures and open data): "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            token = httpx.post(f"{url}/api/v1/auth/tokens", json={"email": USERS["coordinator"],
                                                                  "password": PASSWORD}, timeout=30).json()["token"]
            code = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True,
                                  cwd=Path(__file__).parent).stdout.strip()
            print(f"{'PostgreSQL' if not args.sqlite else 'SQLite'} ({database_url}), scale {scale}, code {code}, "
                  f"gunicorn --workers {args.workers} --timeout {args.timeout}, {args.runs} runs a call, "
                  f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}", flush=True)
            worker, log = Worker(web.pid), Log(log_path)
            rows = [measure(name, args, url, worker, log, sessions, token) for name in (args.only or CALLS)]
        finally:
            web.terminate()
            web.wait(30)
    print()
    table(rows)
    print("\nreproduce: " + " ".join([".venv/bin/python -m bench.reads", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
