"""Coordinators allocate part of a request to a place, seeing capacity and distance."""
from __future__ import annotations

import pytest

from tests.support.api import COORDINATOR, REQUESTER, ApiClient
from tests.support.pages import Pages, errors_of, text_of


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def test_a_coordinator_sees_the_allocation_screen_with_capacity_and_distance(pages: Pages, api: ApiClient) -> None:
    visor = next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    request = api.ok("post", "/requests", REQUESTER, {"needed_by": "2099-01-01", "delivery_point": "Rochefort",
                                                      "lines": [{"item_id": visor, "quantity": 50}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    pages.sign_in(COORDINATOR)
    page = text_of(pages.get(f"/requests/{request['id']}/allocate"))
    assert "FabLab La Rochelle" in page and "km" in page and "Capacité par jour" in page
    refused = pages.post(f"/requests/{request['id']}/allocate", {
        "request_line_id": str(request["lines"][0]["id"]), "place_id": "1", "quantity": "abc"})
    assert refused.status_code == 422 and errors_of(refused.get_data(as_text=True), "quantity")
    line = {"request_line_id": str(request["lines"][0]["id"]), "place_id": "1"}
    done = pages.post(f"/requests/{request['id']}/allocate", line | {"quantity": "50"}, follow_redirects=True)
    page = text_of(done.get_data(as_text=True))
    assert "50 unités proposées à FabLab La Rochelle (ordre n°" in page   # the place named, not "au lieu"
    assert "Toutes les unités de la demande sont proposées à des lieux." in page and "Proposer" not in page.split(
        "Toutes les unités")[1]
