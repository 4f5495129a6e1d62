"""What telling people costs, in production mode: a planner run's proposals to many places, a busy day's events, and
the web request that sets them off.

    .venv/bin/python -m bench.notifications                 # 200 places, 500 users, 2,000 events, 200 requests
    .venv/bin/python -m bench.notifications --places 50 --events 400 --requests 100 --concurrency 4

MakerNet runs on PostgreSQL (a database of its own) and Redis (a key space of its own), the demo territory loaded,
with `places` more fab-labs (one operator each) and town halls enough to make 500 users; one `makernet worker`
process (threads, `--concurrency`) does the telling; a real SMTP server (aiosmtpd) on loopback takes the e-mails.

1. A planner run proposes work to every place: its work orders written and its events recorded in one transaction,
   as the planner's write step does. Measured: from that commit to the last operator's e-mail accepted.
2. A day's events, as fast as they can come: `events` events, each in its own transaction, half requests approved
   (told to their town hall's requesters), half work proposed (told to a place's operators). Measured: how long
   recording them took, from the last commit to the last e-mail accepted, and e-mails per second.
3. `POST /api/v1/requests` (one line, as a town hall's tool sends it) through the app, with the notices subscribed
   and without them, interleaved in blocks of 20, the worker stopped (what the request itself pays: posting the
   `tell` task once it has committed). Measured: the median and p95 of each, and the difference.
"""
from __future__ import annotations

import argparse
import email
import email.policy
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlmodel import select

from makernet import create_app
from makernet.config import Settings
from makernet.models import DesignVersion, Item, Organisation, Place, PlanRun, Request, RequestLine, User, WorkOrder
from makernet.services.events import PlanProposed, RequestApproved, WorkProposed, record
from makernet.services.notices import notify
from tests.support.octoprint import free_port
from tests.support.services import postgres_database, redis_key_space

BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-of-at-least-32-characters"
REQUESTER = "mairie.rochefort@demo.makernet.fr"


class Counter:
    """An SMTP handler that notes when each message was accepted, by subject."""

    def __init__(self) -> None:
        self.accepted: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        subject = str(email.message_from_bytes(envelope.content, policy=email.policy.default)["Subject"])  # type: ignore[attr-defined]
        with self.lock:
            self.accepted.append((time.perf_counter(), subject))
        return "250 OK"

    def since(self, mark: int, prefix: str) -> list[float]:
        with self.lock:
            return [at for at, subject in self.accepted[mark:] if prefix in subject]


def wait_for(count: int, counter: Counter, mark: int, prefix: str, timeout: float = 900) -> float:
    """Wait until `count` e-mails whose subject holds `prefix` arrived after `mark`; when the last one did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = counter.since(mark, prefix)
        if len(found) >= count:
            return sorted(found)[count - 1]
        time.sleep(0.05)
    raise SystemExit(f"only {len(counter.since(mark, prefix))} of {count} e-mails ({prefix!r}) in {timeout:g} s")


def people(ctx: object, places: int, users: int) -> tuple[list[int], list[tuple[int, int]], int, int]:
    """`places` fab-labs with one operator each, town halls with one requester each up to `users` users in all;
    the places' ids, each town hall's (organisation, requester), an item every place can make and its design."""
    with ctx.db.transaction() as tx:  # type: ignore[attr-defined]
        s = tx.session
        item = s.exec(select(Item).where(Item.code == "masque-tissu")).one()
        design = s.exec(select(DesignVersion.id).where(DesignVersion.item_id == item.id)).first()
        labs = [Organisation(name=f"Atelier banc d'essai {n}", kind="sewing_workshop", departement="17") for n in range(places)]
        halls = [Organisation(name=f"Commune banc d'essai {n}", kind="municipality", departement="17")
                 for n in range(users - places)]
        s.add_all(labs + halls)
        s.flush()
        sites = [Place(name=lab.name, organisation_id=lab.id, commune="Saintes", departement="17") for lab in labs]
        s.add_all(sites)
        s.add_all([User(email=f"operateur{n}@banc.example.org", name=f"Opérateur {n}", role="operator",
                        organisation_id=lab.id) for n, lab in enumerate(labs)])
        requesters = [User(email=f"mairie{n}@banc.example.org", name=f"Mairie {n}", role="requester",
                           organisation_id=hall.id) for n, hall in enumerate(halls)]
        s.add_all(requesters)
        s.flush()
        return [p.id for p in sites], [(u.organisation_id, u.id) for u in requesters], item.id, design


def requests_of(ctx: object, halls: list[tuple[int, int]], item_id: int, count: int,
                quantity: int) -> list[tuple[int, int]]:
    """`count` approved one-line requests spread over the town halls: (request id, line id)."""
    with ctx.db.transaction() as tx:  # type: ignore[attr-defined]
        s = tx.session
        rows = [Request(organisation_id=halls[n % len(halls)][0], created_by=halls[n % len(halls)][1],
                        needed_by=date.today() + timedelta(days=14), delivery_point="Mairie", status="approved")
                for n in range(count)]
        s.add_all(rows)
        s.flush()
        lines = [RequestLine(request_id=r.id, item_id=item_id, quantity=quantity) for r in rows]
        s.add_all(lines)
        s.flush()
        return [(r.id, line.id) for r, line in zip(rows, lines)]


def propose(ctx: object, pairs: list[tuple[int, int]], design: int, run: PlanRun | None) -> float:
    """Work orders proposed, one per (line, place), with their events, in one transaction; when it committed."""
    with ctx.db.transaction() as tx:  # type: ignore[attr-defined]
        s = tx.session
        if run is not None:
            s.add(run)
            s.flush()
        orders = [WorkOrder(request_line_id=line, place_id=place, design_version_id=design, quantity=10,
                            reason="banc d'essai",
                            plan_run_id=run.id if run else None) for line, place in pairs]
        s.add_all(orders)
        s.flush()
        record(ctx, tx, WorkProposed(tuple(o.id for o in orders)))  # type: ignore[arg-type]
        if run is not None:
            record(ctx, tx, PlanProposed(run.id, tuple(o.id for o in orders)))  # type: ignore[arg-type]
    return time.perf_counter()


def quantiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=200)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    counter, port = Counter(), free_port()
    smtp = Controller(counter, hostname="127.0.0.1", port=port)
    smtp.start()
    with postgres_database() as database_url, redis_key_space() as (redis_url, prefix), \
            tempfile.TemporaryDirectory() as folder:
        values = {"database_url": database_url, "broker_url": redis_url, "broker_key_prefix": prefix,
                  "secret_key": SECRET, "smtp_url": f"smtp://127.0.0.1:{port}", "plan_daily_at": "off",
                  "public_url": "https://makernet.example.fr", "instance_dir": folder}
        env = {f"MAKERNET_{k.upper()}": v for k, v in values.items()} | {"PATH": str(BIN) + ":/usr/bin:/bin"}
        for command in (("db", "upgrade"), ("demo", "--yes-load-demo-users")):
            subprocess.run([str(BIN / "makernet"), *command], env=env, check=True, capture_output=True)
        token = subprocess.run([str(BIN / "makernet"), "token", "create", REQUESTER], env=env, check=True,
                               capture_output=True, text=True).stdout.strip()
        app = create_app(Settings(**values | {"instance_dir": Path(folder)}))  # type: ignore[arg-type]
        ctx = app.extensions["makernet"]
        places, halls, item_id, design = people(ctx, args.places, args.users)
        worker = subprocess.Popen([str(BIN / "makernet"), "worker", "--concurrency", str(args.concurrency),
                                   "--loglevel", "WARNING"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=open(Path(folder) / "worker.log", "wb"))
        try:
            time.sleep(8)   # the worker up, and the demo's own notices told
            print(f"{len(places)} places, {args.users} users, worker --concurrency {args.concurrency}, PostgreSQL, "
                  f"Redis, aiosmtpd on loopback")

            # 1. a planner run proposes work to every place
            lines = requests_of(ctx, halls, item_id, 1, 10 * len(places))
            mark = len(counter.accepted)
            committed = propose(ctx, [(lines[0][1], place) for place in places], design,
                                PlanRun(trigger="manual", territory=["17"], created_by=None))
            last = wait_for(len(places), counter, mark, "Travail proposé à Atelier banc d'essai")
            print(f"plan run to {len(places)} places: commit -> last of {len(places)} e-mails accepted "
                  f"{last - committed:.2f} s")

            # 2. a busy day: half requests approved, half work proposed, each event its own transaction
            half = args.events // 2
            approved = requests_of(ctx, halls, item_id, half, 10)
            proposed = requests_of(ctx, halls, item_id, half, 10)
            mark = len(counter.accepted)
            started = time.perf_counter()
            for n in range(half):
                with ctx.db.transaction() as tx:
                    record(ctx, tx, RequestApproved(approved[n][0]))
                propose(ctx, [(proposed[n][1], places[n % len(places)])], design, None)
            committed = time.perf_counter()
            first = wait_for(half, counter, mark, "est validée")
            last = max(first, wait_for(half, counter, mark, "Travail proposé à Atelier banc d'essai"))
            print(f"day of {2 * half} events: recorded in {committed - started:.2f} s; last commit -> last of "
                  f"{2 * half} e-mails accepted {last - committed:.2f} s; {2 * half / (last - started):.0f} e-mails/s "
                  f"from the first event")

            # 3. the web request, with and without the notices subscribed (the worker stopped: its telling would
            # take the machine's cores from the requests, and the request's own cost is what is measured)
            worker.terminate()
            worker.wait(30)
            client, told = app.test_client(), dict(ctx.subscribers)
            silent = {kind: tuple(h for h in handlers if h is not notify) for kind, handlers in told.items()}
            body = {"needed_by": (date.today() + timedelta(days=14)).isoformat(), "delivery_point": "Mairie",
                    "lines": [{"item_id": item_id, "quantity": 20}]}
            timings: dict[str, list[float]] = {"with": [], "without": []}
            for block in range(args.requests // 20):
                for mode in (("with", "without") if block % 2 == 0 else ("without", "with")):
                    ctx.subscribers = told if mode == "with" else silent
                    for _ in range(10):
                        began = time.perf_counter()
                        answer = client.post("/api/v1/requests", json=body, headers={"Authorization": f"Bearer {token}"})
                        timings[mode].append(time.perf_counter() - began)
                        assert answer.status_code == 201, answer.get_data(as_text=True)
            ctx.subscribers = told
            (with_p50, with_p95), (without_p50, without_p95) = quantiles(timings["with"]), quantiles(timings["without"])
            print(f"POST /api/v1/requests, {len(timings['with'])} each way: with notices p50 {with_p50 * 1000:.1f} ms "
                  f"p95 {with_p95 * 1000:.1f} ms; without p50 {without_p50 * 1000:.1f} ms p95 {without_p95 * 1000:.1f} ms;"
                  f" difference p50 {(with_p50 - without_p50) * 1000:+.1f} ms")
            print("reproduce: .venv/bin/python -m bench.notifications " + " ".join(sys.argv[1:]))
        finally:
            if worker.poll() is None:
                worker.terminate()
                worker.wait(30)
            ctx.db.dispose()
            smtp.stop()


if __name__ == "__main__":
    main()
