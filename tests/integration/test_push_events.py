"""Push events from a real OctoPrint trigger readings at once; a silent socket is replaced."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from printers.base import MachineConnection
from printers.push import PushListener
from tests.support.api import COORDINATOR, OPERATOR, REQUESTER, ApiClient
from tests.support.octoprint import OctoPrintServer, gcode_lasting
from tests.support.processes import MakerNetInstallation
from tests.support.proxy import FaultyProxy

pytestmark = [pytest.mark.integration, pytest.mark.octoprint]


def wait_until(check, timeout: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_a_finished_print_is_recorded_within_seconds_by_its_event_though_polls_are_a_minute_apart(tmp_path: Path) -> None:
    printer = OctoPrintServer(tmp_path / "octoprint").start()
    inst = MakerNetInstallation(tmp_path / "instance")
    inst.env["MAKERNET_POLL_INTERVAL"] = "60"  # beat polls once a minute: only events can be this quick
    try:
        assert inst.run("db", "upgrade").returncode == 0
        assert inst.run("demo", "--yes-load-demo-users", "--octoprint", printer.url,
                        "--api-key", printer.api_key).returncode == 0
        inst.serve()
        time.sleep(2)  # the listener opens its socket
        with httpx.Client(base_url=inst.url, timeout=20) as http:
            api = ApiClient(http)
            visor = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
            request = api.ok("post", "/requests", REQUESTER, json={
                "needed_by": "2099-01-01", "delivery_point": "Mairie", "lines": [{"item_id": visor["id"], "quantity": 10}]})
            api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
            place = next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "FabLab La Rochelle")
            order = api.ok("post", "/work-orders", COORDINATOR, json={
                "request_line_id": request["lines"][0]["id"], "place_id": place["id"], "quantity": 10})
            api.ok("post", f"/work-orders/{order['id']}/accept", OPERATOR, json={})
            (plate,) = api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)
            printer.wait_for_state("Printing", timeout=20)
            printer.wait_for_state("Operational", timeout=20)
            finished = time.monotonic()
            done = wait_until(lambda: api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)[0]["status"]
                              == "done", timeout=15)
            assert done, inst.log("serve")
            assert time.monotonic() - finished < 15 and plate["status"] in ("dispatching", "printing")
    finally:
        inst.stop()
        printer.close()


def test_a_socket_gone_silent_is_replaced_and_events_flow_again(tmp_path: Path) -> None:
    printer = OctoPrintServer(tmp_path / "octoprint").start()
    proxy = FaultyProxy(printer.port)
    events: list[str] = []
    seen = threading.Event()

    def on_event(_machine_id: int, event: str) -> None:
        events.append(event)
        if event == "PrintDone":
            seen.set()

    listener = PushListener(on_event, silence=2.0, retry=0.5)
    try:
        listener.follow({1: MachineConnection("octoprint", proxy.url, printer.api_key, 3.0)})
        assert wait_until(lambda: listener.connections == 1, 15)
        proxy.set_mode("freeze")  # the socket stays open but nothing more comes through
        time.sleep(4.0)           # longer than the silence allowed
        proxy.set_mode("pass")
        assert wait_until(lambda: listener.connections >= 2, 20), "the silent socket was not replaced"
        printer.request("POST", "/api/files/local", data={"select": "true", "print": "true"},
                        files={"file": ("push.gcode", gcode_lasting(1.0), "application/octet-stream")})
        assert seen.wait(20), f"no PrintDone after reconnection; events: {events}"
    finally:
        listener.close()
        proxy.close()
        printer.close()
