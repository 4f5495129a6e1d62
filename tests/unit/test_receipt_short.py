"""A requester counts, at receipt, the units that came damaged or did not come: they are not received, no longer
count as delivered nor shipped, and the place makes them again (its order opened again if it was done), then ships
them; the place and the coordination are told. A count that is not the delivery's changes nothing."""
from __future__ import annotations

from tests.support.api import COORDINATOR, OPERATOR, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.support.recount import demand_days
from tests.unit.test_deliveries import made_masks, ship
from tests.unit.test_notices_kinds import received, run_tell_tasks


def ready(api: ApiClient, made: dict) -> tuple[int, int]:
    """Units of the request still to make, and shipped."""
    line = api.ok("get", f"/requests/{made['request']['id']}/awaiting", REQUESTER)["lines"][0]
    return line["to_make"], line["shipped"]


def test_units_damaged_at_receipt_are_made_again_by_the_place_and_shipped_again(app, api) -> None:  # noqa: ANN001
    made = made_masks(api, 40)                                        # all 40 made: the order is done
    assert api.ok("get", f"/work-orders/{made['order']['id']}", SEWING_OPERATOR)["status"] == "done"
    delivery = ship(api, made, 40)
    api.ok("post", f"/deliveries/{delivery['id']}/pick-up", SEWING_OPERATOR, json={"carrier_name": "Lucas"})
    got = api.ok("post", f"/deliveries/{delivery['id']}/confirm-receipt", REQUESTER, json={
        "receiver_name": "Claire Martin", "missing": [{"request_line_id": made["line_id"], "quantity": 6}]})

    assert got["status"] == "received"
    assert got["lines"] == [{"request_line_id": made["line_id"], "quantity": 34, "units_missing": 6}]
    request = api.ok("get", f"/requests/{made['request']['id']}", REQUESTER)
    assert request["status"] == "in_production"                       # 6 still to come: not closed
    line = request["lines"][0]
    assert (line["units_made"], line["units_delivered"], line["units_received"]) == (34, 34, 34)
    order = api.ok("get", f"/work-orders/{made['order']['id']}", SEWING_OPERATOR)
    assert (order["status"], order["units_made"]) == ("accepted", 34)   # opened again
    again = [j for j in api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR) if j["status"] == "queued"]
    assert [j["units"] for j in again] == [6]
    assert ready(api, made) == (6, 34)
    with app.extensions["makernet"].db.reading() as s:
        slow, fast = demand_days(s)
    assert fast == slow and sum(q for (flow, *_), q in fast.items() if flow == "shipped") == 34

    api.ok("post", f"/jobs/{again[0]['id']}/report", SEWING_OPERATOR, json={"units_made": 6})
    assert ready(api, made) == (0, 34)
    second = ship(api, made, 6)
    api.ok("post", f"/deliveries/{second['id']}/confirm-receipt", REQUESTER, json={"receiver_name": "Claire Martin"})
    assert api.ok("get", f"/requests/{made['request']['id']}", REQUESTER)["status"] == "closed"
    assert api.ok("get", f"/work-orders/{made['order']['id']}", SEWING_OPERATOR)["status"] == "done"


def test_the_place_and_the_coordination_are_told_of_units_missing_at_receipt(app, api) -> None:  # noqa: ANN001
    made = made_masks(api, 30)
    delivery = ship(api, made, 30)
    api.ok("post", f"/deliveries/{delivery['id']}/confirm-receipt", REQUESTER, json={
        "receiver_name": "Claire Martin", "missing": [{"request_line_id": made["line_id"], "quantity": 4}]})
    run_tell_tasks(app)
    [place] = [n for n in received(app, SEWING_OPERATOR) if n.kind == "delivery_short"]
    assert place.subject == f"Livraison n° {delivery['id']} : 4 unités abîmées ou manquantes à la réception"
    assert "remises à faire à Atelier couture solidaire" in place.body
    assert place.link == f"/places/{made['place']['id']}/queue"
    [coordination] = [n for n in received(app, COORDINATOR) if n.kind == "delivery_short"]
    assert coordination.link == f"/requests/{made['request']['id']}"
    assert not [n for n in received(app, OPERATOR) if n.kind == "delivery_short"]   # another place


def test_a_count_that_is_not_the_delivery_s_is_refused_and_changes_nothing(app, api) -> None:  # noqa: ANN001
    made = made_masks(api, 30)
    delivery = ship(api, made, 20)
    path = f"/deliveries/{delivery['id']}/confirm-receipt"
    for missing, code in (([{"request_line_id": made["line_id"], "quantity": 21}], "delivery.missing_too_many"),
                          ([{"request_line_id": made["line_id"], "quantity": -1}], "delivery.missing_too_many"),
                          ([{"request_line_id": 99999, "quantity": 1}], "delivery.missing_not_in_delivery"),
                          ([{"request_line_id": made["line_id"], "quantity": 20}], "delivery.nothing_received")):
        answer = api.call("post", path, REQUESTER, {"receiver_name": "Claire Martin", "missing": missing})
        assert (answer.status_code, answer.get_json()["error"]["code"]) == (422, code), missing
    assert api.ok("get", f"/deliveries/{delivery['id']}", REQUESTER)["status"] == "prepared"
    assert api.ok("get", f"/work-orders/{made['order']['id']}", SEWING_OPERATOR)["units_made"] == 30
    assert ready(api, made) == (0, 0)
