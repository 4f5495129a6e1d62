"""A place's answer to work allocated by hand re-plans the rest — through the API on the demo territory."""
from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from makernet.models import Place
from tests.support.api import COORDINATOR, OPERATOR, REQUESTER, ApiClient

LA_ROCHELLE, AUNIS = "FabLab La Rochelle", "Fab-lab de l'Aunis"


def place_named(app, name: str) -> int:  # noqa: ANN001
    with app.extensions["makernet"].db.reading() as s:
        return s.exec(select(Place.id).where(Place.name == name)).one()


def visor_request(api: ApiClient, quantity: int) -> dict:
    """An approved request of visors for Rochefort, nearer Surgères (Aunis) than La Rochelle."""
    visor = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    request = api.ok("post", "/requests", REQUESTER, json={
        "needed_by": (date.today() + timedelta(days=10)).isoformat(), "delivery_point": "Mairie",
        "lines": [{"item_id": visor["id"], "quantity": quantity}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    return request


def by_hand(api: ApiClient, app, request: dict, place: str, quantity: int) -> dict:  # noqa: ANN001
    """The coordinator allocates part of the request's line to a place by hand."""
    return api.ok("post", "/work-orders", COORDINATOR, json={
        "request_line_id": request["lines"][0]["id"], "place_id": place_named(app, place), "quantity": quantity})


def proposed(api: ApiClient) -> list[dict]:
    return [o for o in api.ok("get", "/work-orders", COORDINATOR) if o["status"] == "proposed"]


def test_a_partial_acceptance_of_work_allocated_by_hand_re_plans_the_rest(app, api: ApiClient) -> None:  # noqa: ANN001
    order = by_hand(api, app, visor_request(api, 20), LA_ROCHELLE, 20)
    api.ok("post", f"/work-orders/{order['id']}/accept", OPERATOR, json={"quantity": 15})
    (rest,) = proposed(api)
    assert rest["quantity"] == 5 and rest["place_id"] == place_named(app, AUNIS) and rest["plan_run_id"]
    run = api.ok("get", "/plans", COORDINATOR)[0]
    assert run["trigger"] == "partial" and "acceptée en partie : 15 sur 20" in run["reason"]
