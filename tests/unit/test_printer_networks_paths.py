"""MAKERNET_PRINTER_NETWORKS on every path that reaches a printer: narrowed after a printer was stored, polls,
dispatches and push sockets never contact it, the operator sees why, its plates wait; a CSV import is refused."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import update
from sqlmodel import select

from makernet.config import load_settings, parse_networks
from makernet.models import Machine, Place
from makernet.services import fleet, printer_io, production
from makernet.services.context import Context
from makernet.services.fleet.queries import central_printers
from printers.base import MachineConnection
from tests.support.api import COORDINATOR, OPERATOR, ApiClient
from tests.support.fakes import PRINTERS, FakePrinter
from tests.support.loopback import LoopbackServer
from tests.support.snapshots import data_counts
from tests.support.waiting import wait_for
from tests.unit.test_production import accepted_order, jobs
from workers.site import own_networks, site_celery

LAN = "fake://10.20.3.4"
REASON = "fleet.outside_networks"   # the code pages word in the reader's language


def networks(app: Flask, listed: str) -> None:
    ctx = app.extensions["makernet"]
    ctx.settings = ctx.settings.with_overrides(printer_networks=parse_networks(listed))


@pytest.fixture
def lan_printer(app: Flask, printer: FakePrinter) -> Iterator[FakePrinter]:
    """The demo fab-lab's printer at 10.20.3.4, stored while 10.20.0.0/16 was the printer network."""
    networks(app, "10.20.0.0/16")
    PRINTERS[LAN] = printer
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(Machine).where(Machine.host == "fake://p1").values(host=LAN))
    yield printer
    del PRINTERS[LAN]


def machine_id(app: Flask) -> int:
    with app.extensions["makernet"].db.reading() as s:
        return s.exec(select(Machine.id).where(Machine.host == LAN)).one()


def test_a_poll_never_contacts_a_printer_outside_the_narrowed_networks_and_the_operator_sees_why(
        app: Flask, api: ApiClient, lan_printer: FakePrinter) -> None:
    ctx, machine = app.extensions["makernet"], machine_id(app)
    fleet.poll_machines(ctx, [machine])
    assert lan_printer.reads == 1 and api.ok("get", f"/machines/{machine}", OPERATOR)["state"] == "ready"

    networks(app, "10.99.0.0/16")
    fleet.poll_machines(ctx, [machine])
    assert lan_printer.reads == 1   # not asked again
    shown = api.ok("get", f"/machines/{machine}", OPERATOR)
    assert (shown["state"], shown["state_detail"]) == ("offline", REASON)

    networks(app, "10.20.0.0/16")
    fleet.poll_machines(ctx, [machine])
    assert lan_printer.reads == 2 and api.ok("get", f"/machines/{machine}", OPERATOR)["state"] == "ready"


def test_a_name_that_resolves_to_nothing_is_unreachable_for_a_poll_when_networks_are_set(
        app: Flask, api: ApiClient, printer: FakePrinter) -> None:
    ctx = app.extensions["makernet"]
    with ctx.db.reading() as s:
        machine = s.exec(select(Machine.id).where(Machine.host == "fake://p1")).one()
    networks(app, "10.20.0.0/16")
    fleet.poll_machines(ctx, [machine])   # "p1" resolves to nothing here
    assert printer.reads == 0
    assert api.ok("get", f"/machines/{machine}", OPERATOR)["state_detail"] == REASON


def test_a_dispatch_outside_the_networks_is_not_sent_and_the_plate_waits_then_prints_once(
        app: Flask, api: ApiClient, lan_printer: FakePrinter) -> None:
    ctx = app.extensions["makernet"]
    accepted_order(api)
    first = jobs(app)[0]
    assert first.status == "dispatching"

    networks(app, "10.99.0.0/16")
    assert production.dispatch_job(ctx, first.id) == "requeued"
    assert lan_printer.uploads == [] and lan_printer.reads == 0
    assert [j.status for j in jobs(app)] == ["queued", "queued"]
    shown = api.ok("get", f"/machines/{first.machine_id}", OPERATOR)
    assert (shown["state"], shown["state_detail"], shown["bed_clear"]) == ("offline", REASON, True)

    networks(app, "10.20.0.0/16")   # the admin widens it again: the next poll sends the same plate, once
    ctx.tasks.take("dispatch_job")
    fleet.poll_machines(ctx, [first.machine_id])
    assert ctx.tasks.take("dispatch_job") == [(first.id,)]
    assert production.dispatch_job(ctx, first.id) == "printing"
    assert production.dispatch_job(ctx, first.id) == "skipped"
    assert lan_printer.uploads == [first.upload_name]


def own_worker_with_work(app: Flask, api: ApiClient) -> tuple[Context, object]:
    """FabLab La Rochelle runs its own worker and has accepted work: the context and its first plate."""
    ctx = app.extensions["makernet"]
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Place).where(Place.name == "FabLab La Rochelle").values(site_worker=True))
    accepted_order(api)
    return ctx, jobs(app)[0]


def test_a_place_with_its_own_worker_gets_no_connection_this_installation_may_not_reach(
        app: Flask, api: ApiClient, lan_printer: FakePrinter) -> None:
    ctx, first = own_worker_with_work(app, api)
    ctx.tasks.sent.clear()

    networks(app, "10.99.0.0/16")
    assert production.dispatch_job(ctx, first.id) == "requeued"
    fleet.poll_printers(ctx)
    assert ctx.tasks.take("site_dispatch") == [] and ctx.tasks.take("site_poll") == []
    assert [j.status for j in jobs(app)] == ["queued", "queued"]
    assert api.ok("get", f"/machines/{first.machine_id}", OPERATOR)["state_detail"] == REASON
    assert lan_printer.reads == 0 and lan_printer.uploads == []

    networks(app, "10.20.0.0/16")
    fleet.poll_printers(ctx)
    (connections,), = ctx.tasks.take("site_poll")
    assert [c["url"] for c in connections] == [LAN]


def test_a_place_worker_checks_its_own_networks_before_reading_or_starting(
        app: Flask, api: ApiClient, lan_printer: FakePrinter) -> None:
    ctx, first = own_worker_with_work(app, api)
    production.dispatch_job(ctx, first.id)   # the central side may reach it: the plan goes out
    (plan,), = ctx.tasks.take("site_dispatch")
    fleet.poll_printers(ctx)
    (connections,), = ctx.tasks.take("site_poll")
    own_lan = parse_networks("192.168.1.0/24")   # the place's worker's own MAKERNET_PRINTER_NETWORKS

    report = printer_io.dispatch_on_printer(printer_io.DispatchPlan(**plan), own_lan)
    readings = printer_io.read_statuses(printer_io.connections_from_message(connections), own_lan)
    assert lan_printer.uploads == [] and lan_printer.reads == 0
    assert report == {"outcome": "unreachable", "detail": REASON, "status": None}
    assert (readings[0]["state"], readings[0]["reason"]) == ("offline", "outside_networks")   # its code once applied

    assert production.apply_outcome(ctx, first.id, report) == "requeued"   # what the central workers do with it
    assert [j.status for j in jobs(app)] == ["queued", "queued"]


def test_a_place_worker_takes_its_printer_networks_from_its_own_environment() -> None:
    broker = "amqps://place-3:secret@broker.example.org:5671/makernet"
    environment = {"MAKERNET_BROKER_URL": broker, "MAKERNET_PRINTER_NETWORKS": "192.168.1.0/24"}
    assert own_networks(site_celery(load_settings(environment), 3)) == parse_networks("192.168.1.0/24")
    assert own_networks(site_celery(load_settings({"MAKERNET_BROKER_URL": broker}), 3)) == ()


@pytest.fixture
def octoprint_at_loopback(app: Flask, printer: FakePrinter) -> Iterator[tuple[int, LoopbackServer]]:
    """The demo printer as an OctoPrint (push events) on this machine's loopback, stored while it was listed."""
    server = LoopbackServer(403, b"{}")
    networks(app, "127.0.0.1")
    with app.extensions["makernet"].db.transaction() as tx:
        found = tx.session.exec(select(Machine.id).where(Machine.host == "fake://p1")).one()
        tx.session.execute(update(Machine).where(Machine.id == found).values(driver="octoprint", host=server.url))
    yield found, server
    server.close()


def test_the_central_listener_leaves_out_a_printer_outside_the_narrowed_networks(
        app: Flask, octoprint_at_loopback: tuple[int, LoopbackServer]) -> None:
    ctx, (machine, server) = app.extensions["makernet"], octoprint_at_loopback
    assert list(central_printers(ctx)) == [machine]
    networks(app, "10.99.0.0/16")
    assert central_printers(ctx) == {}
    assert server.paths == []


def test_a_place_workers_listener_opens_no_socket_to_a_printer_outside_its_networks(
        octoprint_at_loopback: tuple[int, LoopbackServer]) -> None:
    machine, server = octoprint_at_loopback
    printers = [(machine, MachineConnection("octoprint", server.url, "key", 2.0))]
    try:
        assert printer_io.follow_pushes(printers, lambda readings: None, parse_networks("10.99.0.0/16")) == []
        assert printer_io.follow_pushes(printers, lambda readings: None, parse_networks("127.0.0.1")) == [machine]
        wait_for("its socket being opened", lambda: "/api/login" in server.paths, timeout=10)
        assert printer_io.follow_pushes(printers, lambda readings: None, parse_networks("10.99.0.0/16")) == []
    finally:
        printer_io.follow_pushes([], lambda readings: None, ())


def test_a_csv_of_machines_with_an_address_outside_the_networks_is_refused_by_row_and_imports_nothing(
        app: Flask, api: ApiClient) -> None:
    networks(app, "10.20.0.0/16")
    machines = "\n".join(["place;name;kind;octoprint_url", "FabLab La Rochelle;P1;fdm_printer;http://10.20.3.4:5000",
                          "FabLab La Rochelle;P2;fdm_printer;http://10.99.0.5:5000/",
                          "FabLab La Rochelle;P3;fdm_printer;http://127.0.0.1:5000",
                          "FabLab La Rochelle;P4;fdm_printer;http://printer.invalid"])
    before = data_counts(app)
    dry = upload(api, machines, dry_run=True).get_json()
    assert [(e["line"], e["code"], e["params"]) for e in dry["errors"]] == [
        (3, "import.address_not_allowed", {"host": "10.99.0.5"}), (4, "import.address_not_allowed", {"host": "127.0.0.1"}),
        (5, "import.address_not_allowed", {"host": "printer.invalid"})]
    assert dry["errors"][0]["reason"] == ("printer address: 10.99.0.5 is not in this installation's printer networks "
                                          "(or its name does not resolve here); see its administrator")
    refused = upload(api, machines, dry_run=False)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "body.import_refused"
    assert [d["line"] for d in refused.get_json()["details"]] == [3, 4, 5]
    assert data_counts(app) == before   # all rows or none

    networks(app, "10.0.0.0/8,127.0.0.1")
    good = "\n".join(machines.split("\n")[:4])
    assert upload(api, good, dry_run=False).get_json()["imported"] == 3


def upload(api: ApiClient, text: str, dry_run: bool):  # noqa: ANN201
    return api.call("post", f"/imports/machines?dry_run={str(dry_run).lower()}", COORDINATOR, data=text.encode(),
                    headers={"Content-Type": "text/csv"})
