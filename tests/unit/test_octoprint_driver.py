"""The OctoPrint driver against scripted HTTP answers (httpx.MockTransport at the driver boundary)."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest

from printers.base import (
    AmbiguousOutcome,
    MachineConnection,
    PrinterError,
    PrinterRejected,
    PrinterState,
    PrinterUnreachable,
)
from printers.manual import ManualDriver
from printers.octoprint import STATE_TABLE, OctoPrintDriver, state_from_text
from printers.registry import available_drivers, driver_for, register
from tests.support.octoprint import free_port

URL = "http://printer.test:5000"
KEY = "0123456789ABCDEF0123456789ABCDEF"

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class ScriptedOctoPrint:
    """Answers each (method, path) with a scripted response or error, and records requests."""

    def __init__(self) -> None:
        self.answers: dict[tuple[str, str], Answer] = {}
        self.requests: list[httpx.Request] = []
        self.client = httpx.Client(transport=httpx.MockTransport(self._handle))
        self.driver = OctoPrintDriver(MachineConnection("octoprint", URL, KEY), client=self.client)

    def on(self, method: str, path: str, answer: Answer) -> None:
        """Script the answer to one route."""
        self.answers[(method, path)] = answer

    def paths(self) -> list[str]:
        """Method and path of every request received, in order."""
        return [f"{r.method} {r.url.path}" for r in self.requests]

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.get((request.method, request.url.path))
        if answer is None:
            return httpx.Response(404, json={"error": "not scripted"})
        if isinstance(answer, Exception):
            raise answer
        if callable(answer):
            return answer(request)
        return answer


@pytest.fixture
def octoprint() -> Iterator[ScriptedOctoPrint]:
    scripted = ScriptedOctoPrint()
    yield scripted
    scripted.client.close()


def job_answer(state: str, name: str | None = None, completion: float | None = None) -> httpx.Response:
    """A GET /api/job answer as OctoPrint 1.11 shapes it."""
    return httpx.Response(200, json={
        "state": state,
        "job": {"file": {"name": name, "path": name, "origin": "local" if name else None}},
        "progress": {"completion": completion, "printTime": None},
    })


def upload_answer(name: str, effective_print: bool) -> httpx.Response:
    """A 201 upload answer with the given effective flags."""
    return httpx.Response(201, json={
        "done": True, "effectiveSelect": effective_print, "effectivePrint": effective_print,
        "files": {"local": {"name": name, "path": name, "origin": "local"}},
    })


def refused() -> httpx.ConnectError:
    """What httpx raises when nothing listens on the port."""
    return httpx.ConnectError("[Errno 111] Connection refused")


# --- state mapping ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Operational", PrinterState.READY),
    ("Printing", PrinterState.PRINTING),
    ("Printing from SD", PrinterState.PRINTING),
    ("Starting", PrinterState.STARTING),
    ("Starting print from SD", PrinterState.STARTING),
    ("Sending file to SD", PrinterState.STARTING),
    ("Pausing", PrinterState.PAUSING),
    ("Paused", PrinterState.PAUSED),
    ("Finishing", PrinterState.FINISHING),
    ("Cancelling", PrinterState.CANCELLING),
    ("Offline", PrinterState.OFFLINE),
    ("Offline after error", PrinterState.ERROR),
    ("Error", PrinterState.ERROR),
    ("Error: Printer halted. kill() called!", PrinterState.ERROR),
    ("Opening serial connection", PrinterState.CONNECTING),
    ("Connecting", PrinterState.CONNECTING),
    ("Detecting serial connection", PrinterState.CONNECTING),
    ("Detecting baudrate", PrinterState.CONNECTING),
    ("Unknown State (42)", PrinterState.UNKNOWN),
    ("", PrinterState.UNKNOWN),
])
def test_each_octoprint_state_text_maps_to_one_canonical_state(text: str, expected: PrinterState) -> None:
    assert state_from_text(text) is expected


def test_every_state_in_the_table_is_a_printer_state() -> None:
    assert all(isinstance(state, PrinterState) for state in STATE_TABLE.values())


# --- status ----------------------------------------------------------------------------

def test_status_reports_state_file_name_and_completion(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("GET", "/api/job", job_answer("Printing", "job-7.gcode", 42.5))

    status = octoprint.driver.status()

    assert (status.state, status.raw_state) == (PrinterState.PRINTING, "Printing")
    assert (status.file_name, status.completion, status.error) == ("job-7.gcode", 42.5, None)
    assert octoprint.requests[0].headers["X-Api-Key"] == KEY


def test_status_carries_octoprint_error_text_in_an_error_state(octoprint: ScriptedOctoPrint) -> None:
    answer = {"state": "Offline after error", "error": "Too many consecutive timeouts",
              "job": {"file": {"name": None}}, "progress": {"completion": None}}
    octoprint.on("GET", "/api/job", httpx.Response(200, json=answer))

    status = octoprint.driver.status()

    assert status.state is PrinterState.ERROR
    assert status.error == "Too many consecutive timeouts"


def test_status_of_an_unreachable_host_is_offline_with_a_reason(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("GET", "/api/job", refused())

    status = octoprint.driver.status()

    assert status.state is PrinterState.OFFLINE
    assert "cannot reach OctoPrint at http://printer.test:5000" in (status.error or "")


def test_status_after_a_read_timeout_is_offline_not_an_exception(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("GET", "/api/job", httpx.ReadTimeout("timed out"))

    assert octoprint.driver.status().state is PrinterState.OFFLINE


def test_status_with_a_refused_api_key_is_offline_and_names_the_key(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("GET", "/api/job", httpx.Response(403, json={"error": "Forbidden"}))

    status = octoprint.driver.status()

    assert status.state is PrinterState.OFFLINE
    assert "API key" in (status.error or "")


@pytest.mark.parametrize("answer", [
    httpx.Response(200, text="<html>Starting up</html>"),
    httpx.Response(200, json=["not", "a", "job"]),
    httpx.Response(200, json={"state": "Printing", "progress": {"completion": "lots"}}),
    httpx.Response(503, text="Service Unavailable"),
])
def test_status_from_an_answer_that_is_not_octoprint_job_json_is_offline(
        octoprint: ScriptedOctoPrint, answer: httpx.Response) -> None:
    octoprint.on("GET", "/api/job", answer)

    status = octoprint.driver.status()

    assert status.state is PrinterState.OFFLINE and status.error


# --- upload and start ------------------------------------------------------------------

def test_upload_sends_the_file_without_overwrite_and_with_the_job_id(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("POST", "/api/files/local", upload_answer("job-7.gcode", effective_print=True))

    result = octoprint.driver.upload_and_start("job-7.gcode", b"G4 P10\n", job_id=7)

    assert (result.started, result.file_name) == (True, "job-7.gcode")
    body = octoprint.requests[0].read()
    assert b'name="file"; filename="job-7.gcode"' in body and b"G4 P10\n" in body
    for field, value in [("select", b"true"), ("print", b"true"), ("noOverwrite", b"true"),
                         ("userdata", json.dumps({"makernet_job": 7}).encode())]:
        assert f'name="{field}"'.encode() + b"\r\n\r\n" + value in body
    assert octoprint.requests[0].headers["X-Api-Key"] == KEY


def test_a_busy_printer_stores_the_upload_but_nothing_starts(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("POST", "/api/files/local", upload_answer("job-8.gcode", effective_print=False))
    octoprint.on("GET", "/api/job", job_answer("Printing", "job-7.gcode", 30.0))

    result = octoprint.driver.upload_and_start("job-8.gcode", b"G4 P10\n", job_id=8)

    assert result.started is False
    assert "not started" in result.detail and "Printing job-7.gcode" in result.detail


def test_an_idle_printer_that_does_not_start_the_upload_hints_at_permissions(
        octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("POST", "/api/files/local", upload_answer("job-8.gcode", effective_print=False))
    octoprint.on("GET", "/api/job", job_answer("Operational"))

    result = octoprint.driver.upload_and_start("job-8.gcode", b"G4 P10\n", job_id=8)

    assert result.started is False
    assert "may select files and print" in result.detail


def test_an_upload_whose_file_already_exists_starts_the_stored_file(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("POST", "/api/files/local", httpx.Response(
        409, json={"error": "File already exists and noOverwrite was set"}))
    octoprint.on("POST", "/api/files/local/job-7.gcode", httpx.Response(204))

    result = octoprint.driver.upload_and_start("job-7.gcode", b"G4 P10\n", job_id=7)

    assert (result.started, result.file_name) == (True, "job-7.gcode")
    assert octoprint.paths() == ["POST /api/files/local", "POST /api/files/local/job-7.gcode"]
    assert json.loads(octoprint.requests[1].content) == {"command": "select", "print": True}


def test_an_upload_of_the_file_being_printed_does_not_start_it_again(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("POST", "/api/files/local", httpx.Response(
        409, json={"error": "Trying to overwrite file that is currently being printed"}))
    octoprint.on("GET", "/api/job", job_answer("Printing", "job-7.gcode", 50.0))

    result = octoprint.driver.upload_and_start("job-7.gcode", b"G4 P10\n", job_id=7)

    assert result.started is False
    assert "Printing job-7.gcode" in result.detail


@pytest.mark.parametrize("failure", [
    httpx.ReadTimeout("timed out"),
    httpx.WriteTimeout("timed out"),
    httpx.RemoteProtocolError("Server disconnected without sending a response."),
    httpx.ReadError("[Errno 104] Connection reset by peer"),
])
def test_an_upload_cut_off_midway_is_an_ambiguous_outcome(octoprint: ScriptedOctoPrint,
                                                         failure: Exception) -> None:
    octoprint.on("POST", "/api/files/local", failure)

    with pytest.raises(AmbiguousOutcome, match="may have acted on it"):
        octoprint.driver.upload_and_start("job-7.gcode", b"G4 P10\n", job_id=7)


def test_a_server_error_during_upload_is_an_ambiguous_outcome(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("POST", "/api/files/local", httpx.Response(500, text="Internal Server Error"))

    with pytest.raises(AmbiguousOutcome):
        octoprint.driver.upload_and_start("job-7.gcode", b"G4 P10\n", job_id=7)


@pytest.mark.parametrize("failure", [refused(), httpx.ConnectTimeout("timed out")])
def test_an_upload_that_never_connected_means_unreachable(octoprint: ScriptedOctoPrint,
                                                         failure: Exception) -> None:
    octoprint.on("POST", "/api/files/local", failure)

    with pytest.raises(PrinterUnreachable, match="cannot reach OctoPrint"):
        octoprint.driver.upload_and_start("job-7.gcode", b"G4 P10\n", job_id=7)


@pytest.mark.parametrize("code", [401, 403])
def test_a_refused_api_key_is_a_rejection_that_says_so(octoprint: ScriptedOctoPrint, code: int) -> None:
    octoprint.on("POST", "/api/files/local", httpx.Response(code, json={"error": "Forbidden"}))

    with pytest.raises(PrinterRejected, match="refused the API key"):
        octoprint.driver.upload_and_start("job-7.gcode", b"G4 P10\n", job_id=7)


def test_a_201_without_the_effective_flags_is_an_ambiguous_outcome(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("POST", "/api/files/local", httpx.Response(201, json={"done": True}))

    with pytest.raises(AmbiguousOutcome):
        octoprint.driver.upload_and_start("job-7.gcode", b"G4 P10\n", job_id=7)


# --- start a stored file ---------------------------------------------------------------

def test_starting_a_stored_file_that_octoprint_accepts_is_started(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("POST", "/api/files/local/job 7.gcode", httpx.Response(204))

    assert octoprint.driver.start_stored("job 7.gcode").started is True
    assert octoprint.requests[0].url.raw_path == b"/api/files/local/job%207.gcode"


def test_starting_a_stored_file_on_a_busy_printer_is_not_started(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("POST", "/api/files/local/job-7.gcode", httpx.Response(
        409, json={"error": "Printer is already printing, cannot select a new file"}))
    octoprint.on("GET", "/api/job", job_answer("Offline"))

    result = octoprint.driver.start_stored("job-7.gcode")

    # OctoPrint's text says "already printing" even when the printer is disconnected.
    assert result.started is False
    assert result.detail.startswith("printer is Offline")


def test_starting_a_file_missing_from_the_printer_is_rejected(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("POST", "/api/files/local/job-7.gcode", httpx.Response(404, json={"error": "Not Found"}))

    with pytest.raises(PrinterRejected, match="not on the printer"):
        octoprint.driver.start_stored("job-7.gcode")


# --- cancel and version ----------------------------------------------------------------

@pytest.mark.parametrize("code", [204, 409])
def test_cancel_succeeds_whether_or_not_a_job_was_running(octoprint: ScriptedOctoPrint, code: int) -> None:
    octoprint.on("POST", "/api/job", httpx.Response(code))

    octoprint.driver.cancel()

    assert json.loads(octoprint.requests[0].content) == {"command": "cancel"}


def test_cancel_with_a_refused_api_key_raises(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("POST", "/api/job", httpx.Response(403, json={"error": "Forbidden"}))

    with pytest.raises(PrinterRejected):
        octoprint.driver.cancel()


def test_server_version_reads_the_octoprint_version(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("GET", "/api/version", httpx.Response(
        200, json={"api": "0.1", "server": "1.11.8", "text": "OctoPrint 1.11.8"}))

    assert octoprint.driver.server_version() == "1.11.8"


def test_server_version_of_a_host_that_is_down_is_unreachable(octoprint: ScriptedOctoPrint) -> None:
    octoprint.on("GET", "/api/version", httpx.Response(503, text="Service Unavailable"))

    with pytest.raises(PrinterUnreachable):
        octoprint.driver.server_version()


def test_a_driver_without_a_shared_client_reports_a_closed_port_as_unreachable() -> None:
    # A port nobody listens on; this exercises the client each call opens for itself.
    closed = f"http://127.0.0.1:{free_port()}"
    driver = OctoPrintDriver(MachineConnection("octoprint", closed, KEY, timeout=2))

    with pytest.raises(PrinterUnreachable):
        driver.server_version()
    assert driver.status().state is PrinterState.OFFLINE


def test_a_machine_without_url_cannot_get_an_octoprint_driver() -> None:
    with pytest.raises(PrinterError, match="no URL"):
        OctoPrintDriver(MachineConnection("octoprint"))


# --- registry and manual work centres --------------------------------------------------

def test_the_registry_builds_the_driver_a_machine_names() -> None:
    assert isinstance(driver_for(MachineConnection("octoprint", URL, KEY)), OctoPrintDriver)
    assert isinstance(driver_for(MachineConnection("manual")), ManualDriver)
    assert {"octoprint", "manual"} <= set(available_drivers())


def test_an_unknown_driver_name_is_a_readable_error() -> None:
    with pytest.raises(PrinterError, match="unknown machine driver 'bambu'.*manual, moonraker, octoprint"):
        driver_for(MachineConnection("bambu"))


def test_two_classes_cannot_share_one_driver_name() -> None:
    with pytest.raises(ValueError, match="already taken"):
        register("manual")(OctoPrintDriver)


def test_a_manual_work_centre_is_always_ready_and_accepts_every_job() -> None:
    driver = ManualDriver(MachineConnection("manual"))

    result = driver.upload_and_start("plate-3.gcode", b"", job_id=3)

    assert (result.started, result.file_name) == (True, "plate-3.gcode")
    assert "operator reports counts" in result.detail
    status = driver.status()
    assert (status.state, status.raw_state) == (PrinterState.READY, "manual")
    driver.cancel()
