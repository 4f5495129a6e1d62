"""Planner runs made by a real worker process, on PostgreSQL and Redis: `makernet serve` answers a run at once and
refuses a second one of the territory; a re-plan after a decline waits its turn and is made after; the morning run
beat posts is made the same way; a run no worker took (the worker killed) is given up after the timeout, frees its
territory, and its message, taken late by the next worker, writes nothing."""
from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from celery import Celery

from tests.support.api import COORDINATOR, OPERATOR, REQUESTER
from tests.support.processes import MakerNetInstallation
from tests.support.services import postgres_database, redis_key_space
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]
TIMEOUT = 30   # seconds a run may go without news here (300 by default): more than a worker takes to start


class Region:
    """`makernet serve` in production mode, its worker started and killed by the test."""

    def __init__(self, inst: MakerNetInstallation, redis_url: str, prefix: str) -> None:
        self.inst, self.redis_url, self.prefix = inst, redis_url, prefix
        self.tokens: dict[str, str] = {}

    def call(self, method: str, path: str, email: str, **options: object) -> httpx.Response:
        if email not in self.tokens:
            made = self.inst.run("token", "create", email)
            assert made.returncode == 0, made.stderr
            self.tokens[email] = made.stdout.strip()
        return httpx.request(method, f"{self.inst.url}/api/v1{path}", timeout=30,
                             headers={"Authorization": f"Bearer {self.tokens[email]}", "Accept-Language": "en"},
                             **options)  # type: ignore[arg-type]

    def ok(self, method: str, path: str, email: str, status: int | None = None, **options: object) -> dict:
        answer = self.call(method, path, email, **options)
        assert answer.status_code == status if status else answer.status_code < 300, answer.text
        return answer.json()

    def run(self, run_id: int) -> dict:
        return self.ok("get", f"/plans/{run_id}", COORDINATOR)

    def post_task(self, name: str) -> None:
        """Post a task to the central queue, as beat does."""
        sender = Celery("test-beat", broker=self.redis_url, set_as_current=False)
        sender.conf.broker_transport_options = {"global_keyprefix": self.prefix}
        with sender.connection_for_write() as connection:
            sender.send_task(name, queue="makernet", connection=connection)
        sender.close()

    def logs(self) -> str:
        return "\n".join(f"--- {name}\n{self.inst.log(name)}" for name in ("serve", "worker"))


@pytest.fixture
def region(tmp_path: Path) -> Iterator[Region]:
    with postgres_database() as database_url, redis_key_space() as (redis_url, prefix):
        inst = MakerNetInstallation(tmp_path / "instance", database_url=database_url, broker_url=redis_url,
                                    broker_key_prefix=prefix, plan_daily_at="off", plan_run_timeout=str(TIMEOUT))
        try:
            for command in (("db", "upgrade"), ("demo", "--yes-load-demo-users")):
                done = inst.run(*command)
                assert done.returncode == 0, done.stderr
            inst.serve()
            yield Region(inst, redis_url, prefix)
        finally:
            inst.stop()


def approved_visors(region: Region, quantity: int) -> dict:
    visor = next(i["id"] for i in region.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    request = region.ok("post", "/requests", REQUESTER, json={
        "needed_by": (date.today() + timedelta(days=10)).isoformat(), "delivery_point": "Mairie",
        "lines": [{"item_id": visor, "quantity": quantity}]})
    region.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    return request


def test_a_worker_makes_the_runs_in_turn_and_a_run_no_worker_took_frees_its_territory(region: Region) -> None:
    lab = next(p["id"] for p in region.ok("get", "/places", COORDINATOR) if p["name"] == "FabLab La Rochelle")
    region.ok("get", "/work-orders", OPERATOR)   # its token made now: once the run is queued, its clock runs
    declined_line = approved_visors(region, 20)["lines"][0]["id"]
    order = region.ok("post", "/work-orders", COORDINATOR, json={
        "request_line_id": declined_line, "place_id": lab, "quantity": 20})
    approved_visors(region, 40)

    # no worker yet: the run is answered at once and waits for one; a second is refused, naming it
    started = region.ok("post", "/plans", COORDINATOR, status=202, json={})
    assert (started["status"], started["progress"], started["link"]) == ("queued", 0, f"/api/v1/plans/{started['id']}")
    refused = region.call("post", "/plans", COORDINATOR, json={})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "plans.run_in_progress"
    assert refused.json()["error"]["params"] == {"id": started["id"]}
    # a decline meanwhile: its re-plan waits its turn rather than being lost
    region.ok("post", f"/work-orders/{order['id']}/decline", OPERATOR, json={"reason": "plus de PETG"})
    replan = next(r for r in region.ok("get", "/plans", COORDINATOR) if r["trigger"] == "decline")
    assert replan["status"] == "waiting"

    region.inst.start("worker", "worker", "--concurrency", "2")
    done = wait_for("the coordinator's run", lambda: region.run(started["id"])["status"] == "done" and
                    region.run(started["id"]), timeout=60, logs=region.logs)
    assert done["proposed_units"] >= 40 and done["progress"] == 100
    wait_for("the re-plan that waited", lambda: region.run(replan["id"])["status"] == "done", timeout=60,
             logs=region.logs)
    again = [o for o in region.ok("get", "/work-orders", COORDINATOR)
             if o["request_line_id"] == declined_line and o["status"] == "proposed"]
    assert sum(o["quantity"] for o in again) == 20 and lab not in {o["place_id"] for o in again}

    # the morning run beat posts goes the same way
    region.post_task("makernet.plan_daily")
    wait_for("the morning run", lambda: any(r["trigger"] == "daily" and r["status"] == "done"
                                            for r in region.ok("get", "/plans", COORDINATOR)), logs=region.logs)

    # the worker dies: a run nobody takes is given up after the timeout, and frees the territory
    region.inst.kill("worker")
    lost = region.ok("post", "/plans", COORDINATOR, status=202, json={})
    failure = wait_for("the lost run given up", lambda: region.run(lost["id"])["failure"], timeout=TIMEOUT + 60,
                       logs=region.logs)
    assert failure["code"] == "plans.run_not_taken" and "no worker took it in time" in failure["message"]
    fresh = region.ok("post", "/plans", COORDINATOR, status=202, json={})
    region.inst.start("worker", "worker", "--concurrency", "2")
    wait_for("the next run", lambda: region.run(fresh["id"])["status"] == "done", timeout=60, logs=region.logs)
    time.sleep(2)   # the lost run's message, taken late by the new worker, changes nothing
    assert region.run(lost["id"])["status"] == "failed"
    assert not [o for o in region.ok("get", "/work-orders", COORDINATOR) if o["plan_run_id"] == lost["id"]]
