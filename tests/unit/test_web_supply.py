"""Supply requests through the pages: a place asks, the coordination answers with a supplier or a surplus."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, ApiClient
from tests.support.pages import Pages, errors_of, text_of
from tests.support.snapshots import row_counts

NEXT_WEEK = (date.today() + timedelta(days=7)).isoformat()


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def place_id(api: ApiClient, name: str) -> int:
    return next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == name)


def pla(api: ApiClient, place: int) -> dict:
    return next(lv for lv in api.ok("get", f"/places/{place}/stock", COORDINATOR) if lv["code"] == "pla")


def asked_for_pla(pages: Pages, api: ApiClient, quantity: int) -> tuple[int, int]:
    """The fab-lab asks for PLA through its page: (place id, supply request id)."""
    place = place_id(api, "FabLab La Rochelle")
    pages.sign_in(OPERATOR)
    pages.get(f"/places/{place}/supply")
    answer = pages.post(f"/places/{place}/supply", {"kind": "material", "material_id": pla(api, place)["material_id"],
                                                    "quantity": str(quantity), "needed_by": NEXT_WEEK})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return place, int(answer.headers["Location"].rsplit("/", 1)[1])


def test_a_place_asks_for_material_and_a_bad_request_is_refused_field_by_field(
        pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    place = place_id(api, "FabLab La Rochelle")
    pages.sign_in(OPERATOR)
    pages.get(f"/places/{place}/supply")
    before = row_counts(app)
    refused = pages.post(f"/places/{place}/supply", {"kind": "material", "material_id": pla(api, place)["material_id"],
                                                     "quantity": "", "needed_by": "2020-03-20"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "quantité" in errors_of(html, "quantity") and "passée" in errors_of(html, "needed_by")
    van = pages.post(f"/places/{place}/supply", {"kind": "transport", "description": ""})
    assert van.status_code == 422 and "Décrivez" in errors_of(van.get_data(as_text=True), "description")
    assert row_counts(app) == before
    _place, supply_id = asked_for_pla(pages, api, 6000)
    page = text_of(pages.get(f"/supply-requests/{supply_id}"))
    assert "Filament PLA" in page and "reste attendu : 6" in page.replace("\u202f", "")
    assert f"Demande d'approvisionnement n° {supply_id}" in text_of(pages.get(f"/places/{place}/supply"))


def test_the_coordination_sends_another_places_surplus_as_a_transfer(pages: Pages, api: ApiClient) -> None:
    place, supply_id = asked_for_pla(pages, api, 3000)
    aunis = place_id(api, "Fab-lab de l'Aunis")
    here, there = pla(api, place)["level"], pla(api, aunis)["level"]
    pages.sign_in(COORDINATOR)
    assert f"n° {supply_id}" in text_of(pages.get("/supply"))
    page = pages.get(f"/supply-requests/{supply_id}")
    assert "Fab-lab de l&#39;Aunis" in page or "Fab-lab de l'Aunis" in page
    too_much = pages.post(f"/supply-requests/{supply_id}/surplus", {"surplus-supplier_place_id": aunis,
                                                                   "surplus-quantity": str(there + 1)})
    assert too_much.status_code == 422
    assert "impossible d'en envoyer" in text_of(too_much.get_data(as_text=True))
    sent = pages.post(f"/supply-requests/{supply_id}/surplus", {"surplus-supplier_place_id": aunis,
                                                               "surplus-quantity": "", "surplus-answer": ""})
    assert sent.status_code == 302
    assert (pla(api, place)["level"], pla(api, aunis)["level"]) == (here + 3000, there - 3000)
    assert api.ok("get", f"/supply-requests/{supply_id}", COORDINATOR)["status"] == "fulfilled"


def test_an_outside_supplier_is_assigned_and_the_place_records_what_arrives(pages: Pages, api: ApiClient) -> None:
    place, supply_id = asked_for_pla(pages, api, 1000)
    pages.sign_in(COORDINATOR)
    pages.get(f"/supply-requests/{supply_id}")
    blank = pages.post(f"/supply-requests/{supply_id}/supplier", {"supplier-supplier_name": ""})
    assert blank.status_code == 422 and errors_of(blank.get_data(as_text=True), "supplier-supplier_name")
    assert pages.post(f"/supply-requests/{supply_id}/supplier",
                      {"supplier-supplier_name": "Plasturgie Charentaise"}).status_code == 302
    assert pages.post(f"/supply-requests/{supply_id}/answer",
                      {"answer-answer": "Livraison jeudi matin"}).status_code == 302
    level = pla(api, place)["level"]
    pages.sign_in(OPERATOR)
    page = text_of(pages.get(f"/supply-requests/{supply_id}"))
    assert "Plasturgie Charentaise" in page and "Livraison jeudi matin" in page
    assert pages.post(f"/supply-requests/{supply_id}/receipts",
                      {"receipt-quantity": "1000", "receipt-cost": "20"}).status_code == 302
    assert pla(api, place)["level"] == level + 1000
    assert api.ok("get", f"/supply-requests/{supply_id}", OPERATOR)["status"] == "fulfilled"
    pages.sign_in(OTHER_OPERATOR)
    pages.get(f"/supply-requests/{supply_id}", status=404)
