"""The Moonraker driver against a real Moonraker 0.11 server in front of a real (paced, MCU-less) Klippy.

Print starts are counted from Klippy's own log, which survives restarts of both processes.
"""
from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from makernet.config import parse_networks
from makernet.services.printer_io import DispatchPlan, dispatch_on_printer
from printers.base import KEY_REFUSED, AmbiguousOutcome, MachineConnection, PrinterRejected, PrinterState
from printers.moonraker import MoonrakerDriver
from printers.push import PushListener
from tests.support.waiting import wait_for_status
from tests.support.moonraker import MoonrakerServer, klipper_gcode_lasting, klippy_starts
from tests.support.proxy import FaultyProxy

pytestmark = [pytest.mark.integration, pytest.mark.moonraker]
LOOPBACK = parse_networks("127.0.0.1")


FAILED_BEFORE: dict[int, int] = {}   # per module server: the session's failed tests when its last test began


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Iterator[MoonrakerServer]:
    moonraker = MoonrakerServer(basedir=tmp_path_factory.mktemp("moonraker")).start()
    FAILED_BEFORE[id(moonraker)] = request.session.testsfailed
    yield moonraker
    moonraker.close()


@pytest.fixture
def driver(server: MoonrakerServer, request: pytest.FixtureRequest) -> MoonrakerDriver:
    """A driver for an idle printer: whatever an earlier test left running is cancelled; after a failed test, Klippy
    and Moonraker start again (as after a power cut), so that what a failure left on the printer fails no other."""
    if request.session.testsfailed > FAILED_BEFORE[id(server)]:
        server.stop()
        server.start()
    FAILED_BEFORE[id(server)] = request.session.testsfailed
    if server.print_stats()["state"] in ("printing", "paused"):
        server.request("POST", "/printer/print/cancel")
        server.wait_for(lambda r: r["status"]["print_stats"]["state"] not in ("printing", "paused"))
    return MoonrakerDriver(MachineConnection("moonraker", server.url, server.api_key))


def test_an_uploaded_plate_starts_shows_progress_and_completes_under_its_own_name(
        server: MoonrakerServer, driver: MoonrakerDriver) -> None:
    assert driver.server_version() == "0.11.0"
    assert driver.status().state is PrinterState.READY
    before = klippy_starts(server)
    started = driver.upload_and_start("makernet-job-1-visiere.gcode", klipper_gcode_lasting(3), 1)
    assert started.started and started.file_name == "makernet-job-1-visiere.gcode"
    running = wait_for_status(driver, lambda s: (s.completion or 0) > 10, 5)
    assert running.state is PrinterState.PRINTING and running.file_name == "makernet-job-1-visiere.gcode"
    done = wait_for_status(driver, lambda s: not s.state.is_busy, 10)
    assert (done.state, done.raw_state, done.completion, done.print_lost) == (PrinterState.READY, "complete", 100.0, False)
    assert done.file_name == "makernet-job-1-visiere.gcode"
    assert klippy_starts(server) - before == 1


def test_a_start_while_printing_is_refused_and_an_existing_name_is_never_overwritten(
        server: MoonrakerServer, driver: MoonrakerDriver) -> None:
    before = klippy_starts(server)
    assert driver.upload_and_start("makernet-job-2-visiere.gcode", klipper_gcode_lasting(4), 2).started
    refused = driver.upload_and_start("makernet-job-3-visiere.gcode", klipper_gcode_lasting(1), 3)
    assert not refused.started and "printing makernet-job-2-visiere.gcode" in refused.detail
    assert (server.data / "gcodes" / "makernet-job-3-visiere.gcode").exists()   # stored for a later start
    wait_for_status(driver, lambda s: not s.state.is_busy, 10)
    # the same name again (an earlier, ambiguous attempt stored it): the stored copy starts, not this upload
    again = driver.upload_and_start("makernet-job-3-visiere.gcode", b"; another plate\n", 3)
    assert again.started
    assert (server.data / "gcodes" / "makernet-job-3-visiere.gcode").read_bytes() == klipper_gcode_lasting(1)
    wait_for_status(driver, lambda s: not s.state.is_busy, 10)
    assert klippy_starts(server) - before == 2


def test_a_cancel_from_makernet_or_from_the_host_ends_the_plate_cancelled_and_is_harmless_when_idle(
        server: MoonrakerServer, driver: MoonrakerDriver) -> None:
    driver.cancel()   # nothing runs: no error
    for number, cancel in ((4, driver.cancel), (5, lambda: server.request("POST", "/printer/print/cancel"))):
        name = f"makernet-job-{number}-visiere.gcode"
        assert driver.upload_and_start(name, klipper_gcode_lasting(6), number).started
        wait_for_status(driver, lambda s: s.state is PrinterState.PRINTING, 5)
        cancel()
        stopped = wait_for_status(driver, lambda s: not s.state.is_busy, 5)
        assert (stopped.state, stopped.raw_state, stopped.file_name, stopped.completion) == (
            PrinterState.READY, "cancelled", name, None)


def test_klippy_restarted_mid_print_loses_the_plate_and_history_still_names_it(
        server: MoonrakerServer, driver: MoonrakerDriver) -> None:
    # a Moonraker started on a fresh database leaves its first job out of its history (seen with 0.11): when this
    # test is the module server's first print, a short plate first, as on a host that has printed before
    history = server.request("GET", "/server/history/list?limit=1").json()["result"]["jobs"]
    if not history:
        assert driver.upload_and_start("makernet-job-60-visiere.gcode", klipper_gcode_lasting(1), 60).started
        wait_for_status(driver, lambda s: s.state is PrinterState.READY and s.completion == 100.0, 20)
    assert driver.upload_and_start("makernet-job-6-visiere.gcode", klipper_gcode_lasting(8), 6).started
    wait_for_status(driver, lambda s: s.state is PrinterState.PRINTING, 5)
    server.restart_klippy()
    # Klippy may be ready again an instant before Moonraker closes the job in its history: until then the printer
    # reads ready with no file (a printing plate fails alike: "the printer no longer has this plate")
    after = wait_for_status(driver, lambda s: s.state is PrinterState.READY and s.print_lost, 20)
    assert after.file_name == "makernet-job-6-visiere.gcode" and after.print_lost, after
    assert after.raw_state in ("klippy_shutdown", "klippy_disconnect", "interrupted")


def test_moonraker_restarted_mid_print_leaves_the_print_running_to_its_end(
        server: MoonrakerServer, driver: MoonrakerDriver) -> None:
    before = klippy_starts(server)
    assert driver.upload_and_start("makernet-job-7-visiere.gcode", klipper_gcode_lasting(6), 7).started
    wait_for_status(driver, lambda s: s.state is PrinterState.PRINTING, 5)
    server.restart_moonraker()
    assert driver.status().state in (PrinterState.PRINTING, PrinterState.READY)
    done = wait_for_status(driver, lambda s: not s.state.is_busy, 15)
    assert (done.file_name, done.completion) == ("makernet-job-7-visiere.gcode", 100.0)
    assert klippy_starts(server) - before == 1


def test_a_start_whose_answer_is_lost_is_settled_from_the_printer_and_never_sent_twice(
        server: MoonrakerServer, driver: MoonrakerDriver) -> None:
    proxy = FaultyProxy(server.port)   # type: ignore[arg-type]
    try:
        plan = DispatchPlan(job_id=8, machine_id=1, place_id=1, driver="moonraker", url=proxy.url,
                            api_key=server.api_key, timeout=2.0, file_name="makernet-job-8-visiere.gcode",
                            gcode=klipper_gcode_lasting(4).decode())
        before = klippy_starts(server)
        proxy.set_mode("mute-posts")   # the upload reaches Moonraker, its answer never comes back
        with pytest.raises(AmbiguousOutcome):
            MoonrakerDriver(plan.connection).upload_and_start(plan.file_name, plan.gcode.encode(), plan.job_id)
        proxy.set_mode("pass")
        wait_for_status(driver, lambda s: s.state is PrinterState.PRINTING, 10)
        with httpx.Client() as client:
            again = dispatch_on_printer(plan, LOOPBACK, client)   # the worker's next try reads the printer first
            assert again["outcome"] == "already_started", again
            wait_for_status(driver, lambda s: not s.state.is_busy, 10)
            assert dispatch_on_printer(plan, LOOPBACK, client)["outcome"] == "already_started"   # finished: too
        assert klippy_starts(server) - before == 1
    finally:
        proxy.close()


def test_a_wrong_key_is_refused_by_name_and_a_trusted_client_needs_none(
        tmp_path, server: MoonrakerServer) -> None:  # noqa: ANN001
    wrong = MoonrakerDriver(MachineConnection("moonraker", server.url, "0" * 32))
    with pytest.raises(PrinterRejected) as refused:
        wrong.server_version()
    assert refused.value.reason == KEY_REFUSED
    read = wrong.status()
    assert (read.state, read.reason) == (PrinterState.OFFLINE, KEY_REFUSED)
    trusting = MoonrakerServer(basedir=tmp_path / "trusting", trusted=True).start()
    try:
        keyless = MoonrakerDriver(MachineConnection("moonraker", trusting.url, None))
        assert keyless.server_version() == "0.11.0" and keyless.status().state is PrinterState.READY
    finally:
        trusting.close()


def test_klippy_stopped_reads_offline_and_its_return_reads_ready(server: MoonrakerServer,
                                                                 driver: MoonrakerDriver) -> None:
    server._stop("klippy")
    gone = wait_for_status(driver, lambda s: s.state is PrinterState.OFFLINE, 10)
    assert gone.raw_state == "disconnected" and not gone.print_lost
    server.start_klippy()
    wait_for_status(driver, lambda s: s.state is PrinterState.READY, 30)


def test_pushed_notifications_arrive_as_a_plate_starts_and_ends(server: MoonrakerServer,
                                                               driver: MoonrakerDriver) -> None:
    heard: list[str] = []
    listener = PushListener(lambda _machine, event: heard.append(event), silence=3.0)
    try:
        listener.follow({1: MachineConnection("moonraker", server.url, server.api_key)})
        deadline = time.monotonic() + 10
        while "Connected" not in heard and time.monotonic() < deadline:
            time.sleep(0.05)
        heard.clear()
        assert driver.upload_and_start("makernet-job-9-visiere.gcode", klipper_gcode_lasting(2), 9).started
        wait_for_status(driver, lambda s: s.raw_state == "complete", 10)
        time.sleep(0.5)
        assert heard.count("notify_status_update") >= 2 and "notify_history_changed" in heard, heard
        time.sleep(4)   # longer than `silence`: Moonraker's own messages keep the socket alive
        assert listener.connections == 1
    finally:
        listener.close()
