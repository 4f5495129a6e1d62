"""A town hall's request reaches a real printer and comes back delivered, through the public API only.

Run three times: on the embedded default (SQLite, worker and beat inside `makernet serve`), in
production mode (PostgreSQL, Redis, `makernet worker` and `makernet beat` processes), and in production
mode on RabbitMQ with the fab-lab running its own worker (`makernet worker --place N`, with the broker
user `makernet place credentials N` gives it, and neither database nor secret).
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.support.api import COORDINATOR, OPERATOR, REQUESTER, ApiClient
from tests.support.octoprint import OctoPrintServer
from tests.support.processes import MakerNetInstallation
from tests.support.waiting import wait_for
from tests.support.services import postgres_database, rabbitmq_vhost, redis_key_space

pytestmark = [pytest.mark.integration, pytest.mark.octoprint]


@pytest.fixture
def printer(tmp_path: Path) -> Iterator[OctoPrintServer]:
    """A real OctoPrint server with its Virtual Printer."""
    with OctoPrintServer(tmp_path / "octoprint").start() as server:
        yield server


@pytest.fixture(params=["embedded", "production", "place_worker"])
def installation(request: pytest.FixtureRequest, tmp_path: Path, printer: OctoPrintServer) -> Iterator[MakerNetInstallation]:
    """MakerNet with demo data and the real printer attached, in one of its two modes."""
    if request.param == "embedded":
        with _running(MakerNetInstallation(tmp_path / "instance"), printer, workers=False) as inst:
            yield inst
        return
    if request.param == "place_worker":
        with postgres_database() as database_url, rabbitmq_vhost() as broker_url:
            inst = MakerNetInstallation(tmp_path / "instance", database_url=database_url, broker_url=broker_url)
            with _running(inst, printer, workers=True, site_database=database_url) as running:
                yield running
        return
    with postgres_database() as database_url, redis_key_space() as (broker_url, prefix):
        inst = MakerNetInstallation(tmp_path / "instance", database_url=database_url, broker_url=broker_url,
                                    broker_key_prefix=prefix)
        with _running(inst, printer, workers=True) as running:
            yield running


class _running:
    """Migrate, load the demo with the printer, start the processes; stop them after."""

    def __init__(self, inst: MakerNetInstallation, printer: OctoPrintServer, workers: bool,
                 site_database: str = "") -> None:
        self.inst, self.printer, self.workers, self.site_database = inst, printer, workers, site_database

    def __enter__(self) -> MakerNetInstallation:
        inst = self.inst
        for args in (("db", "upgrade"), ("demo", "--yes-load-demo-users", "--octoprint", self.printer.url,
                                                   "--api-key", self.printer.api_key)):
            done = inst.run(*args)
            assert done.returncode == 0, done.stderr
        try:
            if self.workers:
                inst.start("worker", "worker", "--concurrency", "4", "--loglevel", "INFO")
                inst.start("beat", "beat", "--loglevel", "INFO")
            if self.site_database:
                self._start_place_worker()
            inst.serve()
        except BaseException:
            inst.stop()
            raise
        return inst

    def _start_place_worker(self) -> None:
        """The fab-lab runs its own worker: marked so, given its broker user, started with only that."""
        with psycopg.connect(self.site_database, autocommit=True) as db:
            (place_id,) = db.execute("UPDATE place SET site_worker = true WHERE name = 'FabLab La Rochelle' "
                                     "RETURNING id").fetchone()
            # its printer's key is the place's now: none is left in the central database
            (machine_id, url), = db.execute("UPDATE machine SET driver_settings = '{}' WHERE place_id = %s "
                                            "AND driver = 'octoprint' RETURNING id, host", (place_id,)).fetchall()
        done = self.inst.run("place", "credentials", str(place_id))
        assert done.returncode == 0, done.stderr
        site_env = self.inst.place_env(done.stdout)
        self.inst.keep_place_key(site_env, machine_id, url, self.printer.api_key)   # the printer's key, kept at the place only
        self.inst.start("site", "worker", "--place", str(place_id), "--concurrency", "2", env=site_env)

    def __exit__(self, *exc: object) -> None:
        self.inst.stop()




def test_a_town_halls_request_is_printed_on_a_real_printer_and_delivered(
        installation: MakerNetInstallation, printer: OctoPrintServer) -> None:
    logs = lambda: "\n".join(f"--- {n}\n{installation.log(n)}" for n in installation.processes)  # noqa: E731
    with httpx.Client(base_url=installation.url, timeout=20) as http:
        api = ApiClient(http)
        visor = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
        pla_per_visor = next(b["quantity"] for b in visor["design_versions"][0]["bill_of_materials"]
                             if b["material_code"] == "pla")

        # the municipality asks for 20 visors
        request = api.ok("post", "/requests", REQUESTER, json={
            "needed_by": (date.today() + timedelta(days=7)).isoformat(), "priority": "care_staff",
            "delivery_point": "Hôtel de ville, 97 rue Pierre Loti, Rochefort", "beneficiary": "Aides à domicile",
            "lines": [{"item_id": visor["id"], "quantity": 20}]})
        assert request["status"] == "submitted"
        line_id = request["lines"][0]["id"]

        # the coordinator approves and allocates it to the fab-lab
        assert api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)["status"] == "approved"
        fablab = next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "FabLab La Rochelle")
        machine = next(m for m in fablab["machines"] if m["driver"] == "octoprint")
        order = api.ok("post", "/work-orders", COORDINATOR, json={
            "request_line_id": line_id, "place_id": fablab["id"], "quantity": 20})
        assert order["status"] == "proposed"
        pla_before = _level(api, fablab["id"], "pla")

        # the operator accepts: two plates of ten on the real printer
        assert api.ok("post", f"/work-orders/{order['id']}/accept", OPERATOR, json={})["status"] == "accepted"
        jobs = api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)
        assert [(j["units"], j["machine_id"]) for j in jobs] == [(10, machine["id"]), (10, machine["id"])]
        first, second = jobs

        # a worker sends the first plate; it prints and completes on OctoPrint
        job_of = lambda jid: next(j for j in api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)  # noqa: E731
                                  if j["id"] == jid)
        plate_logs = lambda: f"job: {job_of(first['id'])}\nprinter: {printer.job()}\n{logs()}"  # noqa: E731
        wait_for("the first plate printing", lambda: job_of(first["id"])["status"] in ("printing", "done"),
                 logs=plate_logs)
        assert str(first["id"]) in printer.job()["job"]["file"]["name"]
        wait_for("the first plate done", lambda: job_of(first["id"])["status"] == "done", logs=plate_logs)

        # the second plate waits for the operator to clear the bed
        time.sleep(2.0)  # four poll intervals
        assert job_of(second["id"])["status"] == "queued"
        assert api.ok("get", f"/machines/{machine['id']}", OPERATOR)["bed_clear"] is False
        assert printer.job()["job"]["file"]["name"] == first["upload_name"]
        cleared = api.ok("post", f"/machines/{machine['id']}/bed-clear", OPERATOR)
        assert cleared["dispatched_job_id"] == second["id"]
        wait_for("the second plate done", lambda: job_of(second["id"])["status"] == "done", logs=logs)
        stored = {f["name"] for f in printer.request("GET", "/api/files/local").json()["files"]}
        assert {first["upload_name"], second["upload_name"]} <= stored
        assert all(job_of(j["id"])["dispatch_attempts"] == 1 for j in jobs)
        if "site" in installation.processes:   # the place's own worker started both plates, not a central one
            site_log = (installation.instance_dir / "site.log").read_text(errors="replace")
            assert site_log.count("makernet.site_dispatch[") == 4, installation.log("site")   # received, succeeded

        # units made on the work order and the request line; filament consumed once per plate
        assert api.ok("get", f"/work-orders/{order['id']}", OPERATOR)["units_made"] == 20
        assert api.ok("get", f"/requests/{request['id']}", REQUESTER)["lines"][0]["units_made"] == 20
        consumed = [e for e in api.ok("get", f"/places/{fablab['id']}/ledger", OPERATOR)
                    if e["kind"] == "consumption" and e["job_id"] in (first["id"], second["id"])]
        pla_id = next(m["material_id"] for m in api.ok("get", f"/places/{fablab['id']}/stock", OPERATOR)
                      if m["code"] == "pla")
        assert sorted(e["quantity"] for e in consumed if e["material_id"] == pla_id) == [-10 * pla_per_visor] * 2
        assert _level(api, fablab["id"], "pla") == pla_before - 20 * pla_per_visor

        # the operator ships, the municipality confirms receipt: the request is closed
        delivery = api.ok("post", "/deliveries", OPERATOR, json={
            "place_id": fablab["id"], "request_id": request["id"],
            "lines": [{"request_line_id": line_id, "quantity": 20}]})
        assert delivery["status"] == "prepared"
        received = api.ok("post", f"/deliveries/{delivery['id']}/confirm-receipt", REQUESTER,
                          json={"receiver_name": "Claire Martin"})
        assert received["status"] == "received"
        final = api.ok("get", f"/requests/{request['id']}", REQUESTER)
        assert final["status"] == "closed"
        assert final["lines"][0]["units_received"] == 20


def _level(api: ApiClient, place_id: int, code: str) -> int:
    return next(m["level"] for m in api.ok("get", f"/places/{place_id}/stock", OPERATOR) if m["code"] == code)
