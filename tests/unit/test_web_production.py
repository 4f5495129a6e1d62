"""Operators through the pages: proposed work, the queue per machine, batch counts, bed clear, deliveries."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.support.pages import Pages, errors_of, text_of
from tests.support.snapshots import row_counts

SOON = (date.today() + timedelta(days=10)).isoformat()


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def place_named(api: ApiClient, name: str) -> dict:
    return next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == name)


def item_coded(api: ApiClient, code: str) -> int:
    return next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == code)


def proposed_work(api: ApiClient, place: str, item: str, quantity: int) -> dict:
    """A request approved and allocated to a place: the work order it proposes."""
    request = api.ok("post", "/requests", REQUESTER, {
        "needed_by": SOON, "delivery_point": "Hôtel de ville, Rochefort",
        "lines": [{"item_id": item_coded(api, item), "quantity": quantity}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    return api.ok("post", "/work-orders", COORDINATOR, {
        "request_line_id": request["lines"][0]["id"], "place_id": place_named(api, place)["id"], "quantity": quantity})


def sewn_work(api: ApiClient, quantity: int) -> dict:
    """Masks proposed to the workshop, accepted and sewn: the work order, its units ready to ship."""
    order = proposed_work(api, "Atelier couture solidaire", "masque-tissu", quantity)
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    job = api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)[0]
    api.ok("post", f"/jobs/{job['id']}/report", SEWING_OPERATOR, {"units_made": quantity, "units_rejected": 0})
    return order


def delivered_request(api: ApiClient, app, quantity: int) -> tuple[int, int]:  # noqa: ANN001
    """Masks sewn, counted and sent: (request id, delivery id) waiting for the requester's receipt."""
    order = sewn_work(api, quantity)
    delivery = api.ok("post", "/deliveries", SEWING_OPERATOR, {
        "place_id": order["place_id"], "request_id": order["request_id"],
        "lines": [{"request_line_id": order["request_line_id"], "quantity": quantity}]})
    return order["request_id"], delivery["id"]


def test_an_operator_accepts_part_of_proposed_work_and_sees_its_plates_queued(pages: Pages, api: ApiClient) -> None:
    order = proposed_work(api, "FabLab La Rochelle", "visiere", 100)
    pages.sign_in(OPERATOR)
    assert f"Ordre n° {order['id']}" in text_of(pages.get("/work-orders"))
    too_many = pages.post(f"/work-orders/{order['id']}/accept", {f"accept{order['id']}-quantity": "500"})
    html = too_many.get_data(as_text=True)
    assert too_many.status_code == 422 and "Acceptez entre 1 et 100 unités." in text_of(html)
    assert 'value="500"' in html
    assert pages.post(f"/work-orders/{order['id']}/accept", {f"accept{order['id']}-quantity": "60"}).status_code == 302
    assert api.ok("get", f"/work-orders/{order['id']}", OPERATOR)["accepted_quantity"] == 60
    queue = text_of(pages.get(f"/places/{order['place_id']}/queue"))
    assert "plateau 1" in queue.lower() and "Visière de protection" in queue


def test_an_operator_declines_with_a_reason_or_is_told_to_give_one(pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    order = proposed_work(api, "FabLab La Rochelle", "visiere", 20)
    pages.sign_in(OPERATOR)
    before = row_counts(app)
    blank = pages.post(f"/work-orders/{order['id']}/decline", {f"decline{order['id']}-reason": ""})
    assert blank.status_code == 422
    assert "motif" in errors_of(blank.get_data(as_text=True), f"decline{order['id']}-reason").lower()
    assert row_counts(app) == before
    assert pages.post(f"/work-orders/{order['id']}/decline",
                      {f"decline{order['id']}-reason": "Imprimantes en panne"}).status_code == 302
    assert api.ok("get", f"/work-orders/{order['id']}", OPERATOR)["status"] == "declined"


def test_an_operator_cannot_see_another_places_queue(pages: Pages, api: ApiClient) -> None:
    theirs = place_named(api, "FabLab La Rochelle")
    pages.sign_in(OTHER_OPERATOR)
    assert "Page introuvable" in pages.get(f"/places/{theirs['id']}/queue", status=404)
    pages.get(f"/places/{theirs['id']}/stock", status=404)
    pages.get(f"/places/{theirs['id']}", status=404)


def test_the_live_queue_answers_htmx_with_the_machines_alone(pages: Pages, api: ApiClient) -> None:
    place = place_named(api, "FabLab La Rochelle")
    pages.sign_in(OPERATOR)
    answer = pages.client.get(f"/places/{place['id']}/queue", headers={"HX-Request": "true"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and html.lstrip().startswith('<div id="machines"') and "<html" not in html
    assert 'hx-trigger="every 5s' in html


def test_a_manual_batch_is_counted_from_the_queue_and_bad_counts_are_refused(pages: Pages, api: ApiClient) -> None:
    order = proposed_work(api, "Atelier couture solidaire", "masque-tissu", 30)
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    job = api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)[0]
    pages.sign_in(SEWING_OPERATOR)
    assert "Déclarer ce lot" in pages.get(f"/places/{order['place_id']}/queue")
    path = f"/jobs/{job['id']}/report?place_id={order['place_id']}"
    refused = pages.post(path, {"units_made": "40", "units_rejected": "0"})
    assert refused.status_code == 422 and "Unités fabriquées et rebutées : entre 0 et 30 au total." in text_of(
        refused.get_data(as_text=True))
    assert pages.post(path, {"units_made": "28", "units_rejected": "2"}).status_code == 302
    assert api.ok("get", f"/work-orders/{order['id']}", SEWING_OPERATOR)["units_made"] == 28
    queue = text_of(pages.get(f"/places/{order['place_id']}/queue"))   # the two rejects are to be sewn again
    assert "28 unités bonnes. 2 unités à refaire sont remises dans la file." in queue
    assert "Lot 2 — ordre n° %s : 2 × Masque tissu" % order["id"] in queue


def test_the_bed_clear_button_hands_the_printer_its_next_plate(pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    place = place_named(api, "FabLab La Rochelle")
    printer = place["machines"][0]
    pages.sign_in(OPERATOR)
    assert pages.post(f"/machines/{printer['id']}/bed-clear").status_code == 302
    assert api.ok("get", f"/machines/{printer['id']}", OPERATOR)["bed_clear"] is True
    pages.sign_in(OTHER_OPERATOR)
    pages.get("/work-orders")
    assert pages.post(f"/machines/{printer['id']}/bed-clear").status_code == 404


def test_an_operator_prepares_a_delivery_of_what_was_made(pages: Pages, api: ApiClient) -> None:
    order = sewn_work(api, 20)
    pages.sign_in(SEWING_OPERATOR)
    path = f"/places/{order['place_id']}/deliveries/new?request_id={order['request_id']}"
    assert "Livraison pour la demande" in text_of(pages.get(path))
    field = f"line_{order['request_line_id']}"
    refused = pages.post(path, {field: "25", "mode": "direct", "destination": "Mairie, salle 2"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Entre 0 et 20" in errors_of(html, field)
    assert "Mairie, salle 2" in html
    assert pages.post(path, {field: "20", "mode": "runner", "destination": ""}).status_code == 302
    assert api.ok("get", f"/requests/{order['request_id']}", REQUESTER)["status"] == "in_production"   # not gone yet
    (delivery,) = api.ok("get", f"/deliveries?request_id={order['request_id']}", SEWING_OPERATOR)
    api.ok("post", f"/deliveries/{delivery['id']}/pick-up", SEWING_OPERATOR, json={})
    assert api.ok("get", f"/requests/{order['request_id']}", REQUESTER)["status"] == "shipped"


def test_the_deliveries_page_keeps_the_carrier_named_and_leads_a_refused_delivery_to_a_new_one(
        pages: Pages, api: ApiClient) -> None:
    order = sewn_work(api, 20)
    pages.sign_in(SEWING_OPERATOR)
    here = f"/places/{order['place_id']}/deliveries"
    made = pages.get(f"/work-orders/{order['id']}")   # the order made leads to its delivery
    assert f'href="{here}/new?request_id={order["request_id"]}"' in made and "Livrer ce qui est fabriqué" in made
    pages.get(f"{here}/new?request_id={order['request_id']}")
    assert pages.post(f"{here}/new?request_id={order['request_id']}", {
        f"line_{order['request_line_id']}": "20", "mode": "direct", "destination": "",
        "carrier_name": "Jean Dupont"}).status_code == 302
    (delivery,) = api.ok("get", f"/deliveries?request_id={order['request_id']}", SEWING_OPERATOR)
    assert 'value="Jean Dupont"' in pages.get(here)   # the pick-up form starts from the carrier named
    api.ok("post", f"/deliveries/{delivery['id']}/refuse", REQUESTER, {"reason": "masques tachés"})
    html = pages.get(here)
    assert re.search(r"Refusée le \d+(er)? \w+\.? \d{4}, \d\d:\d\d : masques tachés", text_of(html))
    assert f'href="{here}/new?request_id={order["request_id"]}"' in html and "Préparer une nouvelle livraison" in html
    assert re.search(r'class="badge bad">Refusée à la réception<', html)   # not a request refused at triage
    pages.post("/language", {"locale": "en", "next": here})
    english = pages.get(here)
    assert re.search(r'class="badge bad">Refused on receipt<', english) and "Rejected" not in english
