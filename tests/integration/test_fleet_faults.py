"""Faults between real parts: no plate lost, none started twice, every state right afterwards.

Each test runs MakerNet in production mode (PostgreSQL, a Redis server of its own, or RabbitMQ in
a virtual host of its own for a place running its own worker, `makernet serve`, `makernet worker`,
`makernet beat` as processes) with a real OctoPrint server behind a loopback proxy that can refuse,
black-hole or slow it.
Print starts are counted from OctoPrint's own log.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.support.api import COORDINATOR, OPERATOR, ApiClient, accepted_visors, proposed_visors
from tests.support.octoprint import OctoPrintServer, gcode_lasting, print_starts
from tests.support.processes import MakerNetInstallation
from tests.support.waiting import wait_for
from tests.support.proxy import FaultyProxy
from tests.support.redis_server import RedisServer
from tests.support.services import postgres_database, rabbitmq_vhost

pytestmark = [pytest.mark.integration, pytest.mark.octoprint]

# short serial timeouts, so a printer that stops answering is declared dead in seconds
QUICK_TO_GIVE_UP = {"serial": {"timeout": {"communication": 1.0, "communicationBusy": 1.0},
                               "maxCommunicationTimeouts": {"idle": 2, "printing": 2, "long": 2}}}


# how long a place's worker is cut from the broker: past the dispatch timeout (10 s) and a poll's expiry (10 s)
OUTAGE = 15


class Fleet:
    """One installation, its printer and the ways to hurt them."""

    def __init__(self, inst: MakerNetInstallation, printer: OctoPrintServer, proxy: FaultyProxy,
                 redis: RedisServer | None, database_url: str) -> None:
        self.inst, self.printer, self.proxy, self.redis = inst, printer, proxy, redis
        self.engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
        self.http = httpx.Client(base_url=inst.url, timeout=20)
        self.api = ApiClient(self.http)

    def sql(self, statement: str, **params: object) -> list:
        """Test-side setup and inspection straight in the installation's database."""
        with self.engine.begin() as connection:
            result = connection.execute(text(statement), params)
            return list(result) if result.returns_rows else []

    def logs(self) -> str:
        jobs = self.sql("SELECT id, status, dispatch_attempts, outcome FROM job ORDER BY id")
        trail = self.sql("SELECT entity_id, from_state, to_state, note FROM auditentry WHERE entity = 'job' ORDER BY id")
        return (f"jobs: {jobs}\ntrail: {trail}\nprinter: {self.printer.job()}\n"
                + "\n".join(f"--- {n}\n{self.inst.log(n)[-1500:]}" for n in ("serve", "worker", "beat", "site")))

    def proposal(self, plates: int) -> dict:
        """A request of `plates` plates of visors, approved and proposed to the fab-lab: the work order."""
        return proposed_visors(self.api, self.place_id, plates)

    def order(self, plates: int) -> tuple[dict, list[dict]]:
        """A request of `plates` plates of visors, approved, allocated and accepted: its jobs."""
        return accepted_visors(self.api, self.place_id, OPERATOR, plates)

    @property
    def place_id(self) -> int:
        return next(p["id"] for p in self.api.ok("get", "/places", COORDINATOR) if p["name"] == "FabLab La Rochelle")

    def job(self, job_id: int) -> dict:
        return next(j for j in self.api.ok("get", "/jobs", OPERATOR) if j["id"] == job_id)

    def wait_job(self, job_id: int, *statuses: str, timeout: float = 60) -> dict:
        return wait_for(f"job {job_id} {statuses}", lambda: (j := self.job(job_id))["status"] in statuses and j,
                        timeout, self.logs)

    def machine(self) -> dict:
        return self.api.ok("get", f"/machines/{self.machine_id}", OPERATOR)

    @property
    def machine_id(self) -> int:
        return self.sql("SELECT id FROM machine WHERE driver = 'octoprint'")[0][0]

    def bed_clear(self) -> dict:
        return self.api.ok("post", f"/machines/{self.machine_id}/bed-clear", OPERATOR)

    def assert_all_done_once(self, jobs: list[dict], starts: dict[int, int] | None = None) -> None:
        """Every plate done, started on the printer exactly as often as expected (once by default)."""
        for job in jobs:
            now = self.job(job["id"])
            assert now["status"] == "done", now
            assert print_starts(self.printer, job["upload_name"]) == (starts or {}).get(job["id"], 1), job
        consumed = self.sql("SELECT job_id, count(*) FROM stockentry WHERE kind = 'consumption' "
                            "GROUP BY job_id HAVING count(*) <> 3")
        assert consumed == [], "a plate consumed its bill of materials other than once"




@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    """Production mode with its own Redis and one printer behind a proxy; plates last about 6 s."""
    redis = RedisServer(tmp_path / "redis").start()
    try:
        with _production(tmp_path, redis.url, redis) as fleet:
            yield fleet
    finally:
        redis.stop()


@pytest.fixture
def rabbitmq_fleet(tmp_path: Path) -> Iterator[Fleet]:
    """The same on RabbitMQ (a virtual host of its own), as an installation whose places run their own worker."""
    with rabbitmq_vhost() as broker_url, _production(tmp_path, broker_url, None) as fleet:
        yield fleet


@contextmanager
def _production(tmp_path: Path, broker_url: str, redis: RedisServer | None) -> Iterator[Fleet]:
    """Migrated, the demo loaded with the printer behind its proxy, serve, worker and beat started."""
    printer = OctoPrintServer(tmp_path / "octoprint", overrides=QUICK_TO_GIVE_UP).start()
    proxy = FaultyProxy(printer.port)
    try:
        with postgres_database() as database_url:
            inst = MakerNetInstallation(tmp_path / "instance", database_url=database_url, broker_url=broker_url,
                                        printer_timeout="2")
            for args in (("db", "upgrade"), ("demo", "--yes-load-demo-users", "--octoprint", proxy.url,
                                             "--api-key", printer.api_key)):
                done = inst.run(*args)
                assert done.returncode == 0, done.stderr
            fleet = Fleet(inst, printer, proxy, redis, database_url)
            fleet.sql("UPDATE platelayout SET gcode = :g", g=gcode_lasting(6).decode())
            try:
                inst.start("worker", "worker", "--concurrency", "4")
                inst.start("beat", "beat")
                inst.serve()
                yield fleet
            finally:
                inst.stop()
                fleet.http.close()
                fleet.engine.dispose()
    finally:
        proxy.close()
        printer.close()


def test_octoprint_restarted_mid_print_fails_the_plate_and_a_retry_prints_it_once_more(fleet: Fleet) -> None:
    _, (plate,) = fleet.order(1)
    fleet.wait_job(plate["id"], "printing")
    fleet.printer.restart()
    failed = fleet.wait_job(plate["id"], "failed")
    assert "interrupted" in failed["outcome"]
    fleet.api.ok("post", f"/jobs/{plate['id']}/retry", OPERATOR)
    assert fleet.bed_clear()["dispatched_job_id"] == plate["id"]
    fleet.wait_job(plate["id"], "done")
    fleet.assert_all_done_once([plate], starts={plate["id"]: 2})


def test_a_dropped_serial_connection_mid_print_fails_the_plate_with_its_reason(fleet: Fleet) -> None:
    _, (plate,) = fleet.order(1)
    fleet.wait_job(plate["id"], "printing")
    fleet.printer.send_debug("drop_connection")
    failed = fleet.wait_job(plate["id"], "failed")
    assert "Offline" in failed["outcome"] or "interrupted" in failed["outcome"], failed
    wait_for("the machine shown offline", lambda: fleet.machine()["state"] in ("offline", "error"))
    fleet.printer.request("POST", "/api/connection", json={"command": "connect"})
    fleet.printer.wait_for_state("Operational", timeout=20)
    fleet.api.ok("post", f"/jobs/{plate['id']}/retry", OPERATOR)
    fleet.bed_clear()
    fleet.wait_job(plate["id"], "done")
    fleet.assert_all_done_once([plate], starts={plate["id"]: 2})


def test_a_printer_gone_awol_mid_print_fails_the_plate_once_its_host_gives_up(fleet: Fleet) -> None:
    _, (plate, following) = fleet.order(2)
    fleet.wait_job(plate["id"], "printing")
    fleet.printer.send_debug("go_awol")
    failed = fleet.wait_job(plate["id"], "failed", timeout=90)
    assert "interrupted" in failed["outcome"], failed
    assert fleet.job(following["id"])["status"] == "queued"  # held, not lost, not sent to a dead printer
    assert print_starts(fleet.printer, following["upload_name"]) == 0


def test_the_worker_killed_during_a_dispatch_neither_loses_nor_repeats_the_plate(fleet: Fleet) -> None:
    fleet.proxy.set_mode("delay", delay=3.0)  # every call to the printer now hangs for 3 s
    _, (plate,) = fleet.order(1)
    assert plate["status"] == "dispatching"  # claimed at acceptance; the worker is now calling the printer
    time.sleep(1.5)
    fleet.inst.kill("worker")
    fleet.proxy.set_mode("pass")
    fleet.inst.start("worker", "worker", "--concurrency", "4")
    fleet.wait_job(plate["id"], "done", timeout=90)
    fleet.assert_all_done_once([plate])


def test_redis_restarted_with_plates_queued_loses_no_plate_and_starts_none_twice(fleet: Fleet) -> None:
    fleet.inst.kill("worker")  # nobody consumes: the dispatch waits in Redis
    _, (first, second) = fleet.order(2)
    fleet.redis.stop()
    fleet.redis.start()
    fleet.inst.start("worker", "worker", "--concurrency", "4")
    fleet.wait_job(first["id"], "done", timeout=90)
    assert fleet.job(second["id"])["status"] == "queued"
    fleet.bed_clear()
    fleet.wait_job(second["id"], "done")
    fleet.assert_all_done_once([first, second])


def test_a_printer_refusing_connections_or_timing_out_holds_its_plate_until_it_answers(fleet: Fleet) -> None:
    fleet.proxy.set_mode("refuse")
    _, (first, second) = fleet.order(2)
    wait_for("the printer seen offline", lambda: fleet.machine()["state"] == "offline", logs=fleet.logs)
    assert fleet.job(first["id"])["status"] in ("queued", "dispatching")
    fleet.proxy.set_mode("pass")
    fleet.wait_job(first["id"], "done")

    waiting = fleet.proposal(1)   # proposed to the place, not yet accepted
    fleet.proxy.set_mode("blackhole")  # accepts, never answers
    fleet.bed_clear()
    wait_for("the silent printer seen offline", lambda: fleet.machine()["state"] == "offline", logs=fleet.logs)
    assert fleet.job(second["id"])["status"] in ("queued", "dispatching")
    # the place lost its only printer: a worker re-plans its waiting proposal on its own
    replanned = wait_for("a re-plan after the printer went down", lambda: next(
        (r for r in fleet.api.ok("get", "/plans", COORDINATOR) if r["trigger"] == "printer_down"), None),
        logs=fleet.logs)
    assert any(c["work_order_id"] == waiting["id"] and c["what"] == "retiré" for c in replanned["changes"])
    assert fleet.sql("SELECT status FROM workorder WHERE id = :w", w=waiting["id"]) == [("cancelled",)]
    fleet.proxy.set_mode("pass")
    fleet.wait_job(second["id"], "done", timeout=90)
    fleet.assert_all_done_once([first, second])


def test_a_place_worker_cut_from_the_broker_past_the_dispatch_timeout_catches_up_without_repeating_a_plate(
        rabbitmq_fleet: Fleet) -> None:
    fleet = rabbitmq_fleet
    place_id = fleet.sql("SELECT place_id FROM machine WHERE id = :m", m=fleet.machine_id)[0][0]
    fleet.sql("UPDATE place SET site_worker = true WHERE id = :p", p=place_id)
    fleet.sql("UPDATE machine SET driver_settings = '{}' WHERE id = :m", m=fleet.machine_id)   # the place's key now
    done = fleet.inst.run("place", "credentials", str(place_id))
    assert done.returncode == 0, done.stderr
    place_url = urlsplit(next(line.split("=", 1)[1] for line in done.stdout.splitlines()
                              if line.startswith("MAKERNET_BROKER_URL=")))
    broker_link = FaultyProxy(place_url.port or 5672)
    # the place's worker knows the broker only, with its own user: no database, no secret; it keeps its printer's key
    site_env = fleet.inst.place_env(done.stdout)
    fleet.inst.keep_place_key(site_env, fleet.machine_id, fleet.proxy.url, fleet.printer.api_key)
    site_env["MAKERNET_BROKER_URL"] = urlunsplit(place_url._replace(
        netloc=place_url.netloc.rsplit(":", 1)[0] + f":{broker_link.port}"))
    try:
        fleet.inst.start("site", "worker", "--place", str(place_id), "--concurrency", "2", env=site_env)
        _, (first, second) = fleet.order(2)
        fleet.wait_job(first["id"], "done", timeout=60)

        broker_link.set_mode("refuse")
        fleet.bed_clear()  # the second plate's dispatch waits in the broker for the place's worker
        # cut longer than a dispatch may stay unconfirmed and than a poll waits in the queue (10 s each), so
        # the place's worker retries its connection several times, then finds a stale dispatch behind expired polls
        time.sleep(OUTAGE)
        assert fleet.job(second["id"])["status"] == "dispatching"
        (dispatched_at,), = fleet.sql("SELECT dispatched_at FROM job WHERE id = :j", j=second["id"])
        waited = datetime.now(UTC) - dispatched_at.replace(tzinfo=dispatched_at.tzinfo or UTC)
        assert waited.total_seconds() > float(fleet.inst.env["MAKERNET_DISPATCH_TIMEOUT"])   # stale by now
        assert print_starts(fleet.printer, second["upload_name"]) == 0
        broker_link.set_mode("pass")
        fleet.wait_job(second["id"], "done", timeout=120)
        fleet.assert_all_done_once([first, second])
        assert "MAKERNET_DATABASE_URL" not in site_env
        assert fleet.sql("SELECT count(*) FROM auditentry WHERE entity = 'report'") == [(0,)]  # none refused
    finally:
        broker_link.close()
