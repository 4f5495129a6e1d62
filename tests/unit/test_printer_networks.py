"""MAKERNET_PRINTER_NETWORKS: connecting or testing a printer outside the printer networks is refused, nothing written,
nothing contacted; the server's own loopback and link-local addresses only when listed."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import update
from sqlmodel import select

from makernet.config import load_settings, parse_networks
from makernet.errors import InvalidInput
from makernet.models import Machine
from tests.support.api import COORDINATOR, OPERATOR, ApiClient
from tests.support.snapshots import row_counts
from tests.support.loopback import LoopbackServer


def networks(app: Flask, listed: str) -> None:
    ctx = app.extensions["makernet"]
    ctx.settings = ctx.settings.with_overrides(printer_networks=parse_networks(listed))


def fablab(api: ApiClient) -> int:
    api.token(OPERATOR)  # the operator's API token exists before rows are counted
    return next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "FabLab La Rochelle")


def connect(api: ApiClient, url: str):  # noqa: ANN201
    return api.call("post", f"/places/{fablab(api)}/printers", OPERATOR,
                    json={"name": "Prusa atelier", "url": url, "printer_profile": "prusa-mk3"})


def test_the_printer_networks_are_read_once_from_the_environment() -> None:
    settings = load_settings({"MAKERNET_PRINTER_NETWORKS": "10.20.0.0/16, 192.168.1.7 ,fd00::/8"})
    assert [str(n) for n in settings.printer_networks] == ["10.20.0.0/16", "192.168.1.7/32", "fd00::/8"]
    assert load_settings({}).printer_networks == ()
    with pytest.raises(InvalidInput) as error:
        load_settings({"MAKERNET_PRINTER_NETWORKS": "10.0.0.0/33"})
    assert error.value.params["name"] == "MAKERNET_PRINTER_NETWORKS"


@pytest.mark.parametrize("url", ["http://192.168.1.20:5000/internal?x=1", "http://admin:secret@192.168.1.20:5000",
                                 "http://192.168.1.20:5000#top"])
def test_an_address_with_a_path_or_credentials_is_refused_and_nothing_is_written(app: Flask, api: ApiClient,
                                                                                   url: str) -> None:
    fablab(api)
    before = row_counts(app)
    answer = connect(api, url)
    assert answer.status_code == 422 and answer.json["error"]["code"] == "fleet.url_not_bare"
    assert "without path" in answer.json["error"]["message"]
    assert row_counts(app) == before and app.extensions["makernet"].tasks.sent == []


@pytest.mark.parametrize("url", ["http://192.168.1.20:5000", "http://printer.invalid:5000"])
def test_an_address_outside_the_printer_networks_is_refused_and_nothing_is_written(app: Flask, api: ApiClient,
                                                                                    url: str) -> None:
    networks(app, "10.20.0.0/16")
    fablab(api)
    before = row_counts(app)
    answer = connect(api, url)
    assert answer.status_code == 422 and answer.json["error"]["code"] == "fleet.address_not_allowed"
    assert "printer networks" in answer.json["error"]["message"]
    assert row_counts(app) == before and app.extensions["makernet"].tasks.sent == []
    assert connect(api, "http://10.20.3.4:5000").status_code == 201


@pytest.mark.parametrize("url", ["http://127.0.0.1:5000", "http://localhost:5000", "http://[::1]:5000",
                                 "http://169.254.169.254", "http://0.0.0.0:5000", "http://[::ffff:127.0.0.1]:80"])
def test_the_servers_own_addresses_are_refused_even_with_no_networks_set(app: Flask, api: ApiClient, url: str) -> None:
    fablab(api)
    before = row_counts(app)
    answer = connect(api, url)
    assert answer.status_code == 422 and answer.json["error"]["code"] == "fleet.address_not_allowed"
    assert row_counts(app) == before


def test_loopback_is_allowed_only_by_a_network_listed_inside_it(app: Flask, api: ApiClient) -> None:
    networks(app, "0.0.0.0/0")
    assert connect(api, "http://127.0.0.1:5001").status_code == 422
    networks(app, "127.0.0.0/8")
    assert connect(api, "http://127.0.0.1:5001").status_code == 201   # (on 5000 listens MakerNet itself)
    assert connect(api, "http://192.168.1.20:5000").status_code == 422


def test_with_no_networks_set_any_lan_address_is_accepted(app: Flask, api: ApiClient) -> None:
    assert connect(api, "http://192.168.1.20:5000").status_code == 201


def octoprint_machine_at(app: Flask, printer, url: str) -> int:  # noqa: ANN001 - the fixture
    with app.extensions["makernet"].db.transaction() as tx:
        machine_id = tx.session.exec(select(Machine.id).where(Machine.host == "fake://p1")).first()
        tx.session.execute(update(Machine).where(Machine.id == machine_id).values(driver="octoprint", host=url))
    return machine_id


@pytest.fixture
def internal() -> Iterator[LoopbackServer]:
    """Something listening on the server's own loopback."""
    server = LoopbackServer(200, b'{"server": "1.11.8"}')
    yield server
    server.close()


def test_testing_a_connection_outside_the_printer_networks_is_refused_and_the_host_never_contacted(
        app: Flask, api: ApiClient, printer, internal: LoopbackServer) -> None:  # noqa: ANN001
    machine_id = octoprint_machine_at(app, printer, internal.url)

    refused = api.call("post", f"/machines/{machine_id}/test-connection", OPERATOR)
    assert refused.status_code == 422 and refused.json["error"]["code"] == "fleet.address_not_allowed"
    networks(app, "10.0.0.0/8")
    assert api.call("post", f"/machines/{machine_id}/test-connection", OPERATOR).status_code == 422
    assert internal.paths == []

    networks(app, "127.0.0.1")
    tested = api.ok("post", f"/machines/{machine_id}/test-connection", OPERATOR)
    assert tested["reachable"] is True and tested["version"] == "1.11.8" and internal.paths[0] == "/api/version"


def test_asking_again_for_a_key_outside_the_printer_networks_is_refused(app: Flask, api: ApiClient,
                                                                         printer) -> None:  # noqa: ANN001
    machine_id = octoprint_machine_at(app, printer, "http://192.168.1.20:5000")
    networks(app, "10.0.0.0/8")
    answer = api.call("post", f"/machines/{machine_id}/request-key", OPERATOR, json={})
    assert answer.status_code == 422 and answer.json["error"]["code"] == "fleet.address_not_allowed"
    assert app.extensions["makernet"].tasks.sent == []
