"""Connecting a printer through OctoPrint's Application Keys flow, on a real OctoPrint."""
from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import create_engine, text

from makernet.services.secrets import reveal
from tests.support.api import OPERATOR, OTHER_OPERATOR, ApiClient
from tests.support.octoprint import ADMIN_USER, OctoPrintServer
from tests.support.processes import MakerNetInstallation

pytestmark = [pytest.mark.integration, pytest.mark.octoprint]


@pytest.fixture(scope="module")
def octoprint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OctoPrintServer]:
    """A real OctoPrint for the module's tests: each answers only the key requests its own installation made."""
    with OctoPrintServer(tmp_path_factory.mktemp("octoprint")).start() as printer:
        yield printer


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`makernet db upgrade` then `makernet demo`, run once for the module: each test gets a copy of the file."""
    inst = MakerNetInstallation(tmp_path_factory.mktemp("demo-instance"), printer_networks="127.0.0.0/8")
    for args in (("db", "upgrade"), ("demo",)):
        done = inst.run(*args)
        assert done.returncode == 0, done.stderr
    return inst.instance_dir / "makernet.sqlite3"


@pytest.fixture
def setup(tmp_path: Path, octoprint: OctoPrintServer, demo_data: Path) -> Iterator[tuple[MakerNetInstallation, OctoPrintServer, ApiClient]]:
    """The embedded default with demo data of its own, and a real OctoPrint this installation has not connected yet."""
    assert octoprint.request("GET", "/api/plugin/appkeys").json().get("pending", {}) == {}, "a key request left over"
    # OctoPrint runs on loopback here: listed, as the server's own addresses are refused otherwise
    inst = MakerNetInstallation(tmp_path / "instance", printer_networks="127.0.0.0/8")
    shutil.copy(demo_data, inst.instance_dir / "makernet.sqlite3")
    try:
        inst.serve()
        with httpx.Client(base_url=inst.url, timeout=20) as http:
            yield inst, octoprint, ApiClient(http)
    finally:
        inst.stop()


def fablab_id(api: ApiClient) -> int:
    return next(p["id"] for p in api.ok("get", "/places", OPERATOR) if p["name"] == "FabLab La Rochelle")


def wait_key(api: ApiClient, machine_id: int, status: str) -> dict:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        machine = api.ok("get", f"/machines/{machine_id}", OPERATOR)
        if machine["key_status"] == status:
            return machine
        time.sleep(0.3)
    raise AssertionError(f"key of machine {machine_id} never became {status}: {machine}")


def test_an_operator_connects_a_printer_approves_it_in_octoprint_and_the_key_is_stored_sealed(setup) -> None:  # noqa: ANN001
    inst, printer, api = setup
    machine = api.ok("post", f"/places/{fablab_id(api)}/printers", OPERATOR, status=201, json={
        "name": "Prusa atelier", "url": printer.url, "printer_profile": "prusa-mk3", "user": ADMIN_USER})
    assert (machine["key_status"], machine["active"]) == ("awaiting", False)

    assert printer.decide_key_requests(approve=True) == 1
    connected = wait_key(api, machine["id"], "stored")
    assert connected["active"] is True and "api_key" not in connected and "api_key" not in connected["settings"]

    check = api.ok("post", f"/machines/{machine['id']}/test-connection", OPERATOR)
    assert check["reachable"] is True and check["version"] == "1.11.8"
    assert check["status"]["raw_state"] == "Operational"

    engine = create_engine(f"sqlite:///{inst.instance_dir / 'makernet.sqlite3'}")
    with engine.connect() as connection:
        settings = connection.execute(text("SELECT driver_settings FROM machine WHERE id = :m"),
                                      {"m": machine["id"]}).scalar()
    engine.dispose()
    stored = json.loads(settings)["api_key"]   # the driver's settings, the key sealed among them
    key = reveal(SimpleNamespace(secret=inst.env["MAKERNET_SECRET_KEY"]), stored)
    assert stored.startswith("sealed:") and len(key) >= 20 and key not in stored
    keys = printer.request("GET", "/api/plugin/appkeys").json()["keys"]
    assert any(k["app_id"] == "MakerNet" for k in keys)
    answer = httpx.get(printer.url + "/api/version", headers={"X-Api-Key": key}, timeout=5)
    assert answer.status_code == 200  # the sealed key is OctoPrint's real key for MakerNet


def test_a_request_refused_in_octoprint_leaves_the_printer_unconnected_and_says_so(setup) -> None:  # noqa: ANN001
    _inst, printer, api = setup
    machine = api.ok("post", f"/places/{fablab_id(api)}/printers", OPERATOR, status=201, json={
        "name": "Prusa atelier", "url": printer.url, "printer_profile": "prusa-mk3", "user": ADMIN_USER})
    printer.decide_key_requests(approve=False)
    refused = wait_key(api, machine["id"], "refused")
    assert refused["active"] is False and refused["state_detail"] == "fleet.key_request_refused"


def test_bad_printer_addresses_and_other_places_are_refused(setup) -> None:  # noqa: ANN001
    _inst, printer, api = setup
    place = fablab_id(api)
    bad = api.call("post", f"/places/{place}/printers", OPERATOR,
                   json={"name": "X", "url": "ftp://printer", "printer_profile": "prusa-mk3"})
    assert bad.status_code == 422 and "address" in bad.json()["error"]["message"]
    assert bad.json()["error"]["code"] == "fleet.url_invalid"
    other = api.call("post", f"/places/{place}/printers", OTHER_OPERATOR,
                     json={"name": "X", "url": printer.url, "printer_profile": "prusa-mk3"})
    assert other.status_code == 404
    unreachable = api.ok("post", f"/places/{place}/printers", OPERATOR, status=201,
                         json={"name": "Éteinte", "url": "http://127.0.0.1:9", "printer_profile": "prusa-mk3"})
    refused = wait_key(api, unreachable["id"], "refused")
    assert refused["state_detail"] == "fleet.unreachable"   # worded for the page in makernet/messages/fleet.py


def test_an_address_with_a_path_or_outside_the_printer_networks_is_refused(setup) -> None:  # noqa: ANN001
    _inst, printer, api = setup
    place = fablab_id(api)
    with_path = api.call("post", f"/places/{place}/printers", OPERATOR,
                         json={"name": "X", "url": printer.url + "/api/version?", "printer_profile": "prusa-mk3"})
    assert with_path.status_code == 422 and with_path.json()["error"]["code"] == "fleet.url_not_bare"
    outside = api.call("post", f"/places/{place}/printers", OPERATOR,
                       json={"name": "X", "url": "http://192.168.1.20:5000", "printer_profile": "prusa-mk3"})
    assert outside.status_code == 422 and outside.json()["error"]["code"] == "fleet.address_not_allowed"
    assert all(m["name"] != "X" for m in api.ok("get", f"/places/{place}", OPERATOR)["machines"])
