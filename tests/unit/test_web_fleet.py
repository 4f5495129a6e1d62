"""An operator connects an OctoPrint printer from the place page; nobody else can."""
from __future__ import annotations

import pytest

from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, ApiClient
from tests.support.pages import Pages, text_of
from tests.support.snapshots import row_counts


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def fablab(api: ApiClient) -> dict:
    return next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "FabLab La Rochelle")


def test_an_operator_asks_a_printer_for_its_key_from_the_place_page(pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    lab = fablab(api)
    pages.sign_in(OPERATOR)
    html = pages.get(f"/places/{lab['id']}")
    assert "Raccorder une imprimante" in html
    answer = pages.post(f"/places/{lab['id']}/printers", {"name": "Prusa atelier", "url": "http://192.168.1.20:5000",
                                                          "printer_profile": "prusa-mk3", "octoprint_user": "yann"})
    assert answer.status_code == 302
    page = text_of(pages.get(f"/places/{lab['id']}"))
    assert "acceptez « MakerNet »" in page and "en attente d'accord dans OctoPrint" in page
    (payload,), = app.extensions["makernet"].tasks.take("onboard_printer")
    assert payload["url"] == "http://192.168.1.20:5000" and payload["user"] == "yann"


def test_a_bad_address_is_refused_with_its_reason_and_nothing_is_written(pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    lab = fablab(api)
    pages.sign_in(OPERATOR)
    pages.get(f"/places/{lab['id']}")
    before = row_counts(app)
    answer = pages.post(f"/places/{lab['id']}/printers", {"name": "X", "url": "imprimante-du-fond",
                                                          "printer_profile": "prusa-mk3"})
    assert answer.status_code == 302
    assert "adresse" in text_of(pages.get(f"/places/{lab['id']}")).lower()
    assert row_counts(app) == before and app.extensions["makernet"].tasks.sent == []


def test_another_places_operator_cannot_connect_a_printer_there(pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    lab = fablab(api)
    pages.sign_in(OTHER_OPERATOR)
    pages.get("/places", status=302)  # an operator goes straight to their own place
    before = row_counts(app)
    pages.post(f"/places/{lab['id']}/printers", {"name": "X", "url": "http://10.0.0.2", "printer_profile": "p"})
    assert row_counts(app) == before and app.extensions["makernet"].tasks.sent == []
