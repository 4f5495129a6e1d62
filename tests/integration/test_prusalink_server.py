"""The PrusaLink harness: a real PrusaLink 0.8.1 with a simulated MK3S behaves like a Prusa printer.

With MAKERNET_RECORD_PRUSALINK=tests/unit/data/prusalink these tests also record the answers of
/api/v1/status, /api/v1/job, /api/v1/info and /api/version in each state they reach.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.prusa_firmware import FIRMWARE_VERSION, SERIAL_NUMBER
from tests.support.prusalink import (
    PrusaLinkServer,
    gcode_lasting,
    print_starts,
    record_answers,
)

pytestmark = [pytest.mark.integration, pytest.mark.prusalink]


@pytest.fixture
def server() -> Iterator[PrusaLinkServer]:
    """A fresh PrusaLink and printer per test: starting one (about 1 s) beats waiting out the
    seconds PrusaLink keeps a FINISHED or STOPPED printer from taking a new print (11 s; 3 s in tests)."""
    with PrusaLinkServer() as prusalink:
        yield prusalink


def wait_for_progress(server: PrusaLinkServer, above: float, timeout: float = 10.0) -> dict[str, Any]:
    """Poll /api/v1/status until the job's progress passes `above`; return that answer."""
    deadline = time.monotonic() + timeout
    while True:
        status = server.status()
        if status.get("job", {}).get("progress", 0) > above:
            return status
        assert time.monotonic() < deadline, f"progress stuck: {status}"
        time.sleep(0.1)


def wait_for_starts(server: PrusaLinkServer, file_name: str, count: int, timeout: float = 10.0) -> None:
    """Wait until the printer has started `file_name` `count` times, and not more."""
    deadline = time.monotonic() + timeout
    while (starts := print_starts(server, file_name)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert starts == count, [(record.outcome, record.lines[:8]) for record in server.firmware.prints]


def test_it_comes_up_idle_and_answers_with_our_key(server: PrusaLinkServer) -> None:
    answers = record_answers(server, "idle")

    assert answers["status"]["body"]["printer"]["state"] == "IDLE"
    assert answers["status"]["body"]["printer"]["status_printer"] == {"ok": True, "message": "OK"}
    assert "job" not in answers["status"]["body"]
    assert answers["job"]["status_code"] == 204
    assert answers["version"]["body"]["firmware"] == FIRMWARE_VERSION
    assert answers["version"]["body"]["original"] == "PrusaLink I3MK3S"
    assert answers["info"]["body"]["serial"] == SERIAL_NUMBER
    assert answers["info"]["body"]["nozzle_diameter"] == 0.4
    assert server.ready_seconds is not None and server.ready_seconds < 10


def test_a_missing_key_asks_for_digest_and_a_wrong_key_is_forbidden(server: PrusaLinkServer) -> None:
    missing = httpx.get(f"{server.url}/api/v1/status")
    wrong = httpx.get(f"{server.url}/api/v1/status", headers={"X-Api-Key": server.api_key + "x"})

    assert missing.status_code == 401
    assert missing.headers["WWW-Authenticate"].startswith("Digest")
    assert wrong.status_code == 403
    assert wrong.text == "Bad X-Api-Key."


def test_an_upload_printed_after_upload_runs_to_finished(server: PrusaLinkServer) -> None:
    gcode = gcode_lasting(3, label="finished")

    uploaded = server.upload("calibration cube.gcode", gcode, print_after=True)

    assert uploaded.status_code == 201
    printing = wait_for_progress(server, above=0)
    assert printing["printer"]["state"] == "PRINTING"
    job = server.job()
    assert job is not None
    assert job["state"] == "PRINTING"
    assert job["id"] == printing["job"]["id"]
    assert job["file"]["name"] == job["file"]["display_name"] == "calibration cube.gcode"
    assert job["file"]["path"] == "/PrusaLink gcodes/calibration cube.gcode"
    record_answers(server, "printing")
    later = wait_for_progress(server, above=printing["job"]["progress"])
    assert later["job"]["id"] == printing["job"]["id"]

    finished = server.wait_for_state("FINISHED", timeout=10)
    assert "job" not in finished
    assert server.job() is None  # the job is gone at once; only the legacy /api/job keeps the file
    assert server.request("GET", "/api/job").json()["job"]["file"]["name"] == "calibration cube.gcode"
    record_answers(server, "finished")
    assert server.start_print("calibration cube.gcode").status_code == 409  # not before IDLE, a few seconds on
    assert server.upload("calibration cube.gcode", gcode).status_code == 409
    assert print_starts(server, "calibration cube.gcode") == 1
    assert [record.outcome for record in server.firmware.prints] == ["finished"]


def test_a_print_paused_then_stopped_through_the_api_ends_stopped(server: PrusaLinkServer) -> None:
    assert server.upload("stop me.gcode", gcode_lasting(20, label="stop me")).status_code == 201
    server.wait_for_file("stop me.gcode")
    assert server.start_print("stop me.gcode").status_code == 204
    job_id = wait_for_progress(server, above=0)["job"]["id"]

    assert server.request("PUT", f"/api/v1/job/{job_id}/pause").status_code == 204
    paused = server.wait_for_state("PAUSED")
    assert paused["job"]["id"] == job_id
    record_answers(server, "paused")
    assert server.request("PUT", f"/api/v1/job/{job_id}/resume").status_code == 204
    server.wait_for_state("PRINTING")
    assert server.request("DELETE", f"/api/v1/job/{job_id + 1}").status_code == 404
    assert server.stop_job(job_id).status_code == 204

    stopped = server.wait_for_state("STOPPED")
    assert "job" not in stopped
    record_answers(server, "stopped")
    assert server.stop_job(job_id).status_code == 409
    assert print_starts(server, "stop me.gcode") == 1
    assert [record.outcome for record in server.firmware.prints] == ["stopped"]


def test_a_print_stopped_at_the_printer_ends_stopped(server: PrusaLinkServer) -> None:
    assert server.upload("host stop.gcode", gcode_lasting(20, label="host stop"), print_after=True).status_code == 201
    wait_for_progress(server, above=0)

    server.cancel_on_host()

    server.wait_for_state("STOPPED", timeout=5)
    assert print_starts(server, "host stop.gcode") == 1
    assert [record.outcome for record in server.firmware.prints] == ["stopped"]


def test_a_restart_mid_print_stops_the_print_and_comes_back_idle(server: PrusaLinkServer) -> None:
    # long enough that only the restart can end it (when PrusaLink once never heard its SIGINT, a print of 20 s ran
    # to its end while the harness waited to kill it)
    assert server.upload("restarted.gcode", gcode_lasting(90, label="restarted"), print_after=True).status_code == 201
    job_id = wait_for_progress(server, above=0)["job"]["id"]

    began = time.monotonic()
    server.restart()
    took = time.monotonic() - began

    assert server.status()["printer"]["state"] == "IDLE"
    assert server.job() is None
    assert [record.outcome for record in server.firmware.prints] == ["stopped"], f"the restart took {took:.1f} s"
    assert server.start_print("restarted.gcode").status_code == 204
    assert wait_for_progress(server, above=0)["job"]["id"] == job_id + 1
    # PrusaLink may show the printer's progress of the stopped print before the new lines reach it
    wait_for_starts(server, "restarted.gcode", 2)


def test_uploads_keep_their_names_and_refuse_to_overwrite(server: PrusaLinkServer) -> None:
    name = "Ünïcode part (v2) – final.gcode"
    assert server.upload(name, b"G28\n").status_code == 201
    server.wait_for_file(name)
    listed = server.request("GET", "/api/v1/files/local").json()["children"]

    again = server.request("PUT", f"/api/v1/files/local/{name}", content=b"G28\n",
                           headers={"Content-Type": "text/x.gcode", "Accept": "application/json"})

    assert [child["name"] for child in listed] == [name]
    assert again.status_code == 409
    assert again.json()["title"] == "File Already Exists"
    assert server.upload(name, b"G1 X5\n", overwrite=True).status_code == 201
    assert (server.gcodes_dir / name).read_bytes() == b"G1 X5\n"
    assert server.upload("50% infill.gcode", b"G28\n").status_code == 400  # '%' is forbidden
    assert server.request("PUT", "/api/v1/files/local/raw.gcode", content=b"G28\n",
                          headers={"Content-Type": "application/octet-stream"}).status_code == 500


def test_an_unplugged_printer_is_an_error_until_plugged_back(server: PrusaLinkServer) -> None:
    server.firmware.unplug()

    error = server.wait_for_state("ERROR", timeout=5)
    assert error["printer"]["status_printer"] == {"ok": False, "message": "Serial device does not exist"}
    record_answers(server, "disconnected")
    server.firmware.plug()
    server.wait_for_state("IDLE", timeout=10)
