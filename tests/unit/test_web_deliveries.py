"""Deliveries through the pages: prepared to a collection point, picked up, delivered, its note printed;
the requester confirms or refuses from the page the note's QR code opens."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from tests.support.api import COORDINATOR, OPERATOR, OTHER_REQUESTER, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.support.pages import Pages, errors_of, text_of
from tests.support.snapshots import row_counts
from tests.unit.test_web_production import delivered_request, proposed_work


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def sewn_masks(api: ApiClient, quantity: int) -> dict:
    """Masks sewn and counted at the workshop, ready to leave: their work order."""
    order = proposed_work(api, "Atelier couture solidaire", "masque-tissu", quantity)
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    job = api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)[0]
    api.ok("post", f"/jobs/{job['id']}/report", SEWING_OPERATOR, {"units_made": quantity, "units_rejected": 0})
    return order


def test_an_operator_sends_units_to_a_collection_point_and_follows_them_to_the_door(pages: Pages, api: ApiClient) -> None:
    order = sewn_masks(api, 30)
    point = api.ok("post", "/collection-points", COORDINATOR, {
        "name": "Drive de la mairie", "address": "Parking Colbert, Rochefort", "departement": "17",
        "kind": "drive_through"})
    pages.sign_in(SEWING_OPERATOR)
    path = f"/places/{order['place_id']}/deliveries/new?request_id={order['request_id']}"
    assert "Drive de la mairie" in pages.get(path)
    line = f"line_{order['request_line_id']}"
    unnamed = pages.post(path, {line: "30", "mode": "collection_point", "collection_point_id": "0"})
    assert unnamed.status_code == 422
    assert "point de retrait" in errors_of(unnamed.get_data(as_text=True), "collection_point_id")
    sent = pages.post(path, {line: "30", "mode": "collection_point", "collection_point_id": str(point["id"])})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(f"/places/{order['place_id']}/deliveries")
    delivery = api.ok("get", f"/deliveries?request_id={order['request_id']}", SEWING_OPERATOR)[0]
    assert delivery["destination"] == "Drive de la mairie, Parking Colbert, Rochefort"
    listing = text_of(pages.get(f"/places/{order['place_id']}/deliveries"))
    assert f"Livraison n° {delivery['id']}" in listing and "Bon de livraison (PDF)" in listing
    assert pages.post(f"/deliveries/{delivery['id']}/pick-up",
                      {f"pickup{delivery['id']}-carrier_name": "Léa, coursière"}).status_code == 302
    assert pages.post(f"/deliveries/{delivery['id']}/delivered").status_code == 302
    done = api.ok("get", f"/deliveries/{delivery['id']}", SEWING_OPERATOR)
    assert (done["status"], done["carrier_name"]) == ("delivered", "Léa, coursière")
    again = pages.post(f"/deliveries/{delivery['id']}/delivered")
    assert again.status_code == 302
    assert "Déjà « Remise » : cette action n'est plus possible" in text_of(pages.get(again.headers["Location"]))


def test_the_delivery_note_prints_from_the_page_with_its_receipt_address(pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    request_id, delivery_id = delivered_request(api, app, quantity=12)
    pages.sign_in(SEWING_OPERATOR)
    answer = pages.client.get(f"/deliveries/{delivery_id}/note.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.get_data())).pages)
    assert "Bon de livraison" in text and "Masque tissu AFNOR S76-001" in text and f"n° {request_id}" in text
    pages.sign_in(OTHER_REQUESTER)
    assert pages.client.get(f"/deliveries/{delivery_id}/note.pdf").status_code == 404


def test_the_receipt_page_asks_a_signed_in_requester_of_that_organisation(pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    request_id, delivery_id = delivered_request(api, app, quantity=8)
    signed_out = pages.client.get(f"/deliveries/{delivery_id}/receipt")
    assert signed_out.status_code == 302 and "/login?next=" in signed_out.headers["Location"]
    asked = text_of(pages.get(signed_out.headers["Location"]))   # the sign-in page says what it leads to
    assert f"pour confirmer la réception de la livraison n° {delivery_id}" in asked
    assert "réception de la livraison" not in text_of(pages.get("/login"))
    pages.sign_in(OTHER_REQUESTER)
    pages.get(f"/deliveries/{delivery_id}/receipt", status=404)
    pages.sign_in(OPERATOR)
    pages.get(f"/deliveries/{delivery_id}/receipt", status=403)
    pages.sign_in(REQUESTER)
    page = text_of(pages.get(f"/deliveries/{delivery_id}/receipt"))
    assert "8 × Masque tissu AFNOR S76-001" in page and "Atelier couture solidaire" in page
    line_id = api.ok("get", f"/deliveries/{delivery_id}", REQUESTER)["lines"][0]["request_line_id"]
    blank = pages.post(f"/deliveries/{delivery_id}/receipt", {f"delivery{delivery_id}-receiver_name": "Mme Lefèvre",
                                                              f"delivery{delivery_id}-missing_{line_id}": ""})
    assert blank.status_code == 422   # a count the browser could not read comes back blank: never taken for 0
    assert "0 si rien ne manque" in text_of(blank.get_data(as_text=True))
    assert pages.post(f"/deliveries/{delivery_id}/receipt", {f"delivery{delivery_id}-receiver_name": "Mme Lefèvre",
                                                             f"delivery{delivery_id}-missing_{line_id}": "0"}
                      ).status_code == 302
    assert api.ok("get", f"/deliveries/{delivery_id}", REQUESTER)["receiver_name"] == "Mme Lefèvre"
    again = pages.post(f"/deliveries/{delivery_id}/receipt", {f"delivery{delivery_id}-receiver_name": "M. Autre",
                                                              f"delivery{delivery_id}-missing_{line_id}": "1"})
    assert again.status_code == 302   # sent again from another tab: said at the page's top, nothing changed
    said = text_of(pages.get(f"/deliveries/{delivery_id}/receipt"))
    assert f"La livraison n° {delivery_id} est déjà reçue : ce que vous venez d'envoyer n'a pas été enregistré." in said
    assert api.ok("get", f"/deliveries/{delivery_id}", REQUESTER)["receiver_name"] == "Mme Lefèvre"
    assert "Reçue par Mme Lefèvre." in text_of(pages.get(f"/deliveries/{delivery_id}/receipt"))


def test_a_requester_refuses_a_delivery_with_a_reason_and_sees_what_the_request_still_awaits(
        pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    request_id, delivery_id = delivered_request(api, app, quantity=10)
    pages.sign_in(REQUESTER)
    link = f"/deliveries/{delivery_id}/receipt?refuse=1#refuse"   # the request page's "Un problème ?" link
    assert link in pages.get(f"/requests/{request_id}").replace("&amp;", "&")
    assert '<details id="refuse" open' in pages.get(link.split("#")[0])   # it opens the refusal at once
    assert '<details id="refuse" open' not in pages.get(f"/deliveries/{delivery_id}/receipt")
    before = row_counts(app)
    blank = pages.post(f"/deliveries/{delivery_id}/refuse", {"refuse-reason": " "})
    html = blank.get_data(as_text=True)
    assert blank.status_code == 422 and "motif" in errors_of(html, "refuse-reason").lower()
    assert "<details id=\"refuse\" open" in html and row_counts(app) == before
    assert pages.post(f"/deliveries/{delivery_id}/refuse",
                      {"refuse-reason": "masques tachés"}).status_code == 302
    page = text_of(pages.get(f"/requests/{request_id}"))
    assert "Refusée : masques tachés" in page
    assert re.search(r"Masque tissu AFNOR S76-001 10 10 10 0 0 0", page), page   # still to receive first


def test_a_coordinator_opens_a_collection_point_in_the_territory_only(pages: Pages, app) -> None:  # noqa: ANN001
    pages.sign_in(COORDINATOR)
    pages.get("/collection-points")
    before = row_counts(app)
    outside = pages.post("/collection-points", {"name": "Drive de Bordeaux", "address": "Quai des Chartrons",
                                                "departement": "33", "kind": "drive_through"})
    assert outside.status_code == 422
    assert "votre territoire" in errors_of(outside.get_data(as_text=True), "departement")
    assert row_counts(app) == before
    assert pages.post("/collection-points", {"name": "Drive de Saintes", "address": "Place Bassompierre",
                                             "departement": "17", "kind": "drive_through",
                                             "opening_hours": "mardi 14h-17h"}).status_code == 302
    assert "Drive de Saintes" in text_of(pages.get("/collection-points"))


def test_a_requester_counts_units_damaged_at_receipt_and_the_place_sees_them_to_make_again(
        pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    request_id, delivery_id = delivered_request(api, app, quantity=8)
    line_id = api.ok("get", f"/deliveries/{delivery_id}", REQUESTER)["lines"][0]["request_line_id"]
    field = f"delivery{delivery_id}-missing_{line_id}"
    pages.sign_in(REQUESTER)
    page = pages.get(f"/requests/{request_id}")                    # the request page's form counts them too
    assert f'name="{field}"' in page and "Masque tissu AFNOR S76-001 : abîmées ou manquantes" in text_of(page)
    too_many = pages.post(f"/deliveries/{delivery_id}/receipt",
                          {f"delivery{delivery_id}-receiver_name": "Mme Lefèvre", field: "9"})
    assert too_many.status_code == 422 and errors_of(too_many.get_data(as_text=True), field) == "Entre 0 et 8."
    assert api.ok("get", f"/deliveries/{delivery_id}", REQUESTER)["status"] == "prepared"   # nothing changed
    assert pages.post(f"/deliveries/{delivery_id}/receipt",
                      {f"delivery{delivery_id}-receiver_name": "Mme Lefèvre", field: "2"}).status_code == 302
    page = text_of(pages.get(f"/deliveries/{delivery_id}/receipt"))
    assert "6 × Masque tissu AFNOR S76-001 · 2 abîmées ou manquantes" in page
    pages.sign_in(SEWING_OPERATOR)
    place_id = api.ok("get", f"/deliveries/{delivery_id}", SEWING_OPERATOR)["place_id"]
    assert "2 abîmées ou manquantes" in text_of(pages.get(f"/places/{place_id}/deliveries"))
