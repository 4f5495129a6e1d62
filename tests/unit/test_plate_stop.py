"""An operator stops a printing plate from MakerNet: its printer is told to cancel, the plate then fails."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from makernet.config import parse_networks
from makernet.models import Job, Place
from makernet.models.base import utcnow
from makernet.services import fleet, printer_io, production
from printers.base import PrinterState
from tests.support.api import OPERATOR, OTHER_OPERATOR
from tests.support.pages import Pages, text_of
from tests.unit.test_production import accepted_order, jobs


def printing_plate(app) -> Job:  # noqa: ANN001
    """The first plate of the accepted order, sent to its printer and printing for a while already."""
    ctx = app.extensions["makernet"]
    first = jobs(app)[0]
    production.dispatch_job(ctx, first.id)
    with ctx.db.transaction() as tx:   # past the grace a plate has to be seen printing
        tx.session.execute(update(Job).where(Job.id == first.id).values(started_at=utcnow() - timedelta(minutes=5)))
    return jobs(app)[0]


def run_stop_task(app, message: dict) -> None:  # noqa: ANN001
    """What the worker does with the task: cancel on the printer, apply the reading that follows."""
    (machine_id, conn), = printer_io.connections_from_message([message])
    reading = printer_io.stop_on_printer(machine_id, conn, parse_networks(""))
    fleet.apply_readings(app.extensions["makernet"], [reading])


def test_the_operator_stops_a_printing_plate_and_it_fails_once_the_printer_cancelled_it(app, api, printer) -> None:  # noqa: ANN001
    accepted_order(api)
    plate = printing_plate(app)
    assert plate.status == "printing" and printer.state is PrinterState.PRINTING
    assert api.ok("post", f"/jobs/{plate.id}/stop", OPERATOR)["status"] == "printing"   # the printer decides
    (message,), = app.extensions["makernet"].tasks.take("site_stop")
    assert message["machine_id"] == plate.machine_id and message["api_key"] == "key"   # a central worker calls it
    run_stop_task(app, message)
    assert printer.state is PrinterState.READY
    stopped = next(j for j in api.ok("get", "/jobs", OPERATOR) if j["id"] == plate.id)
    assert (stopped["status"], stopped["outcome"]) == ("failed", "cancelled on the printer")
    assert api.call("post", f"/jobs/{plate.id}/stop", OPERATOR).status_code == 409   # failed: nothing to stop
    assert api.ok("post", f"/jobs/{plate.id}/retry", OPERATOR)["status"] == "queued"


def test_only_a_printing_plate_of_ones_own_place_can_be_stopped_and_a_refusal_changes_nothing(app, api, printer) -> None:  # noqa: ANN001
    accepted_order(api)
    plate = printing_plate(app)
    waiting = jobs(app)[1]
    refused = api.call("post", f"/jobs/{waiting.id}/stop", OPERATOR)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "job.not_stoppable"
    assert api.call("post", f"/jobs/{plate.id}/stop", OTHER_OPERATOR).status_code == 404
    assert app.extensions["makernet"].tasks.take("site_stop") == [] and printer.state is PrinterState.PRINTING


def test_at_a_place_with_its_own_worker_the_stop_goes_to_its_queue_without_the_key(app, api, printer) -> None:  # noqa: ANN001
    accepted_order(api)
    plate = printing_plate(app)
    ctx = app.extensions["makernet"]
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Place).where(Place.name == "FabLab La Rochelle").values(site_worker=True))
    api.ok("post", f"/jobs/{plate.id}/stop", OPERATOR)
    sent = [(args, queue) for (name, args), queue in zip(ctx.tasks.sent, ctx.tasks.queues) if name == "site_stop"]
    assert len(sent) == 1 and sent[0][1] is not None and sent[0][0][0]["api_key"] is None


def test_the_queue_page_offers_the_stop_for_a_printing_plate_and_says_what_follows(app, api, client, printer) -> None:  # noqa: ANN001
    accepted_order(api)
    plate = printing_plate(app)
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    place_id = next(p["id"] for p in api.ok("get", "/places", OPERATOR) if p["name"] == "FabLab La Rochelle")
    page = pages.get(f"/places/{place_id}/queue")
    assert "Arrêter l'impression" in text_of(page) and f"/jobs/{plate.id}/stop" in page
    name = api.ok("get", f"/machines/{plate.machine_id}", OPERATOR)["name"]   # the place page agrees
    (row,) = [text_of(r.split("</tr>")[0]) for r in pages.get(f"/places/{place_id}").split("<tr>")[1:]
              if r.startswith(f"<td>{name}</td>")]
    assert row.endswith("occupé"), row
    answer = pages.post(f"/jobs/{plate.id}/stop?place_id={place_id}")
    assert answer.status_code == 302
    assert "Arrêt demandé : l'imprimante annule le plateau" in text_of(pages.get(f"/places/{place_id}/queue"))
    assert len(app.extensions["makernet"].tasks.take("site_stop")) == 1


def test_a_failed_plate_waits_on_the_queue_page_to_be_printed_again_or_given_up_and_made_again(
        app, api, client, printer) -> None:  # noqa: ANN001
    order = accepted_order(api)
    plate = printing_plate(app)
    api.ok("post", f"/jobs/{plate.id}/stop", OPERATOR)
    (message,), = app.extensions["makernet"].tasks.take("site_stop")
    run_stop_task(app, message)
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    place_id = next(p["id"] for p in api.ok("get", "/places", OPERATOR) if p["name"] == "FabLab La Rochelle")
    page = pages.get(f"/places/{place_id}/queue")
    assert "En échec (1)" in text_of(page) and "annulé sur l'imprimante" in text_of(page)
    assert f"/jobs/{plate.id}/retry" in page and f"/jobs/{plate.id}/scrap" in page
    assert pages.post(f"/jobs/{plate.id}/scrap?place_id={place_id}").status_code == 302
    page = pages.get(f"/places/{place_id}/queue")
    assert "ses unités sont remises dans la file, à refaire" in text_of(page) and "En échec" not in text_of(page)
    plates = api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)
    again = max(plates, key=lambda p: p["id"])
    assert (again["status"], again["units"]) == ("queued", plate.units) and again["id"] != plate.id
    # a second decision on the same plate is refused on the page, and changes nothing
    pages.post(f"/jobs/{plate.id}/retry?place_id={place_id}")
    assert "seul un plateau en échec peut être relancé" in text_of(pages.get(f"/places/{place_id}/queue"))
    assert api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR) == plates
