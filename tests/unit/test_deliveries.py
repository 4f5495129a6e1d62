"""Deliveries travel prepared → picked up → delivered → received, or are refused; a request shows what it awaits."""
from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from makernet.models import Organisation, User
from makernet.services import demand
from makernet.services.accounts.views import actor_of_user
from tests.support.api import (COORDINATOR, OPERATOR, OTHER_REQUESTER, REQUESTER, SEWING_OPERATOR, ApiClient)

SOON = (date.today() + timedelta(days=7)).isoformat()


def made_masks(api: ApiClient, quantity: int = 40, made: int | None = None) -> dict:
    """A town hall's request for fabric masks, sewn by the workshop: `made` units ready to ship."""
    mask = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "masque-tissu")
    request = api.ok("post", "/requests", REQUESTER, json={
        "needed_by": SOON, "delivery_point": "Hôtel de ville, Rochefort",
        "lines": [{"item_id": mask["id"], "quantity": quantity}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    place = next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "Atelier couture solidaire")
    order = api.ok("post", "/work-orders", COORDINATOR, json={
        "request_line_id": request["lines"][0]["id"], "place_id": place["id"], "quantity": quantity})
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, json={})
    left = quantity if made is None else made
    for job in api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR):
        count = min(left, job["units"])
        if count:   # the batches not made yet stay in the queue
            api.ok("post", f"/jobs/{job['id']}/report", SEWING_OPERATOR, json={"units_made": count})
        left -= count
    return {"request": request, "place": place, "line_id": request["lines"][0]["id"], "order": order}


def ship(api: ApiClient, made: dict, quantity: int, path: str = "/deliveries", **extra: object) -> dict:
    """Prepare a delivery of `quantity` units of the request's line."""
    return api.ok("post", path, SEWING_OPERATOR, json={
        "place_id": made["place"]["id"], "request_id": made["request"]["id"],
        "lines": [{"request_line_id": made["line_id"], "quantity": quantity}], **extra})


def test_a_delivery_goes_from_prepared_to_picked_up_to_delivered_to_received(api) -> None:  # noqa: ANN001
    made = made_masks(api, 40)
    delivery = ship(api, made, 40)
    assert delivery["status"] == "prepared"
    picked = api.ok("post", f"/deliveries/{delivery['id']}/pick-up", SEWING_OPERATOR,
                    json={"carrier_name": "Lucas, coursier bénévole"})
    assert (picked["status"], picked["carrier_name"]) == ("picked_up", "Lucas, coursier bénévole")
    assert picked["picked_up_at"] is not None
    delivered = api.ok("post", f"/deliveries/{delivery['id']}/deliver", SEWING_OPERATOR)
    assert delivered["status"] == "delivered" and delivered["delivered_at"] is not None
    received = api.ok("post", f"/deliveries/{delivery['id']}/confirm-receipt", REQUESTER,
                      json={"receiver_name": "Claire Martin"})
    assert (received["status"], received["receiver_name"]) == ("received", "Claire Martin")
    assert api.ok("get", f"/requests/{made['request']['id']}", REQUESTER)["status"] == "closed"


def test_partial_deliveries_show_what_the_request_still_awaits(app, api) -> None:  # noqa: ANN001
    made = made_masks(api, 100, made=60)
    first = ship(api, made, 25)
    second = ship(api, made, 20)
    assert api.ok("get", f"/requests/{made['request']['id']}", REQUESTER)["status"] == "in_production"  # none left
    steps = request_page(app, REQUESTER, made["request"]["id"])["timeline"]
    timeline = {step["key"]: step["done"] for step in steps}
    assert (timeline["in_production"], timeline["shipped"]) == (True, False)
    assert steps[0]["counts"]["units_shipped"] == 0                     # 45 packed, none gone yet
    line = api.ok("get", f"/requests/{made['request']['id']}/awaiting", REQUESTER)["lines"][0]
    assert (line["shipped"], line["to_ship"], line["on_the_way"]) == (0, 100, 0)
    api.ok("post", f"/deliveries/{first['id']}/confirm-receipt", REQUESTER, json={"receiver_name": "C. Martin"})
    api.ok("post", f"/deliveries/{second['id']}/pick-up", SEWING_OPERATOR, json={})
    awaiting = api.ok("get", f"/requests/{made['request']['id']}/awaiting", REQUESTER)
    line = awaiting["lines"][0]
    assert (line["quantity"], line["made"], line["to_make"]) == (100, 60, 40)
    assert (line["shipped"], line["to_ship"], line["on_the_way"], line["received"], line["awaiting"]) == (
        45, 55, 20, 25, 75)
    assert [d["status"] for d in awaiting["deliveries"]] == ["received", "picked_up"]
    assert awaiting["status"] == "shipped"   # from the moment a delivery left


def request_page(app, email: str, request_id: int) -> dict:  # noqa: ANN001
    """A request as its page reads it, timeline included, for one of its requesters."""
    ctx = app.extensions["makernet"]
    with ctx.db.reading() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        actor = actor_of_user(user, s.get(Organisation, user.organisation_id))
    return demand.request_page(ctx, actor, request_id)


def test_a_refused_delivery_gives_its_units_back_to_ship_again(app, api) -> None:  # noqa: ANN001
    made = made_masks(api, 30)
    delivery = ship(api, made, 30)
    api.ok("post", f"/deliveries/{delivery['id']}/pick-up", SEWING_OPERATOR, json={})
    assert api.ok("get", f"/requests/{made['request']['id']}", REQUESTER)["status"] == "shipped"
    refused = api.ok("post", f"/deliveries/{delivery['id']}/refuse", REQUESTER,
                     json={"reason": "Élastiques trop courts"})
    assert (refused["status"], refused["refused_reason"]) == ("refused", "Élastiques trop courts")
    awaiting = api.ok("get", f"/requests/{made['request']['id']}/awaiting", REQUESTER)
    assert (awaiting["lines"][0]["to_ship"], awaiting["lines"][0]["on_the_way"]) == (30, 0)
    assert awaiting["status"] == "in_production"
    timeline = {step["key"]: step["done"] for step in request_page(app, REQUESTER, made["request"]["id"])["timeline"]}
    assert (timeline["in_production"], timeline["shipped"]) == (True, False)   # to ship again, not shipped
    again = ship(api, made, 30)
    assert again["status"] == "prepared"


def test_a_delivery_to_a_collection_point_carries_the_points_address(api) -> None:  # noqa: ANN001
    point = api.ok("post", "/collection-points", COORDINATOR, json={
        "name": "Drive de la salle des fêtes", "address": "Place Colbert, Rochefort", "commune": "Rochefort",
        "departement": "17", "kind": "drive_through", "opening_hours": "mardi et jeudi, 14 h – 18 h"})
    assert point["id"] in [p["id"] for p in api.ok("get", "/collection-points?departement=17", REQUESTER)]
    made = made_masks(api, 20)
    delivery = ship(api, made, 20, path=f"/collection-points/{point['id']}/deliveries")
    assert delivery["mode"] == "collection_point" and delivery["collection_point_id"] == point["id"]
    assert delivery["destination"] == "Drive de la salle des fêtes, Place Colbert, Rochefort"


def test_deliveries_refuse_moves_out_of_order_and_by_the_wrong_people(api) -> None:  # noqa: ANN001
    made = made_masks(api, 20)
    delivery = ship(api, made, 20)
    path = f"/deliveries/{delivery['id']}"
    assert api.call("post", path + "/pick-up", REQUESTER, json={}).status_code == 403
    assert api.call("post", path + "/pick-up", OPERATOR, json={}).status_code == 404
    assert api.call("post", path + "/refuse", OTHER_REQUESTER, json={"reason": "non"}).status_code == 404
    assert api.call("post", path + "/refuse", REQUESTER, json={"reason": " "}).status_code == 422
    api.ok("post", path + "/confirm-receipt", REQUESTER, json={"receiver_name": "Claire Martin"})
    late = api.call("post", path + "/pick-up", SEWING_OPERATOR, json={})
    assert late.status_code == 409 and "received" in late.get_json()["error"]["message"]
    assert late.get_json()["error"]["code"] == "delivery.not_pickable"
    assert api.call("post", path + "/refuse", REQUESTER, json={"reason": "trop tard"}).status_code == 409
    bad_point = api.call("post", "/collection-points/999/deliveries", SEWING_OPERATOR, json={
        "place_id": made["place"]["id"], "request_id": made["request"]["id"],
        "lines": [{"request_line_id": made["line_id"], "quantity": 1}]})
    assert bad_point.status_code == 422


def test_deliveries_are_listed_for_those_who_may_see_them(api) -> None:  # noqa: ANN001
    made = made_masks(api, 20)
    delivery = ship(api, made, 20)
    assert [d["id"] for d in api.ok("get", f"/deliveries?request_id={made['request']['id']}", REQUESTER)] == \
        [delivery["id"]]
    assert delivery["id"] in [d["id"] for d in api.ok("get", "/deliveries?status=prepared", COORDINATOR)]
    assert api.ok("get", "/deliveries", OTHER_REQUESTER) == []
    assert api.call("get", "/deliveries?status=lost", REQUESTER).status_code == 422
