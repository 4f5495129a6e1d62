"""A requester changes or cancels a request until production starts; after that, they ask the coordination."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlmodel import select

from makernet.models import AuditEntry, Job
from tests.support.api import (COORDINATOR, OPERATOR, OTHER_REQUESTER, REQUESTER, SEWING_OPERATOR, ApiClient)
from tests.support.snapshots import row_counts

SOON = (date.today() + timedelta(days=10)).isoformat()
LATER = (date.today() + timedelta(days=20)).isoformat()


def item(api: ApiClient, code: str) -> int:
    return next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == code)


def posted(api: ApiClient, code: str = "visiere", quantity: int = 40, by: str = REQUESTER) -> dict:
    return api.ok("post", "/requests", by, {"needed_by": SOON, "delivery_point": "Hôtel de ville, Rochefort",
                                            "lines": [{"item_id": item(api, code), "quantity": quantity}]})


def allocated(api: ApiClient, place: str = "Atelier couture solidaire", code: str = "masque-tissu") -> tuple[dict, dict]:
    """A request approved and proposed to a place: (the request, its work order)."""
    request = posted(api, code, 25)
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    place_id = next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == place)
    order = api.ok("post", "/work-orders", COORDINATOR, {
        "request_line_id": request["lines"][0]["id"], "place_id": place_id, "quantity": 25})
    return request, order


def statuses(app: Flask, entity: str, entity_id: int) -> list[tuple]:
    with app.extensions["makernet"].db.reading() as s:
        return [(a.from_state, a.to_state) for a in s.exec(select(AuditEntry).where(
            AuditEntry.entity == entity, AuditEntry.entity_id == entity_id).order_by(AuditEntry.id)).all()]


def test_a_requester_changes_lines_date_delivery_point_and_urgency_of_a_submitted_request(
        api: ApiClient, app: Flask) -> None:
    request = posted(api)
    changed = api.ok("patch", f"/requests/{request['id']}", REQUESTER, {
        "needed_by": LATER, "delivery_point": "Salle des fêtes", "urgency_reason": "réouverture de l'accueil",
        "lines": [{"item_id": item(api, "visiere"), "quantity": 60},
                  {"item_id": item(api, "masque-tissu"), "quantity": 30}]})
    assert changed["status"] == "submitted" and changed["needed_by"] == LATER
    assert changed["delivery_point"] == "Salle des fêtes" and changed["urgency_reason"] == "réouverture de l'accueil"
    assert [(line["item_id"], line["quantity"]) for line in changed["lines"]] == [
        (item(api, "visiere"), 60), (item(api, "masque-tissu"), 30)]
    assert changed["lines"][0]["id"] == request["lines"][0]["id"]
    assert statuses(app, "request", request["id"]) == [(None, "submitted"), ("submitted", "submitted")]


def test_a_change_that_changes_nothing_leaves_no_trace(api: ApiClient, app: Flask) -> None:
    request = posted(api)
    api.ok("patch", f"/requests/{request['id']}", REQUESTER, {"needed_by": SOON})
    assert statuses(app, "request", request["id"]) == [(None, "submitted")]


def test_changing_an_allocated_request_sends_it_back_to_triage_and_cancels_its_work_orders(
        api: ApiClient, app: Flask) -> None:
    request, order = allocated(api)
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    queued = api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)
    assert queued and all(job["status"] == "queued" for job in queued)
    changed = api.ok("patch", f"/requests/{request['id']}", REQUESTER, {
        "lines": [{"item_id": item(api, "masque-tissu"), "quantity": 40}]})
    assert changed["status"] == "submitted" and changed["lines"][0]["quantity"] == 40
    seen = api.ok("get", f"/work-orders/{order['id']}", SEWING_OPERATOR)
    assert seen["status"] == "cancelled" and "modifiée par le demandeur" in seen["reason"]
    assert all(job["status"] == "cancelled"
               for job in api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR))
    assert statuses(app, "request", request["id"])[-1] == ("allocated", "submitted")
    assert statuses(app, "workorder", order["id"])[-1] == ("accepted", "cancelled")
    page = api.ok("get", f"/requests/{request['id']}", COORDINATOR)
    assert page["status"] == "submitted"


def test_a_requester_cancels_an_approved_request_and_its_proposed_work_order_is_withdrawn(
        api: ApiClient, app: Flask) -> None:
    request, order = allocated(api)
    cancelled = api.ok("post", f"/requests/{request['id']}/cancel", REQUESTER)
    assert cancelled["status"] == "cancelled" and "demandeur" in cancelled["status_reason"]
    assert api.ok("get", f"/work-orders/{order['id']}", SEWING_OPERATOR)["status"] == "cancelled"
    assert statuses(app, "request", request["id"])[-1] == ("allocated", "cancelled")
    again = api.call("post", f"/requests/{request['id']}/cancel", REQUESTER)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "request.no_longer_open"


def test_a_coordinator_may_cancel_a_request_but_not_change_it(api: ApiClient) -> None:
    request = posted(api)
    refused = api.call("patch", f"/requests/{request['id']}", COORDINATOR, {"needed_by": LATER})
    assert refused.status_code == 403
    assert api.ok("post", f"/requests/{request['id']}/cancel", COORDINATOR)["status_reason"] == \
        "annulée par la coordination"


def test_once_a_batch_is_reported_the_request_can_no_longer_be_changed_or_cancelled(
        api: ApiClient, app: Flask) -> None:
    request, order = allocated(api)
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    batch = api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)[0]
    api.ok("post", f"/jobs/{batch['id']}/report", SEWING_OPERATOR, {"units_made": batch["units"]})
    before = row_counts(app)
    for method, path, body in (("patch", "", {"needed_by": LATER}), ("post", "/cancel", None)):
        refused = api.call(method, f"/requests/{request['id']}{path}", REQUESTER, body)
        assert refused.status_code == 409, refused.get_json()
        assert refused.get_json()["error"]["code"] == "request.production_started"
        assert "coordination" in refused.get_json()["error"]["message"]
    assert row_counts(app) == before


def test_a_plate_sent_to_its_printer_counts_as_production_started(api: ApiClient, app: Flask) -> None:
    request, order = allocated(api)
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    with app.extensions["makernet"].db.transaction() as tx:
        job = tx.session.exec(select(Job).where(Job.work_order_id == order["id"])).first()
        job.status = "dispatching"
        tx.session.add(job)
    refused = api.call("post", f"/requests/{request['id']}/cancel", REQUESTER)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "request.production_started"


@pytest.mark.parametrize("who, status", [(OTHER_REQUESTER, 404), (OPERATOR, 403)])
def test_only_the_requesters_organisation_changes_or_cancels_its_request(
        api: ApiClient, app: Flask, who: str, status: int) -> None:
    request = posted(api)
    api.token(who)
    before = row_counts(app)
    assert api.call("patch", f"/requests/{request['id']}", who, {"needed_by": LATER}).status_code == status
    assert api.call("post", f"/requests/{request['id']}/cancel", who).status_code == status
    assert row_counts(app) == before


@pytest.mark.parametrize("body, code, field", [
    ({"needed_by": date.today().isoformat()}, "demand.needed_by_today", "needed_by"),
    ({"needed_by": (date.today() - timedelta(days=1)).isoformat()}, "demand.needed_by_past", "needed_by"),
    ({"lines": [{"item_id": 1, "quantity": 5}, {"item_id": 2, "quantity": 5}, {"item_id": 1, "quantity": 3}]},
     "demand.line_item_repeated", "lines[2].item_id"),
])
@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_date_before_tomorrow_and_an_item_twice_are_refused_on_creation_and_on_change(
        api: ApiClient, app: Flask, body: dict, code: str, field: str, method: str) -> None:
    request = posted(api)
    before = row_counts(app)
    full = {"needed_by": SOON, "delivery_point": "Mairie", "lines": [{"item_id": 1, "quantity": 4}]} | body
    answer = api.call(method, "/requests" if method == "post" else f"/requests/{request['id']}", REQUESTER,
                      full if method == "post" else body)
    assert answer.status_code == 422, answer.get_json()
    error = answer.get_json()["error"]
    assert error["code"] == code and error["field"] == field
    if code == "demand.line_item_repeated":
        assert "line 1" in error["message"].lower() and error["params"]["item"] in error["message"]
    assert row_counts(app) == before


def test_the_openapi_document_describes_changing_and_cancelling_a_request(client) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["paths"]["/requests/{request_id}"]["patch"]["requestBody"]["content"]["application/json"][
        "schema"] == {"$ref": "#/components/schemas/RequestChangeIn"}
    assert "needed_by" in document["components"]["schemas"]["RequestChangeIn"]["properties"]
    assert "post" in document["paths"]["/requests/{request_id}/cancel"]


def test_a_line_dropped_by_a_change_disappears_and_its_work_order_keeps_its_history(api: ApiClient) -> None:
    masks, visors = item(api, "masque-tissu"), item(api, "visiere")
    request = api.ok("post", "/requests", REQUESTER, {"needed_by": SOON, "delivery_point": "Mairie", "lines": [
        {"item_id": masks, "quantity": 25}, {"item_id": visors, "quantity": 10}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    place_id = next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "Atelier couture solidaire")
    order = api.ok("post", "/work-orders", COORDINATOR, {
        "request_line_id": request["lines"][0]["id"], "place_id": place_id, "quantity": 25})
    changed = api.ok("patch", f"/requests/{request['id']}", REQUESTER, {"lines": [{"item_id": visors, "quantity": 12}]})
    assert [(line["item_id"], line["quantity"]) for line in changed["lines"]] == [(visors, 12)]
    kept = api.ok("get", f"/work-orders/{order['id']}", SEWING_OPERATOR)
    assert kept["status"] == "cancelled" and kept["request_line_id"] == request["lines"][0]["id"]
    again = api.ok("patch", f"/requests/{request['id']}", REQUESTER, {"lines": [
        {"item_id": visors, "quantity": 12}, {"item_id": masks, "quantity": 5}]})
    assert [(line["id"], line["quantity"]) for line in again["lines"]] == [
        (request["lines"][0]["id"], 5), (request["lines"][1]["id"], 12)]


def test_a_change_of_the_date_alone_is_kept(api: ApiClient) -> None:
    request, _order = allocated(api)
    changed = api.ok("patch", f"/requests/{request['id']}", REQUESTER, {"needed_by": LATER, "priority": "care_staff"})
    assert (changed["needed_by"], changed["priority"], changed["status"]) == (LATER, "care_staff", "submitted")
    assert api.ok("get", f"/requests/{request['id']}", REQUESTER)["needed_by"] == LATER
