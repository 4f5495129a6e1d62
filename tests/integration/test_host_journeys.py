"""A fab-lab's day on Klipper and Prusa printers: MakerNet in production mode (PostgreSQL, its own Redis, `makernet
serve`, `worker` and `beat` as processes) driving a real Moonraker with its Klippy, or a real PrusaLink with its
simulated Prusa firmware, exactly as it drives OctoPrint.

The operator connects the printer with the key copied from its host (a wrong one first), the fab-lab accepts work,
plates print one after the other with the bed cleared between them, units and material are recorded; a plate is
stopped from MakerNet, another cancelled at the printer. Starts are counted from the host's own log.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.support.api import COORDINATOR, OPERATOR, ApiClient, accepted_visors
from tests.support.moonraker import MoonrakerServer, klipper_gcode_lasting, klippy_starts
from tests.support.processes import MakerNetInstallation
from tests.support.prusalink import PrusaLinkServer, gcode_lasting
from tests.support.redis_server import RedisServer
from tests.support.services import postgres_database
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.integration]


@dataclass
class Host:
    """One printer host as the journey needs it: where it is, its key, and the host's own views."""

    driver: str
    url: str
    api_key: str
    gcode: Callable[[float], bytes]       # a plate lasting that many seconds on this host
    starts: Callable[[], int]             # prints started so far, from the host's own log
    cancel_on_host: Callable[[], object]  # what a volunteer does at the printer's screen or web page
    close: Callable[[], None]


def moonraker_host(tmp_path: Path) -> Host:
    server = MoonrakerServer(basedir=tmp_path / "moonraker").start()
    return Host("moonraker", server.url, server.api_key, klipper_gcode_lasting, lambda: klippy_starts(server),
                lambda: server.request("POST", "/printer/print/cancel"), server.close)


def prusalink_host(tmp_path: Path) -> Host:
    server = PrusaLinkServer().start()   # its own folder: PrusaLink refuses storage under /tmp
    return Host("prusalink", server.url, server.api_key, lambda seconds: gcode_lasting(seconds, "visieres"),
                lambda: len(server.firmware.prints), server.cancel_on_host, server.close)


HOSTS = {"moonraker": pytest.param(moonraker_host, marks=pytest.mark.moonraker, id="moonraker"),
         "prusalink": pytest.param(prusalink_host, marks=pytest.mark.prusalink, id="prusalink")}


class Lab:
    """The installation, its database, the operator's API and the printer's host."""

    def __init__(self, inst: MakerNetInstallation, host: Host, database_url: str) -> None:
        self.inst, self.host = inst, host
        self.engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
        self.http = httpx.Client(base_url=inst.url, timeout=20)
        self.api = ApiClient(self.http)
        self.place = next(p for p in self.api.ok("get", "/places", COORDINATOR) if p["name"] == "FabLab La Rochelle")

    def sql(self, statement: str, **params: object) -> list:
        with self.engine.begin() as connection:
            result = connection.execute(text(statement), params)
            return list(result) if result.returns_rows else []

    def logs(self) -> str:
        jobs = self.sql("SELECT id, status, outcome FROM job ORDER BY id")
        machines = self.sql("SELECT id, name, state, state_detail, key_status FROM machine WHERE host IS NOT NULL")
        return f"jobs: {jobs}\nmachines: {machines}\n" + "\n".join(
            f"--- {n}\n{self.inst.log(n)[-1500:]}" for n in ("worker", "beat"))

    def connect(self, key: str) -> dict:
        return self.api.ok("post", f"/places/{self.place['id']}/printers", OPERATOR, json={
            "name": f"{self.host.driver} 1", "driver": self.host.driver, "url": self.host.url,
            "printer_profile": "prusa-mk3", "api_key": key})

    def machine(self, machine_id: int) -> dict:
        return self.api.ok("get", f"/machines/{machine_id}", OPERATOR)

    def order(self, plates: int) -> tuple[dict, list[dict]]:
        return accepted_visors(self.api, self.place["id"], OPERATOR, plates)

    def job(self, job_id: int) -> dict:
        return next(j for j in self.api.ok("get", "/jobs", OPERATOR) if j["id"] == job_id)

    def wait_job(self, job_id: int, *statuses: str, timeout: float = 60) -> dict:
        return wait_for(f"job {job_id} {statuses}", lambda: (j := self.job(job_id))["status"] in statuses and j,
                        timeout, self.logs)


@pytest.fixture(params=list(HOSTS.values()))
def lab(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Lab]:
    host: Host = request.param(tmp_path)
    redis = RedisServer(tmp_path / "redis").start()
    try:
        with postgres_database() as database_url:
            inst = MakerNetInstallation(tmp_path / "instance", database_url=database_url, broker_url=redis.url,
                                        printer_timeout="2")
            for args in (("db", "upgrade"), ("demo", "--yes-load-demo-users")):
                done = inst.run(*args)
                assert done.returncode == 0, done.stderr
            try:
                inst.start("worker", "worker", "--concurrency", "4")
                inst.start("beat", "beat")
                inst.serve()
                lab = Lab(inst, host, database_url)
                try:
                    # the fab-lab's printers worked by hand are set aside: its plates go to the host's printer
                    lab.sql("UPDATE machine SET active = false WHERE place_id = :p AND driver = 'manual'",
                            p=lab.place["id"])
                    lab.sql("UPDATE platelayout SET gcode = :g", g=host.gcode(3).decode())
                    yield lab
                finally:
                    lab.http.close()
                    lab.engine.dispose()
            finally:
                inst.stop()
    finally:
        redis.stop()
        host.close()


def test_a_fab_labs_day_on_the_hosts_printer_from_its_key_to_units_and_material_recorded(lab: Lab) -> None:
    # a wrong key is stored like any other, then refused by the host: the page says so, no plate ever goes there
    wrong = lab.connect("0123456789abcdef0123456789abcdef")
    assert (wrong["key_status"], wrong["driver"]) == ("stored", lab.host.driver)
    wait_for("the wrong key refused", lambda: lab.machine(wrong["id"])["state_detail"] == "fleet.key_refused",
             logs=lab.logs)
    tried = lab.api.ok("post", f"/machines/{wrong['id']}/test-connection", OPERATOR)
    assert (tried["reachable"], tried["code"]) == (False, "fleet.key_refused")
    lab.api.ok("delete", f"/machines/{wrong['id']}", OPERATOR)

    printer = lab.connect(lab.host.api_key)
    wait_for("the printer read ready", lambda: lab.machine(printer["id"])["state"] == "ready", logs=lab.logs)
    tried = lab.api.ok("post", f"/machines/{printer['id']}/test-connection", OPERATOR)
    assert tried["reachable"] and tried["status"]["state"] == "ready" and tried["version"], tried

    order, (first, second) = lab.order(2)
    lab.wait_job(first["id"], "done")
    assert lab.job(second["id"])["status"] == "queued"   # the bed is not cleared yet
    assert lab.api.ok("post", f"/machines/{printer['id']}/bed-clear", OPERATOR)["dispatched_job_id"] == second["id"]
    lab.wait_job(second["id"], "done")
    assert lab.api.ok("get", f"/work-orders/{order['id']}", OPERATOR)["units_made"] == 20
    consumed = lab.sql("SELECT job_id, count(*) FROM stockentry WHERE kind = 'consumption' AND job_id IN (:a, :b) "
                       "GROUP BY job_id", a=first["id"], b=second["id"])
    assert sorted(n for _job, n in consumed) == [3, 3]   # the plate's bill of materials, once per plate
    assert lab.host.starts() == 2

    # stopped from MakerNet: the printer cancels it, the plate fails; retried, it prints once more
    lab.api.ok("post", f"/machines/{printer['id']}/bed-clear", OPERATOR)
    _, (stopped,) = lab.order(1)
    lab.wait_job(stopped["id"], "printing")
    wait_for("the plate a moment in", lambda: (lab.job(stopped["id"])["progress"] or 0) > 5, logs=lab.logs)
    lab.api.ok("post", f"/jobs/{stopped['id']}/stop", OPERATOR)
    assert "cancelled" in lab.wait_job(stopped["id"], "failed", timeout=30)["outcome"]
    lab.api.ok("post", f"/jobs/{stopped['id']}/retry", OPERATOR)
    lab.api.ok("post", f"/machines/{printer['id']}/bed-clear", OPERATOR)
    lab.wait_job(stopped["id"], "done")
    assert lab.host.starts() == 4

    # cancelled at the printer by a volunteer: MakerNet reads it and fails the plate
    lab.api.ok("post", f"/machines/{printer['id']}/bed-clear", OPERATOR)
    _, (cancelled,) = lab.order(1)
    lab.wait_job(cancelled["id"], "printing")
    wait_for("the plate a moment in", lambda: (lab.job(cancelled["id"])["progress"] or 0) > 5, logs=lab.logs)
    lab.host.cancel_on_host()
    assert "cancelled" in lab.wait_job(cancelled["id"], "failed", timeout=30)["outcome"]
    assert lab.host.starts() == 5
