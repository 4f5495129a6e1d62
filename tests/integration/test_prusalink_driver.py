"""The PrusaLink driver against a real PrusaLink 0.8.1 streaming to a simulated Prusa MK3S firmware.

Print starts are counted from the firmware's own record of the prints it received.
"""
from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from makernet.config import parse_networks
from makernet.services.printer_io import DispatchPlan, dispatch_on_printer
from printers.base import KEY_REFUSED, AmbiguousOutcome, MachineConnection, PrinterRejected, PrinterState
from printers.prusalink import PrusaLinkDriver
from tests.support.prusalink import PrusaLinkServer, gcode_lasting, print_starts
from tests.support.proxy import FaultyProxy
from tests.support.waiting import wait_for_status

pytestmark = [pytest.mark.integration, pytest.mark.prusalink]
LOOPBACK = parse_networks("127.0.0.1")


@pytest.fixture(scope="module")
def server() -> Iterator[PrusaLinkServer]:
    prusalink = PrusaLinkServer().start()
    yield prusalink
    prusalink.close()


@pytest.fixture
def driver(server: PrusaLinkServer) -> PrusaLinkDriver:
    """A driver for an idle printer: whatever an earlier test left running is stopped, and PrusaLink idle again."""
    if not server.running:
        server.start()
    if server.status()["printer"]["state"] in ("PRINTING", "PAUSED"):
        server.stop_job()
    server.wait_for_state("IDLE", "READY", timeout=20)
    return PrusaLinkDriver(MachineConnection("prusalink", server.url, server.api_key))


def test_an_uploaded_plate_starts_shows_progress_and_finishes_under_its_own_name(
        server: PrusaLinkServer, driver: PrusaLinkDriver) -> None:
    assert driver.server_version() == "0.8.1"
    assert driver.status().state is PrinterState.READY
    name = "makernet-job-1-visiere.gcode"
    started = driver.upload_and_start(name, gcode_lasting(3, "job 1"), 1)
    assert started.started and started.file_name == name
    running = wait_for_status(driver, lambda s: (s.completion or 0) > 10, 5)
    assert (running.state, running.raw_state, running.file_name) == (PrinterState.PRINTING, "PRINTING", name)
    done = wait_for_status(driver, lambda s: not s.state.is_busy, 10)
    assert (done.state, done.raw_state, done.file_name, done.completion) == (PrinterState.READY, "FINISHED", name, 100.0)
    assert print_starts(server, name) == 1


def test_a_start_while_printing_is_refused_and_an_existing_name_is_started_never_overwritten(
        server: PrusaLinkServer, driver: PrusaLinkDriver) -> None:
    first, second = "makernet-job-2-visiere.gcode", "makernet-job-3-visiere.gcode"
    assert driver.upload_and_start(first, gcode_lasting(4, "job 2"), 2).started
    refused = driver.upload_and_start(second, gcode_lasting(1, "job 3"), 3)
    assert not refused.started and f"PRINTING {first}" in refused.detail
    server.wait_for_state("IDLE", "READY", timeout=30)
    again = driver.upload_and_start(second, b"; another plate\n", 3)   # stored by the refused try: that copy starts
    assert again.started
    assert (server.gcodes_dir / second).read_bytes() == gcode_lasting(1, "job 3")
    wait_for_status(driver, lambda s: s.raw_state == "FINISHED", 10)
    assert print_starts(server, first) == 1 and print_starts(server, second) == 1


def test_a_stop_from_makernet_or_at_the_printer_ends_the_plate_stopped_and_is_harmless_when_idle(
        server: PrusaLinkServer, driver: PrusaLinkDriver) -> None:
    driver.cancel()   # nothing runs: no error
    for number, stop in ((4, driver.cancel), (5, server.cancel_on_host)):
        name = f"makernet-job-{number}-visiere.gcode"
        assert driver.upload_and_start(name, gcode_lasting(8, f"job {number}"), number).started
        wait_for_status(driver, lambda s: (s.completion or 0) > 5, 5)
        stop()
        stopped = wait_for_status(driver, lambda s: not s.state.is_busy, 5)
        assert (stopped.state, stopped.raw_state, stopped.file_name, stopped.completion) == (
            PrinterState.READY, "STOPPED", name, None)
        server.wait_for_state("IDLE", "READY", timeout=20)


def test_prusalink_restarted_mid_print_stops_the_plate_and_names_it_still(
        server: PrusaLinkServer, driver: PrusaLinkDriver) -> None:
    name = "makernet-job-6-visiere.gcode"
    # a print that outlasts PrusaLink's orderly shutdown on a loaded machine (about 20 s once in CI)
    assert driver.upload_and_start(name, gcode_lasting(90, "job 6"), 6).started
    wait_for_status(driver, lambda s: s.state is PrinterState.PRINTING, 5)
    server.restart()
    after = wait_for_status(driver, lambda s: s.state is PrinterState.READY, 20)
    assert after.file_name in (name, None) and after.completion is None, after   # not finished: the plate fails
    assert print_starts(server, name) == 1


def test_a_start_whose_answer_is_lost_is_settled_from_the_printer_and_never_sent_twice(
        server: PrusaLinkServer, driver: PrusaLinkDriver) -> None:
    proxy = FaultyProxy(server.port)   # type: ignore[arg-type]
    try:
        plan = DispatchPlan(job_id=7, machine_id=1, place_id=1, driver="prusalink", url=proxy.url,
                            api_key=server.api_key, timeout=2.0, file_name="makernet-job-7-visiere.gcode",
                            gcode=gcode_lasting(4, "job 7").decode())
        proxy.set_mode("mute-puts")
        with pytest.raises(AmbiguousOutcome):
            PrusaLinkDriver(plan.connection).upload_and_start(plan.file_name, plan.gcode.encode(), plan.job_id)
        proxy.set_mode("pass")
        wait_for_status(driver, lambda s: s.state is PrinterState.PRINTING, 10)
        with httpx.Client() as client:
            again = dispatch_on_printer(plan, LOOPBACK, client)   # the worker's next try reads the printer first
            assert again["outcome"] == "already_started", again
            wait_for_status(driver, lambda s: s.raw_state == "FINISHED", 10)
            assert dispatch_on_printer(plan, LOOPBACK, client)["outcome"] == "already_started"   # finished: too
        assert print_starts(server, plan.file_name) == 1
    finally:
        proxy.close()


def test_a_wrong_key_is_refused_by_name_and_an_unreachable_host_reads_offline(server: PrusaLinkServer) -> None:
    wrong = PrusaLinkDriver(MachineConnection("prusalink", server.url, "0" * 16))
    with pytest.raises(PrinterRejected) as refused:
        wrong.server_version()
    assert refused.value.reason == KEY_REFUSED
    assert (wrong.status().state, wrong.status().reason) == (PrinterState.OFFLINE, KEY_REFUSED)
    proxy = FaultyProxy(server.port)   # type: ignore[arg-type]
    try:
        proxy.set_mode("refuse")
        gone = PrusaLinkDriver(MachineConnection("prusalink", proxy.url, server.api_key, 1.0)).status()
        assert (gone.state, gone.reason) == (PrinterState.OFFLINE, "unreachable")
    finally:
        proxy.close()


def test_a_printer_unplugged_from_prusalink_reads_as_an_error_that_loses_the_print(
        server: PrusaLinkServer, driver: PrusaLinkDriver) -> None:
    server.firmware.unplug()
    try:
        lost = wait_for_status(driver, lambda s: s.state is PrinterState.ERROR, 10)
        assert lost.print_lost and lost.error
    finally:
        server.firmware.plug()
    wait_for_status(driver, lambda s: s.state is PrinterState.READY, 30)
