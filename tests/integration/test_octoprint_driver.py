"""The OctoPrint driver against a real OctoPrint 1.11.8 server and its Virtual Printer."""
from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from printers.base import MachineConnection, PrinterRejected, PrinterState
from printers.octoprint import OctoPrintDriver
from tests.support.waiting import wait_for_status
from tests.support.octoprint import OctoPrintServer, gcode_lasting

pytestmark = [pytest.mark.integration, pytest.mark.octoprint]


class RecordingClient(httpx.Client):
    """A real httpx client that remembers which calls the driver made."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        super().__init__(event_hooks={"request": [self._record]})

    def _record(self, request: httpx.Request) -> None:
        self.calls.append(f"{request.method} {request.url.path}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OctoPrintServer]:
    with OctoPrintServer(basedir=tmp_path_factory.mktemp("octoprint")) as octoprint:
        yield octoprint


@pytest.fixture
def client() -> Iterator[RecordingClient]:
    with RecordingClient() as recording:
        yield recording


@pytest.fixture
def driver(server: OctoPrintServer, client: RecordingClient) -> OctoPrintDriver:
    """A driver for an idle printer: whatever an earlier test left running is cancelled."""
    if not server.running:
        server.start()
    if server.job()["state"] != "Operational":
        server.request("POST", "/api/job", json={"command": "cancel"})
        server.wait_for_state("Operational")
    return OctoPrintDriver(MachineConnection("octoprint", server.url, server.api_key), client=client)


def test_an_uploaded_print_starts_runs_and_completes_under_our_file_name(
        driver: OctoPrintDriver) -> None:
    result = driver.upload_and_start("job-101.gcode", gcode_lasting(2), job_id=101)

    assert (result.started, result.file_name) == (True, "job-101.gcode")
    printing = wait_for_status(driver, lambda s: s.state is PrinterState.PRINTING, timeout=2)
    assert printing.file_name == "job-101.gcode"
    done = wait_for_status(driver, lambda s: s.state is PrinterState.READY, timeout=6)
    assert (done.file_name, done.completion) == ("job-101.gcode", 100.0)


def test_a_start_while_printing_is_refused_and_nothing_else_starts(
        driver: OctoPrintDriver, server: OctoPrintServer) -> None:
    assert driver.upload_and_start("job-102.gcode", gcode_lasting(3), job_id=102).started
    wait_for_status(driver, lambda s: s.state is PrinterState.PRINTING, timeout=2)

    second = driver.upload_and_start("job-103.gcode", gcode_lasting(1), job_id=103)

    assert second.started is False
    assert "Printing job-102.gcode" in second.detail
    driver.cancel()
    idle = wait_for_status(driver, lambda s: s.state is PrinterState.READY, timeout=5)
    time.sleep(0.3)  # room for a wrongly queued start to show up
    assert driver.status().file_name == idle.file_name == "job-102.gcode"
    assert driver.status().state is PrinterState.READY


def test_cancel_stops_a_running_print_and_is_harmless_when_idle(driver: OctoPrintDriver) -> None:
    assert driver.upload_and_start("job-104.gcode", gcode_lasting(5), job_id=104).started
    wait_for_status(driver, lambda s: s.state is PrinterState.PRINTING, timeout=2)

    driver.cancel()

    cancelled = wait_for_status(driver, lambda s: s.state is PrinterState.READY, timeout=5)
    # OctoPrint keeps no history: after a cancel, completion is simply gone.
    assert (cancelled.file_name, cancelled.completion) == ("job-104.gcode", None)
    driver.cancel()


def test_the_same_file_name_uploaded_twice_starts_the_stored_copy(
        driver: OctoPrintDriver, client: RecordingClient) -> None:
    assert driver.upload_and_start("job-105.gcode", gcode_lasting(0.2), job_id=105).started
    wait_for_status(driver, lambda s: s.state is PrinterState.READY and s.completion == 100.0, timeout=5)

    again = driver.upload_and_start("job-105.gcode", gcode_lasting(0.2), job_id=105)

    assert (again.started, again.file_name) == (True, "job-105.gcode")
    assert client.calls[-1] == "POST /api/files/local/job-105.gcode"
    wait_for_status(driver, lambda s: s.state is PrinterState.READY and s.completion == 100.0, timeout=5)


def test_the_server_version_needs_the_right_api_key(driver: OctoPrintDriver,
                                                    server: OctoPrintServer) -> None:
    assert driver.server_version() == "1.11.8"

    stranger = OctoPrintDriver(MachineConnection("octoprint", server.url, "not-a-key"))
    with pytest.raises(PrinterRejected, match="refused the API key"):
        stranger.server_version()


def test_a_stopped_server_reads_as_offline_and_comes_back_ready(
        driver: OctoPrintDriver, server: OctoPrintServer) -> None:
    server.stop()

    status = driver.status()

    assert status.state is PrinterState.OFFLINE
    assert "cannot reach OctoPrint" in (status.error or "")
    server.restart()
    assert driver.status().state is PrinterState.READY
