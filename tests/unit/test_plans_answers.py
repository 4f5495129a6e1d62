"""A place's answer to work allocated by hand re-plans the rest, and the planner says truly why, with the capacity
the allocation page shows — through the API and the pages on the demo territory."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from makernet.models import Machine, Place
from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, REQUESTER, ApiClient
from tests.support.pages import Pages, text_of
from tests.support.runs import planned, run_posted_plans

LA_ROCHELLE, AUNIS = "FabLab La Rochelle", "Fab-lab de l'Aunis"


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


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
    assert run_posted_plans(app) == ["done"]
    (rest,) = proposed(api)
    assert rest["quantity"] == 5 and rest["place_id"] == place_named(app, AUNIS) and rest["plan_run_id"]
    run = api.ok("get", "/plans", COORDINATOR)[0]
    assert run["trigger"] == "partial" and run["reason"] == f"Proposal {order['id']} accepted in part: 15 of 20"


def test_a_decline_of_work_allocated_by_hand_re_plans_it_saying_the_place_declined(app, api) -> None:  # noqa: ANN001
    order = by_hand(api, app, visor_request(api, 20), AUNIS, 20)
    api.ok("post", f"/work-orders/{order['id']}/decline", OTHER_OPERATOR, json={"reason": "plus de filament"})
    assert run_posted_plans(app) == ["done"]
    (again,) = proposed(api)
    assert again["quantity"] == 20 and again["place_id"] == place_named(app, LA_ROCHELLE)
    assert api.ok("get", "/planning-rules", COORDINATOR) == []
    explanation = api.ok("get", f"/work-orders/{again['id']}", COORDINATOR)["explanation"]
    assert f"Nearer but not chosen: {AUNIS} (" in explanation and "declined this line" in explanation
    assert "coordination" not in explanation


def test_a_line_every_place_refused_is_left_naming_who_refused_not_the_coordination(app, api) -> None:  # noqa: ANN001
    request = visor_request(api, 20)
    order = by_hand(api, app, request, AUNIS, 20)
    api.ok("post", f"/work-orders/{order['id']}/decline", OTHER_OPERATOR, json={"reason": "plus de filament"})
    assert run_posted_plans(app) == ["done"]
    (again,) = proposed(api)
    api.ok("post", f"/work-orders/{again['id']}/accept", OPERATOR, json={"quantity": 5})
    assert run_posted_plans(app) == ["done"]
    (left,) = api.ok("get", "/plans", COORDINATOR)[0]["unplanned"]
    assert left["quantity"] == 15 and api.ok("get", "/planning-rules", COORDINATOR) == []
    assert left["reason"].startswith("No place that makes this item can take this line:")
    assert f"{LA_ROCHELLE} (accepted only part of this line)" in left["reason"]
    assert f"{AUNIS} (declined this line)" in left["reason"] and "coordination" not in left["reason"]


def test_a_coordinator_s_forbid_is_still_said_to_be_the_coordination_s(app, api: ApiClient) -> None:  # noqa: ANN001
    request = visor_request(api, 20)
    api.ok("post", "/planning-rules", COORDINATOR, json={
        "kind": "forbid", "request_line_id": request["lines"][0]["id"], "place_id": place_named(app, AUNIS)})
    assert run_posted_plans(app) == ["done"]
    (order,) = proposed(api)
    assert f"{AUNIS} (" in order["explanation"] and "kept off by the coordination" in order["explanation"]


def capacity_on_the_page(pages: Pages, request: dict, place: str) -> str:
    """The allocation page's capacity cell of a place, as a coordinator reads it."""
    pages.sign_in(COORDINATOR)
    page = text_of(pages.get(f"/requests/{request['id']}/allocate"))
    row = page[page.index(place + " "):]
    return row[row.index("Visière de protection :"):].split(")")[0] + ")"


@pytest.mark.parametrize("down", [0, 1])
def test_the_planner_quotes_the_capacity_and_printers_the_allocation_page_shows(app, api, pages, down) -> None:  # noqa: ANN001
    aunis = place_named(app, AUNIS)
    with app.extensions["makernet"].db.transaction() as tx:   # a printer of Aunis offline counts for neither
        printer = tx.session.exec(select(Machine.id).where(Machine.place_id == aunis)).first()
        tx.session.execute(update(Machine).where(Machine.id == printer).values(state="offline" if down else "ready"))
    request = visor_request(api, 20)
    shown = capacity_on_the_page(pages, request, AUNIS)
    printers = 2 - down
    expected = f"{20 * printers} ({printers} imprimante{'s' if printers > 1 else ''})"
    # 12 hours a printer (open 10, the last plate runs on): two 6-hour plates of 10 visors
    assert shown == f"Visière de protection : {expected}"
    assert capacity_on_the_page(pages, request, LA_ROCHELLE) == "Visière de protection : 80 (4 imprimantes)"
    planned(api, app)
    (order,) = proposed(api)
    assert order["place_id"] == aunis
    assert (f"Capacity of {AUNIS}: about {20 * printers} a day with {printers} "
            f"printer{'s' if printers > 1 else ''},") in order["explanation"]
