"""The PrusaLink driver's reading of each state, from answers recorded on a real PrusaLink 0.8.1 and its simulated
MK3S (tests/unit/data/prusalink, recorded by tests/integration/test_prusalink_server.py), played back at the driver's
HTTP boundary; and its digest fallback, as Prusa's own firmware asks for it."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from makernet.domain.plates import Plate, judge_reading
from makernet.models import Job
from makernet.models.base import utcnow
from makernet.services.production.worker import reading_of
from printers.base import KEY_REFUSED, MachineConnection, PrinterState
from printers.prusalink import PrusaLinkDriver

RECORDED = Path(__file__).parent / "data" / "prusalink"
URL, KEY = "http://mk4.test", "J5q5KBU4ZIkS_qOp"


def recorded(name: str) -> httpx.Response:
    answer = json.loads((RECORDED / f"{name}.json").read_text())
    return httpx.Response(answer["status_code"], json=answer["body"]) if answer["body"] is not None \
        else httpx.Response(answer["status_code"])


def driver_in(state: str) -> PrusaLinkDriver:
    """A driver whose PrusaLink answers /api/v1/status and /api/job as it did in `state`."""
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.headers["X-Api-Key"] == KEY
        return recorded({"/api/v1/status": f"status-{state}", "/api/job": f"legacy-job-{state}"}[request.url.path])
    return PrusaLinkDriver(MachineConnection("prusalink", URL, KEY), client=httpx.Client(
        transport=httpx.MockTransport(handle)))


@pytest.mark.parametrize(("state", "expected"), [
    ("idle", (PrinterState.READY, "IDLE", None, None, False)),
    ("printing", (PrinterState.PRINTING, "PRINTING", "calibration cube.gcode", 8.0, False)),
    ("paused", (PrinterState.PAUSED, "PAUSED", "stop me.gcode", 2.0, False)),
    ("finished", (PrinterState.READY, "FINISHED", "calibration cube.gcode", 100.0, False)),
    ("stopped", (PrinterState.READY, "STOPPED", "stop me.gcode", None, False)),
    ("disconnected", (PrinterState.ERROR, "ERROR", None, None, True)),
])
def test_each_recorded_state_reads_as_one_printer_state(state: str, expected: tuple) -> None:
    read = driver_in(state).status()
    assert (read.state, read.raw_state, read.file_name, read.completion, read.print_lost) == expected
    if state == "disconnected":
        assert read.error == "Serial device does not exist"


@pytest.mark.parametrize(("state", "verdict"), [
    ("printing", None), ("finished", "finish"), ("stopped", "fail"), ("disconnected", "fail"),
])
def test_what_a_printing_plate_becomes_from_each_reading(state: str, verdict: str | None) -> None:
    read = driver_in(state).status()
    job = Job(id=1, work_order_id=1, machine_id=1, units=10, sequence=1, status="printing",
              upload_name=read.file_name or "calibration cube.gcode", started_at=utcnow().replace(year=2020))
    decision = judge_reading(Plate(job.status, job.dispatched_at, job.started_at), reading_of(job, read), utcnow(),
                             was_idle=True, dispatch_timeout=10)
    assert decision.transition == verdict


def test_a_printer_that_asks_for_digest_gets_it_as_user_maker_with_the_same_key() -> None:
    seen: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("Authorization", "X-Api-Key" if "X-Api-Key" in request.headers else "-"))
        if not request.headers.get("Authorization", "").startswith("Digest"):
            return httpx.Response(401, headers={"WWW-Authenticate": 'Digest realm="Printer API", nonce="abc", qop="auth"'})
        assert 'username="maker"' in request.headers["Authorization"] and "X-Api-Key" not in request.headers
        return httpx.Response(200, json={"api": "2.0.0", "server": "2.1.2", "text": "PrusaLink"})
    driver = PrusaLinkDriver(MachineConnection("prusalink", URL, KEY), client=httpx.Client(
        transport=httpx.MockTransport(handle)))
    assert driver.server_version() == "2.1.2"
    assert seen[0] == "X-Api-Key" and seen[-1].startswith("Digest")


def test_a_wrong_key_reads_offline_as_refused_and_an_existing_file_is_started_not_overwritten() -> None:
    wrong = PrusaLinkDriver(MachineConnection("prusalink", URL, "bad-key-123"), client=httpx.Client(
        transport=httpx.MockTransport(lambda _r: httpx.Response(403, text="Bad X-Api-Key."))))
    assert (wrong.status().state, wrong.status().reason) == (PrinterState.OFFLINE, KEY_REFUSED)
    calls: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if request.method == "PUT":
            return httpx.Response(409, text="File Already Exists", headers={"Content-Type": "text/plain"})
        return httpx.Response(204)
    stored = PrusaLinkDriver(MachineConnection("prusalink", URL, KEY), client=httpx.Client(
        transport=httpx.MockTransport(handle)))
    assert stored.upload_and_start("makernet-job-3-visiere.gcode", b"G4 P10\n", 3).started
    assert calls == ["PUT", "POST"]
