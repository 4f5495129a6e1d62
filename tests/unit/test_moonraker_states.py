"""The Moonraker driver's reading of each state, from answers recorded on a real Moonraker 0.11 and Klippy
(tests/unit/data/moonraker, recorded by driving the real servers of tests/support/moonraker.py), played back at
the driver's HTTP boundary."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from makernet.domain.plates import Plate, judge_reading
from makernet.models.base import utcnow
from makernet.services.production.worker import reading_of
from makernet.models import Job
from printers.base import KEY_REFUSED, NOT_THE_HOST, MachineConnection, PrinterState
from printers.moonraker import MoonrakerDriver

RECORDED = Path(__file__).parent / "data" / "moonraker"
URL, KEY = "http://voron.test:7125", "d8aa51bacafe4c1e8f0123456789abcd"


def recorded(name: str) -> httpx.Response:
    answer = json.loads((RECORDED / f"{name}.json").read_text())
    return httpx.Response(answer["status_code"], json=answer["body"])


def driver_answering(query: str, info: str | None = None, history: str | None = None) -> MoonrakerDriver:
    """A driver whose Moonraker answers the status query, /server/info and the history as recorded."""
    def handle(request: httpx.Request) -> httpx.Response:
        assert request.headers["X-Api-Key"] == KEY
        path = request.url.path
        if path == "/printer/objects/query":
            return recorded(query)
        if path == "/server/info" and info:
            return recorded(info)
        if path == "/server/history/list" and history:
            return recorded(history)
        raise AssertionError(f"unexpected call {request.method} {request.url}")
    client = httpx.Client(transport=httpx.MockTransport(handle))
    return MoonrakerDriver(MachineConnection("moonraker", URL, KEY), client=client)


@pytest.mark.parametrize(("query", "state", "raw", "file_name", "completion", "lost"), [
    ("query-printing", PrinterState.PRINTING, "printing", "makernet-job-1-visiere.gcode", 72.2, False),
    ("query-paused", PrinterState.PAUSED, "paused", "makernet-job-1-visiere.gcode", 78.8, False),
    ("query-complete", PrinterState.READY, "complete", "makernet-job-1-visiere.gcode", 100.0, False),
    ("query-cancelled", PrinterState.READY, "cancelled", "makernet-job-2-visiere.gcode", None, False),
    ("query-error", PrinterState.READY, "error", "makernet-job-3-visiere.gcode", None, True),
    ("query-shutdown", PrinterState.ERROR, "shutdown", "makernet-job-4-visiere.gcode", None, True),
])
def test_each_recorded_state_reads_as_one_printer_state(query: str, state: PrinterState, raw: str,
                                                        file_name: str | None, completion: float | None,
                                                        lost: bool) -> None:
    read = driver_answering(query).status()
    assert (read.state, read.raw_state, read.file_name, read.completion, read.print_lost) == (
        state, raw, file_name, completion, lost)
    if query == "query-error":
        assert read.error == "Move out of range: 999.000 0.000 0.000 [0.000]"


def test_an_idle_printer_with_no_history_reads_ready_with_no_file() -> None:
    read = driver_answering("query-standby", history="history-empty").status()
    assert (read.state, read.raw_state, read.file_name, read.completion, read.print_lost) == (
        PrinterState.READY, "standby", None, None, False)


def test_after_a_klippy_restart_the_last_job_of_the_history_names_the_lost_plate() -> None:
    read = driver_answering("query-standby-after-restart", history="history-after-restart").status()
    assert (read.state, read.raw_state, read.file_name, read.print_lost) == (
        PrinterState.READY, "klippy_shutdown", "makernet-job-4-visiere.gcode", True)


def test_klippy_disconnected_from_moonraker_reads_offline_without_losing_the_print() -> None:
    read = driver_answering("query-disconnected", info="info-disconnected").status()
    assert (read.state, read.raw_state, read.print_lost, read.state.is_reachable) == (
        PrinterState.OFFLINE, "disconnected", False, False)


@pytest.mark.parametrize(("query", "verdict"), [
    ("query-printing", None), ("query-complete", "finish"), ("query-cancelled", "fail"), ("query-error", "fail"),
    ("query-shutdown", "fail"),
])
def test_what_a_printing_plate_becomes_from_each_reading(query: str, verdict: str | None) -> None:
    job = Job(id=1, work_order_id=1, machine_id=1, units=10, sequence=1, status="printing",
              upload_name=json.loads((RECORDED / f"{query}.json").read_text())["body"]["result"]["status"]
              ["print_stats"]["filename"], dispatched_at=utcnow(), started_at=utcnow().replace(year=2020))
    reading = reading_of(job, driver_answering(query).status())
    decision = judge_reading(Plate(job.status, job.dispatched_at, job.started_at), reading, utcnow(), was_idle=True,
                             dispatch_timeout=10)
    assert decision.transition == verdict


def test_a_refused_key_and_a_foreign_answer_read_offline_with_their_reason() -> None:
    for answer, reason in ((httpx.Response(401, json={"error": {"code": 401, "message": "Unauthorized"}}), KEY_REFUSED),
                           (httpx.Response(200, text="<html>a router</html>"), NOT_THE_HOST)):
        client = httpx.Client(transport=httpx.MockTransport(lambda _request, a=answer: a))
        read = MoonrakerDriver(MachineConnection("moonraker", URL, KEY), client=client).status()
        assert (read.state, read.reason) == (PrinterState.OFFLINE, reason)
        assert "router" not in (read.error or "")
