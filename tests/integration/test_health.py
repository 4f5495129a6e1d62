"""Real processes prove themselves alive: /health reads the heartbeats of `makernet beat` (recorded by a
`makernet worker`) and of `makernet listen`, says 503 when one stops, and a second beat or listener is refused."""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support.processes import MakerNetInstallation
from tests.support.services import postgres_database, redis_key_space
from tests.support.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]
REFUSED = "tourne déjà pour cette installation"


def report(inst: MakerNetInstallation) -> tuple[int, dict]:
    answer = httpx.get(inst.url + "/health", timeout=20)   # a loaded CI machine may take seconds to answer
    return answer.status_code, answer.json()


def statuses(inst: MakerNetInstallation) -> dict[str, str]:
    code, body = report(inst)
    return {"http": code, **{name: check["status"] for name, check in body.items() if name != "status"}}


def logs(inst: MakerNetInstallation) -> str:
    return "\n".join(f"--- {name}\n{inst.log(name)[-1500:]}" for name in ("serve", "worker", "beat", "listen"))


def refused(inst: MakerNetInstallation, command: str) -> None:
    done = inst.run(command)
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"makernet: Un autre « makernet {command} » {REFUSED}") and \
        line.endswith("(process.already_running)"), line


def test_health_follows_beat_and_the_listener_and_a_second_of_either_is_refused(tmp_path: Path) -> None:
    with postgres_database() as database_url, redis_key_space() as (broker_url, prefix):
        inst = MakerNetInstallation(tmp_path / "instance", database_url=database_url, broker_url=broker_url,
                                    broker_key_prefix=prefix)
        try:
            assert inst.run("db", "upgrade").returncode == 0
            inst.start("worker", "worker", "--concurrency", "2")
            inst.start("beat", "beat")
            inst.start("listen", "listen")
            inst.serve()
            all_ok = {"http": 200, "database": "ok", "broker": "ok", "beat": "ok", "listener": "ok"}
            wait_for("every part ok", lambda: statuses(inst) == all_ok, timeout=60, logs=lambda: logs(inst))
            _code, body = report(inst)
            assert body["beat"]["age"] < body["beat"]["stale_after"] and "embedded" not in body["beat"]

            refused(inst, "beat")
            refused(inst, "listen")

            inst.kill("beat")   # as the OOM killer would: its lock goes with it
            wait_for("beat missing", lambda: statuses(inst) == {**all_ok, "http": 503, "beat": "missing"},
                     timeout=60, logs=lambda: logs(inst))
            inst.kill("listen")
            wait_for("listener missing", lambda: statuses(inst)["listener"] == "missing", timeout=60,
                     logs=lambda: logs(inst))

            inst.start("beat", "beat")       # a crashed holder kept no lock
            inst.start("listen", "listen")
            wait_for("every part ok again", lambda: statuses(inst) == all_ok, timeout=60, logs=lambda: logs(inst))
        finally:
            inst.stop()


def test_the_embedded_installation_reports_its_in_process_beat_and_listener_and_holds_their_locks(
        tmp_path: Path) -> None:
    inst = MakerNetInstallation(tmp_path / "instance")
    try:
        assert inst.run("db", "upgrade").returncode == 0
        inst.serve()
        wait_for("the embedded beat's and listener's heartbeats", lambda: report(inst)[0] == 200, timeout=60,
                 logs=lambda: inst.log("serve"))
        _code, body = report(inst)
        assert body["status"] == "ok"
        for name in ("broker", "beat", "listener"):
            assert body[name]["status"] == "ok" and body[name]["embedded"] is True, body
        # a separate listener on the same SQLite installation (given a broker) meets the serve's file lock
        inst.env["MAKERNET_BROKER_URL"] = "redis://127.0.0.1:6379/0"
        refused(inst, "listen")
    finally:
        inst.stop()
