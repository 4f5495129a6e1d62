"""Taking a printer out of its place: refused while it prints, its waiting plates handed to the place's other
printers of its profile, its key deleted, its history kept; the operator of the place or a coordinator may."""
from __future__ import annotations

from flask import Flask
from sqlmodel import select

from makernet.models import AuditEntry, Machine
from makernet.services import fleet, production
from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, ApiClient
from tests.support.fakes import PRINTERS, FakePrinter
from tests.support.pages import Pages, text_of
from tests.support.snapshots import row_counts
from tests.unit.test_production import accepted_order, jobs


def fake_printer(app: Flask) -> int:
    """The scripted printer of the `printer` fixture."""
    with app.extensions["makernet"].db.reading() as s:
        return s.exec(select(Machine.id).where(Machine.host == "fake://p1")).one()


def second_printer(app: Flask, place_id: int) -> int:
    """Another scripted printer of the same profile at the place, in service."""
    PRINTERS["fake://p2"] = FakePrinter()
    with app.extensions["makernet"].db.transaction() as tx:
        machine = Machine(place_id=place_id, name="Prusa 2 bis", kind="fdm_printer", driver="fake", host="fake://p2",
                          printer_profile="prusa-mk3")
        tx.session.add(machine)
        tx.session.flush()
        return machine.id


def machine(app: Flask, machine_id: int) -> Machine:
    with app.extensions["makernet"].db.reading() as s:
        return s.get(Machine, machine_id)


def removal_refused(app: Flask, api: ApiClient, code: str) -> None:
    """Removing the scripted printer is refused with a 409 and this code, and nothing changes."""
    before = row_counts(app)
    answer = api.call("delete", f"/machines/{fake_printer(app)}", OPERATOR)
    assert answer.status_code == 409 and answer.json["error"]["code"] == code
    assert row_counts(app) == before and machine(app, fake_printer(app)).removed_at is None


def first_plate_done(app: Flask, api: ApiClient, printer: FakePrinter) -> dict:
    """A 20-visor order accepted: its first plate printed and done, the second waiting for a clear bed."""
    ctx = app.extensions["makernet"]
    order = accepted_order(api)
    production.dispatch_job(ctx, jobs(app)[0].id)
    printer.finish()
    fleet.poll_machines(ctx, [fake_printer(app)])
    assert [j.status for j in jobs(app)] == ["done", "queued"]
    return order


def test_a_printer_printing_a_plate_cannot_be_removed(app: Flask, api: ApiClient, printer) -> None:  # noqa: ANN001
    accepted_order(api)
    production.dispatch_job(app.extensions["makernet"], jobs(app)[0].id)
    removal_refused(app, api, "fleet.machine_printing")


def test_a_removed_printer_hands_its_waiting_plates_to_another_and_loses_its_key(app: Flask, api: ApiClient,  # noqa: ANN001
                                                                                  printer) -> None:
    ctx = app.extensions["makernet"]
    order = first_plate_done(app, api, printer)
    other = second_printer(app, order["place_id"])
    removed = api.ok("delete", f"/machines/{fake_printer(app)}", OPERATOR)
    assert removed["removed"] is True and (removed["plates_moved"], removed["moved_to"]) == (1, ["Prusa 2 bis"])
    done, moved = jobs(app)
    assert (done.machine_id, done.status) == (fake_printer(app), "done")   # history keeps naming it
    assert (moved.machine_id, moved.status) == (other, "queued")
    gone = machine(app, fake_printer(app))
    assert gone.removed_at is not None and not gone.active and "api_key" not in gone.driver_settings
    place = api.ok("get", f"/places/{order['place_id']}", OPERATOR)
    assert fake_printer(app) not in [m["id"] for m in place["machines"]]
    with ctx.db.reading() as s:
        assert s.exec(select(AuditEntry).where(AuditEntry.entity == "machine", AuditEntry.to_state == "removed")).all()
    # removed for good: neither removed again, nor polled, nor asked for a key
    assert api.call("delete", f"/machines/{fake_printer(app)}", OPERATOR).status_code == 404
    assert api.call("post", f"/machines/{fake_printer(app)}/request-key", OPERATOR, json={}).status_code == 404
    ctx.tasks.sent.clear()
    fleet.poll_printers(ctx)
    polled = [machine_id for (ids,) in ctx.tasks.take("poll_machines") for machine_id in ids]
    assert other in polled and fake_printer(app) not in polled
    del PRINTERS["fake://p2"]


def test_removing_a_printer_from_the_place_page_says_which_printer_takes_its_waiting_plate(
        app: Flask, api: ApiClient, client, printer) -> None:  # noqa: ANN001
    order = first_plate_done(app, api, printer)
    second_printer(app, order["place_id"])
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    pages.get(f"/places/{order['place_id']}")
    assert pages.post(f"/places/{order['place_id']}/printers/{fake_printer(app)}/remove").status_code == 302
    page = text_of(pages.get(f"/places/{order['place_id']}"))
    assert "OctoPrint 1 est retirée du lieu. 1 plateau en attente passe à Prusa 2 bis." in page
    del PRINTERS["fake://p2"]


def test_a_printer_whose_plates_no_other_can_take_stays(app: Flask, api: ApiClient, printer) -> None:  # noqa: ANN001
    first_plate_done(app, api, printer)
    removal_refused(app, api, "production.plates_stranded")


def test_another_places_operator_cannot_remove_a_printer_but_a_coordinator_can(app: Flask, api: ApiClient,  # noqa: ANN001
                                                                                printer) -> None:
    api.token(OTHER_OPERATOR)
    before = row_counts(app)
    assert api.call("delete", f"/machines/{fake_printer(app)}", OTHER_OPERATOR).status_code == 404
    assert row_counts(app) == before
    assert api.ok("delete", f"/machines/{fake_printer(app)}", COORDINATOR)["removed"] is True


def test_the_operator_removes_a_printer_from_the_place_page(app: Flask, api: ApiClient, client) -> None:  # noqa: ANN001
    place_id = next(p["id"] for p in api.ok("get", "/places", OPERATOR) if p["name"] == "FabLab La Rochelle")
    connected = api.ok("post", f"/places/{place_id}/printers", OPERATOR, status=201, json={
        "name": "Ender du fond", "url": "http://192.168.1.30:5000", "printer_profile": "prusa-mk3"})
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    assert "Ender du fond" in text_of(pages.get(f"/places/{place_id}"))
    answer = pages.post(f"/places/{place_id}/printers/{connected['id']}/remove")
    assert answer.status_code == 302
    page = text_of(pages.get(f"/places/{place_id}"))
    assert "Ender du fond est retirée du lieu." in page
    assert "192.168.1.30" not in page and machine(app, connected["id"]).removed_at is not None


def test_the_delete_route_is_in_the_openapi_document(api: ApiClient, client) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    assert "delete" in document["paths"]["/machines/{machine_id}"]
