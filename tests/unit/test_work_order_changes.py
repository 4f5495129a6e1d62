"""A coordinator brings accepted or proposed work down, or calls it off: what no machine has begun goes back to
planning at once, what has begun stays with the place, and the place reads why — through the API, on the demo."""
from __future__ import annotations

import pytest

from tests.support.api import COORDINATOR, OPERATOR, ApiClient
from tests.support.pages import Pages, text_of
from tests.support.runs import run_posted_plans
from tests.unit.test_plans_answers import AUNIS, LA_ROCHELLE, by_hand, place_named, proposed, visor_request


def accepted(api: ApiClient, app, quantity: int) -> dict:  # noqa: ANN001
    """Visors allocated to La Rochelle by hand and accepted: its four printers each take a plate of ten at once."""
    order = by_hand(api, app, visor_request(api, quantity), LA_ROCHELLE, quantity)
    return api.ok("post", f"/work-orders/{order['id']}/accept", OPERATOR, json={})


def plates(api: ApiClient, order: dict) -> list[tuple[str, int]]:
    return [(p["status"], p["units"]) for p in api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)]


def refusal(api: ApiClient, method: str, path: str, body: dict, status: int, as_user: str = COORDINATOR) -> dict:
    answer = api.call(method, path, as_user, body)
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()["error"]


def test_a_coordinator_brings_accepted_work_down_and_the_units_not_begun_are_planned_again(app, api) -> None:  # noqa: ANN001
    order = accepted(api, app, 60)
    assert sorted(plates(api, order)) == [("printing", 10)] * 4 + [("queued", 10)] * 2
    changed = api.ok("patch", f"/work-orders/{order['id']}", COORDINATOR,
                     json={"quantity": 45, "reason": "la mairie de Surgères en fera une partie"})
    assert (changed["status"], changed["quantity"], changed["accepted_quantity"]) == ("accepted", 45, 45)
    # the last plate is withdrawn, the one before it shrinks to the five units left
    assert sorted(plates(api, order)) == [("cancelled", 10), ("printing", 10), ("printing", 10), ("printing", 10),
                                          ("printing", 10), ("queued", 5)]
    assert changed["reason"] == "15 units taken back by the coordination: la mairie de Surgères en fera une partie"
    assert run_posted_plans(app) == ["done"]
    (again,) = proposed(api)
    assert again["quantity"] == 15 and again["request_line_id"] == order["request_line_id"]
    run = api.ok("get", "/plans", COORDINATOR)[0]
    assert run["trigger"] == "taken_back" and run["reason"] == (   # in the caller's language (English here)
        f"Work order {order['id']}: 15 units taken back by the coordination: la mairie de Surgères en fera une partie")
    # the place is not taken for one that refused part of the line: the planner may still turn to it
    assert LA_ROCHELLE + " (accepted only part" not in again["explanation"]


def test_calling_off_accepted_work_keeps_the_plates_begun_and_re_plans_the_rest(app, api) -> None:  # noqa: ANN001
    order = accepted(api, app, 60)
    called_off = api.ok("post", f"/work-orders/{order['id']}/cancel", COORDINATOR, json={"reason": "doublon"})
    assert (called_off["status"], called_off["accepted_quantity"]) == ("accepted", 40)
    assert called_off["reason"] == "20 units taken back by the coordination: doublon"
    assert sorted(plates(api, order)) == [("cancelled", 10)] * 2 + [("printing", 10)] * 4
    assert run_posted_plans(app) == ["done"]
    assert sum(o["quantity"] for o in proposed(api)) == 20
    # now everything left is on a machine: nothing more to take back, said so, nothing changed
    error = refusal(api, "post", f"/work-orders/{order['id']}/cancel", {"reason": "encore"}, 409)
    assert error["code"] == "work_order.all_begun"
    assert api.ok("get", f"/work-orders/{order['id']}", COORDINATOR)["accepted_quantity"] == 40


def test_calling_off_a_proposal_withdraws_it_and_plans_its_units_again(app, api) -> None:  # noqa: ANN001
    order = by_hand(api, app, visor_request(api, 20), AUNIS, 20)
    called_off = api.ok("post", f"/work-orders/{order['id']}/cancel", COORDINATOR,
                        json={"reason": "Aunis est en congé"})
    assert (called_off["status"], called_off["reason"]) == ("cancelled", "Called off by the coordination: Aunis est en congé")
    assert run_posted_plans(app) == ["done"]
    (again,) = proposed(api)
    assert again["quantity"] == 20 and again["id"] != order["id"]


def test_a_proposal_brought_down_keeps_waiting_for_the_place_s_answer(app, api) -> None:  # noqa: ANN001
    order = by_hand(api, app, visor_request(api, 30), AUNIS, 30)
    changed = api.ok("patch", f"/work-orders/{order['id']}", COORDINATOR, json={"quantity": 20, "reason": "moins"})
    assert (changed["status"], changed["quantity"]) == ("proposed", 20)
    assert run_posted_plans(app) == ["done"]
    assert sorted(o["quantity"] for o in proposed(api)) == [10, 20]


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"quantity": 60, "reason": "plus"}, 422, "planning.change_out_of_range"),     # as much, or more: a new order
    ({"quantity": 39, "reason": "trop peu"}, 422, "planning.change_out_of_range"),  # below what has begun
    ({"quantity": 50, "reason": "   "}, 422, "body.invalid"),                       # no reason given
])
def test_a_change_out_of_bounds_is_refused_with_its_code_and_changes_nothing(app, api, body, status, code) -> None:  # noqa: ANN001
    order = accepted(api, app, 60)
    error = refusal(api, "patch", f"/work-orders/{order['id']}", body, status)
    assert error["code"] == code
    assert api.ok("get", f"/work-orders/{order['id']}", COORDINATOR)["accepted_quantity"] == 60
    assert proposed(api) == [] and len(plates(api, order)) == 6


def test_only_the_territory_s_coordination_takes_work_back(app, api) -> None:  # noqa: ANN001
    order = accepted(api, app, 60)
    assert refusal(api, "post", f"/work-orders/{order['id']}/cancel", {"reason": "x"}, 403, OPERATOR)["code"]
    order_done = api.ok("get", f"/work-orders/{order['id']}", COORDINATOR)
    assert order_done["accepted_quantity"] == 60 and place_named(app, LA_ROCHELLE) == order["place_id"]
    missing = refusal(api, "patch", "/work-orders/999999", {"quantity": 1, "reason": "x"}, 404)
    assert missing["code"] == "work_order.not_found"


def test_the_coordinator_takes_work_back_from_the_order_s_page_and_the_place_reads_why(app, api, client) -> None:  # noqa: ANN001
    order = accepted(api, app, 60)
    pages = Pages(client)
    pages.sign_in(COORDINATOR)
    page = text_of(pages.get(f"/work-orders/{order['id']}"))
    assert "20 unités ne sont pas encore commencées" in page and "Réduire à cette quantité" in page
    blank = pages.post(f"/work-orders/{order['id']}/take-back", {"action": "reduce", "reason": "moins"})
    assert blank.status_code == 422 and "Indiquez la nouvelle quantité" in text_of(blank.get_data(as_text=True))
    too_low = pages.post(f"/work-orders/{order['id']}/take-back", {"action": "reduce", "quantity": "10",
                                                                   "reason": "moins"})
    assert too_low.status_code == 422 and "entre 40 et 59 unités" in text_of(too_low.get_data(as_text=True))
    assert api.ok("get", f"/work-orders/{order['id']}", COORDINATOR)["accepted_quantity"] == 60
    done = pages.post(f"/work-orders/{order['id']}/take-back", {"action": "reduce", "quantity": "50",
                                                                "reason": "Surgères en fait une partie"})
    assert done.status_code == 302
    assert "10 unités reprises par la coordination : Surgères en fait une partie" in text_of(pages.get(done.location))

    pages = Pages(app.test_client())   # the place's operator reads it on the order and in the list of orders
    pages.sign_in(OPERATOR)
    assert "10 unités reprises par la coordination" in text_of(pages.get(f"/work-orders/{order['id']}"))
    assert "Réduire à cette quantité" not in text_of(pages.get(f"/work-orders/{order['id']}"))
    assert "10 unités reprises par la coordination" in text_of(pages.get("/work-orders?status=accepted"))
    assert pages.post(f"/work-orders/{order['id']}/take-back", {"action": "cancel", "reason": "x"}).status_code == 403


def test_the_work_orders_list_pages_and_filters_by_state_and_place(app, api, client) -> None:  # noqa: ANN001
    for n in range(3):
        accepted(api, app, 10 + n)
    by_hand(api, app, visor_request(api, 20), AUNIS, 20)
    pages = Pages(client)
    pages.sign_in(COORDINATOR)
    everything = text_of(pages.get("/work-orders"))
    assert "4 ordres" in everything
    assert "3 ordres" in text_of(pages.get("/work-orders?status=accepted"))
    assert "1 ordre" in text_of(pages.get(f"/work-orders?place_id={place_named(app, AUNIS)}"))
    none = text_of(pages.get("/work-orders?status=declined"))
    assert "0 ordre" in none and "Aucun ordre ne répond à ces critères." in none
    pages.get("/work-orders?status=nonsense", status=422)
    listed = api.call("get", f"/work-orders?place_id={place_named(app, LA_ROCHELLE)}&per_page=2", COORDINATOR)
    assert listed.headers["X-Total-Count"] == "3" and len(listed.get_json()) == 2
    assert api.call("get", "/work-orders?place_id=abc", COORDINATOR).status_code == 422
