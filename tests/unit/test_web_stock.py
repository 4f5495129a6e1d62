"""Operators move stock through the pages: receipts, adjustments with a reason, scrap, transfers; the ledger filtered."""
from __future__ import annotations

import re

import pytest

from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, ApiClient
from tests.support.pages import Pages, errors_of, field_value, text_of
from tests.support.snapshots import row_counts


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def place_id(api: ApiClient, name: str) -> int:
    return next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == name)


def material(api: ApiClient, place: int, code: str) -> dict:
    return next(lv for lv in api.ok("get", f"/places/{place}/stock", COORDINATOR) if lv["code"] == code)


def test_the_stock_page_shows_levels_reservations_days_left_and_the_movement_forms(pages: Pages, api: ApiClient) -> None:
    place = place_id(api, "FabLab La Rochelle")
    pages.sign_in(OPERATOR)
    page = text_of(pages.get(f"/places/{place}/stock"))
    for words in ("Filament PLA", "Réservé", "Libre", "Jours restants", "Réception de matière",
                  "Ajustement après inventaire", "Mise au rebut", "Transfert vers un autre lieu", "stock d'ouverture"):
        assert words in page, words
    # every amount of the row with its unit: in stock, reserved, free, used a day
    assert re.search(r"Filament PLA [\d\s]+ g [\d\s]+ g [\d\s]+ g [\d\s,]+ g", page)


def test_an_operator_records_a_receipt_with_its_cost_and_it_shows_in_the_ledger(pages: Pages, api: ApiClient) -> None:
    place = place_id(api, "FabLab La Rochelle")
    pla = material(api, place, "pla")
    pages.sign_in(OPERATOR)
    pages.get(f"/places/{place}/stock")
    answer = pages.post(f"/places/{place}/stock/receipts", {"receipt-material_id": pla["material_id"],
                                                           "receipt-quantity": "5000", "receipt-cost": "99,50",
                                                           "receipt-reason": "don Plastiques Rochelais"})
    assert answer.status_code == 302
    assert material(api, place, "pla")["level"] == pla["level"] + 5000
    entry = api.ok("get", f"/places/{place}/ledger?material_id={pla['material_id']}", OPERATOR)[0]
    assert (entry["kind"], entry["cost_cents"], entry["reason"]) == ("receipt", 9950, "don Plastiques Rochelais")
    shown = text_of(pages.get(f"/places/{place}/stock?kind=receipt"))
    assert "don Plastiques Rochelais" in shown and "stock d'ouverture" in shown
    assert "don Plastiques Rochelais" not in text_of(pages.get(f"/places/{place}/stock?kind=scrap"))


def test_an_adjustment_without_a_reason_or_scrap_beyond_the_level_is_refused_in_place(
        pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    place = place_id(api, "FabLab La Rochelle")
    elastic = material(api, place, "elastique")
    pages.sign_in(OPERATOR)
    pages.get(f"/places/{place}/stock")
    before = row_counts(app)
    blank = pages.post(f"/places/{place}/stock/adjustments", {"adjustment-material_id": elastic["material_id"],
                                                             "adjustment-quantity": "-12", "adjustment-reason": ""})
    html = blank.get_data(as_text=True)
    assert blank.status_code == 422 and "motif" in errors_of(html, "adjustment-reason").lower()
    assert field_value(html, "adjustment-quantity") == "-12" and "<details class=\"card\" open" in html
    too_much = pages.post(f"/places/{place}/stock/scrap", {"scrap-material_id": elastic["material_id"],
                                                          "scrap-quantity": str(elastic["level"] + 1),
                                                          "scrap-reason": "élastiques cassants"})
    assert too_much.status_code == 422
    assert f"Il n'y en a que {elastic['level']} en stock" in errors_of(too_much.get_data(as_text=True), "scrap-quantity")
    assert row_counts(app) == before
    counted = pages.post(f"/places/{place}/stock/adjustments", {"adjustment-material_id": elastic["material_id"],
                                                               "adjustment-quantity": "-12",
                                                               "adjustment-reason": "inventaire du lundi"})
    assert counted.status_code == 302 and material(api, place, "elastique")["level"] == elastic["level"] - 12


def test_a_transfer_takes_out_here_and_puts_in_there_at_once(pages: Pages, api: ApiClient) -> None:
    here, there = place_id(api, "FabLab La Rochelle"), place_id(api, "Fab-lab de l'Aunis")
    pla_here, pla_there = material(api, here, "pla"), material(api, there, "pla")
    pages.sign_in(OPERATOR)
    pages.get(f"/places/{here}/stock")
    answer = pages.post(f"/places/{here}/stock/transfers", {"transfer-to_place_id": there,
                                                           "transfer-material_id": pla_here["material_id"],
                                                           "transfer-quantity": "2000", "transfer-reason": ""})
    assert answer.status_code == 302
    assert material(api, here, "pla")["level"] == pla_here["level"] - 2000
    assert material(api, there, "pla")["level"] == pla_there["level"] + 2000


def test_stock_pages_of_another_place_are_not_found_and_coordinators_only_transfer(pages: Pages, api: ApiClient) -> None:
    place = place_id(api, "FabLab La Rochelle")
    pages.sign_in(OTHER_OPERATOR)
    pages.get(f"/places/{place}/stock", status=404)
    pages.get("/plans", status=403)
    refused = pages.post(f"/places/{place}/stock/receipts", {"receipt-material_id": "1", "receipt-quantity": "5"})
    assert refused.status_code == 404
    pages.sign_in(COORDINATOR)
    page = text_of(pages.get(f"/places/{place}/stock"))
    assert "Transfert vers un autre lieu" in page and "Réception de matière" not in page
