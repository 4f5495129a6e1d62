"""Bad input gets a clear 4xx JSON answer and writes nothing."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.support.api import (ADMIN, CARE_HOME, COORDINATOR, OPERATOR, OTHER_OPERATOR, OTHER_REQUESTER,
                               REQUESTER, ApiClient)
from tests.support.snapshots import data_counts, row_counts, statuses

SOON = (date.today() + timedelta(days=10)).isoformat()


def visor_id(api: ApiClient) -> int:
    return next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")


def good_request(api: ApiClient, **changes: object) -> dict:
    body = {"needed_by": SOON, "delivery_point": "Hôtel de ville, Rochefort",
            "lines": [{"item_id": visor_id(api), "quantity": 20}]}
    body.update(changes)
    return body


ENGLISH = {"Accept-Language": "en"}


def assert_refused(app, answer, status: int, words: str, code: str | None = None) -> None:  # noqa: ANN001
    body = answer.get_json()
    assert answer.status_code == status, body
    assert isinstance(body, dict) and words.lower() in body["error"]["message"].lower(), body
    assert code is None or body["error"]["code"] == code, body


@pytest.fixture
def unchanged(app):  # noqa: ANN001, ANN201
    """Fails the test if any table gained or lost a row (tokens and the sign-in attempts log aside: every
    attempt is kept by design, see test_a_wrong_password_gets_no_token)."""
    before = None

    def snapshot() -> None:
        nonlocal before
        before = data_counts(app)

    yield snapshot
    assert before is not None and data_counts(app) == before


BAD_REQUESTS = [
    ("an unknown item", {"lines": [{"item_id": 9999, "quantity": 5}]}, 422, "unknown item", "demand.line_item_unknown"),
    ("a quantity of zero", {"lines": [{"item_id": 1, "quantity": 0}]}, 422, "at least 1",
     "demand.line_quantity_too_small"),
    ("a negative quantity", {"lines": [{"item_id": 1, "quantity": -4}]}, 422, "at least 1",
     "demand.line_quantity_too_small"),
    ("an absurd quantity", {"lines": [{"item_id": 1, "quantity": 1_000_001}]}, 422, "may not exceed 1,000,000",
     "demand.line_quantity_too_large"),
    ("a needed-by date in the past", {"needed_by": "2020-03-17"}, 422, "in the past", "demand.needed_by_past"),
    ("an impossible date", {"needed_by": "2026-02-30"}, 422, "needed_by", "body.invalid"),
    ("a quantity given as text", {"lines": [{"item_id": 1, "quantity": "20"}]}, 422, "valid integer", "body.invalid"),
    ("a quantity with decimals", {"lines": [{"item_id": 1, "quantity": 2.5}]}, 422, "integer", "body.invalid"),
    ("lines that are not a list", {"lines": "20 visors"}, 422, "lines", "body.invalid"),
    ("no lines", {"lines": []}, 422, "lines", "body.invalid"),
    ("an unknown priority", {"priority": "vip"}, 422, "priority", None),
    ("an unknown field", {"colour": "blue"}, 422, "colour", "body.invalid"),
    ("a blank delivery point", {"delivery_point": "   "}, 422, "delivery_point", None),
    ("a delivery point over its 300 characters, counting a blank before it",
     {"delivery_point": "\u0085" + "x" * 300}, 422, "delivery_point", "body.invalid"),
]


@pytest.mark.parametrize("case,changes,status,words,code", BAD_REQUESTS, ids=[c[0] for c in BAD_REQUESTS])
def test_a_request_with_bad_input_is_refused_with_a_message_and_nothing_written(
        app, api, unchanged, case, changes, status, words, code):  # noqa: ANN001
    api.token(REQUESTER)
    unchanged()
    answer = api.call("post", "/requests", REQUESTER, json=good_request(api, **changes))
    assert_refused(app, answer, status, words, code)


def test_text_is_bounded_as_sent_and_kept_without_the_blanks_around_it(app, api):  # noqa: ANN001
    """The document's maxLength holds for what a client sends (generated input found a reason one over its bound
    accepted once a leading blank was stripped); the text is then kept without those blanks."""
    over = api.call("post", "/places/2/replan", OPERATOR, json={"trigger": "stock_out", "reason": "\u0085b]" + "*" * 998})
    assert over.status_code == 422, over.get_json()
    assert [(d["field"], d["code"]) for d in over.get_json()["details"]] == [("reason", "body.text_too_long")]
    blanks = api.call("post", "/places/2/replan", OPERATOR, json={"trigger": "stock_out", "reason": " \t "})
    assert [(d["field"], d["code"]) for d in blanks.get_json()["details"]] == [("reason", "body.text_too_short")]
    created = api.ok("post", "/requests", REQUESTER, json=good_request(api, delivery_point="  Mairie de Royan \u0085"))
    assert created["delivery_point"] == "Mairie de Royan"


@pytest.mark.parametrize("field", ["needed_by", "delivery_point", "lines"])
def test_a_request_missing_a_field_is_refused_naming_it(app, api, unchanged, field):  # noqa: ANN001
    body = good_request(api)
    del body[field]
    unchanged()
    assert_refused(app, api.call("post", "/requests", REQUESTER, json=body), 422, field)


def test_malformed_json_is_refused_with_400(app, api, unchanged):  # noqa: ANN001
    api.token(REQUESTER)
    unchanged()
    answer = api.call("post", "/requests", REQUESTER, data='{"needed_by": "2027-01-01", "lines": [',
                      headers={"Content-Type": "application/json"})
    assert_refused(app, answer, 400, "not valid json", "body.json_invalid")


def test_a_body_that_is_not_json_is_refused_with_415(app, api, unchanged):  # noqa: ANN001
    api.token(REQUESTER)
    unchanged()
    answer = api.call("post", "/requests", REQUESTER, data="needed_by=2027-01-01",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_refused(app, answer, 415, "json body", "body.not_json_content")


def test_a_json_array_instead_of_an_object_is_refused(app, api, unchanged):  # noqa: ANN001
    api.token(REQUESTER)
    unchanged()
    answer = api.call("post", "/requests", REQUESTER, json=[1, 2, 3])
    assert_refused(app, answer, 422, "invalid input", "body.invalid")
    assert answer.get_json()["details"] == [
        {"field": "", "code": "body.not_object", "message": "Input should be an object"}]


def test_no_token_or_a_bad_token_is_refused_with_401(app, client):  # noqa: ANN001
    assert_refused(app, client.get("/api/v1/requests", headers=ENGLISH), 401, "bearer", "api.token_missing")
    assert_refused(app, client.get("/api/v1/requests", headers={"Authorization": "Bearer mkn_nope", **ENGLISH}), 401,
                   "invalid", "accounts.token_invalid")


def test_a_wrong_password_gets_no_token(app, client, unchanged):  # noqa: ANN001
    unchanged()
    attempts = row_counts(app)["loginattempt"]
    answer = client.post("/api/v1/auth/tokens", json={"email": REQUESTER, "password": "wrong"}, headers=ENGLISH)
    assert_refused(app, answer, 401, "wrong password", "accounts.sign_in_refused")
    assert row_counts(app)["loginattempt"] == attempts + 1   # kept, so that guessing through the API is throttled


def test_a_role_that_may_not_do_this_is_refused_with_403(app, api, unchanged):  # noqa: ANN001
    created = api.ok("post", "/requests", REQUESTER, json=good_request(api))
    api.token(OPERATOR), api.token(COORDINATOR)
    unchanged()
    assert_refused(app, api.call("post", f"/requests/{created['id']}/approve", REQUESTER), 403,
                   "Your role (requester) may not do this; it needs: coordinator.", "access.role_needed")
    assert_refused(app, api.call("post", "/requests", OPERATOR, json=good_request(api)), 403, "may not",
                   "access.role_needed")
    assert_refused(app, api.call("post", "/requests", COORDINATOR, json=good_request(api)), 403, "may not",
                   "access.role_needed")
    assert statuses(app, "request") == [(created["id"], "submitted")]


def test_a_refusal_speaks_french_by_default_and_english_on_request(app, api, client) -> None:  # noqa: ANN001
    created = api.ok("post", "/requests", REQUESTER, json=good_request(api))
    path = f"/api/v1/requests/{created['id']}/approve"
    api.ok("post", path.removeprefix("/api/v1"), COORDINATOR)
    token = {"Authorization": f"Bearer {api.token(COORDINATOR)}"}
    answers = {language: client.post(path, headers={**token, **({"Accept-Language": language} if language else {})})
               for language in ("", "fr-FR,fr;q=0.9", "en", "en-GB,en;q=0.8,fr;q=0.5", "de-DE,de")}
    assert {language: answer.status_code for language, answer in answers.items()} == dict.fromkeys(answers, 409)
    french = {"code": "request.not_submitted", "params": {"id": created["id"], "status": "approved"},
              "message": f"La demande n° {created['id']} est « Approuvée » : seule une demande envoyée peut être "
                         "approuvée."}
    english = french | {"message": f"Request {created['id']} is approved; only a submitted request can be approved."}
    assert [answer.get_json() for answer in answers.values()] == [
        {"error": french}, {"error": french}, {"error": english}, {"error": english}, {"error": french}]


def test_a_bad_body_names_each_problem_with_its_code_in_the_callers_language(app, api) -> None:  # noqa: ANN001
    body = {"needed_by": SOON, "lines": [{"item_id": 1, "quantity": "20"}], "colour": "blue"}
    french = api.call("post", "/requests", REQUESTER, json=body, headers={"Accept-Language": "fr"}).get_json()
    assert french["error"] == {"code": "body.invalid", "message": (
        "Données refusées : delivery_point : champ obligatoire; lines.0.quantity : un nombre entier est attendu; "
        "colour : champ inconnu"), "params": {"problems": (
            "delivery_point : champ obligatoire; lines.0.quantity : un nombre entier est attendu; "
            "colour : champ inconnu")}}
    assert french["details"] == [
        {"field": "delivery_point", "code": "body.missing", "message": "champ obligatoire"},
        {"field": "lines.0.quantity", "code": "body.not_integer", "message": "un nombre entier est attendu"},
        {"field": "colour", "code": "body.extra", "message": "champ inconnu"}]
    english = api.call("post", "/requests", REQUESTER, json=body).get_json()
    assert [(d["code"], d["message"]) for d in english["details"]] == [
        ("body.missing", "Field required"), ("body.not_integer", "Input should be a valid integer"),
        ("body.extra", "Extra inputs are not permitted")]


def test_another_organisations_request_is_not_found(app, api, unchanged):  # noqa: ANN001
    created = api.ok("post", "/requests", REQUESTER, json=good_request(api))
    api.token(OTHER_REQUESTER), api.token(CARE_HOME)
    unchanged()
    assert_refused(app, api.call("get", f"/requests/{created['id']}", OTHER_REQUESTER), 404, "not found",
                   "request.not_found")
    assert all(r["id"] != created["id"] for r in api.ok("get", "/requests", CARE_HOME))


def allocated_work_order(api: ApiClient) -> dict:
    created = api.ok("post", "/requests", REQUESTER, json=good_request(api))
    api.ok("post", f"/requests/{created['id']}/approve", COORDINATOR)
    place = next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "FabLab La Rochelle")
    return api.ok("post", "/work-orders", COORDINATOR, json={
        "request_line_id": created["lines"][0]["id"], "place_id": place["id"], "quantity": 20})


def test_an_operator_cannot_decide_another_places_work_order(app, api, unchanged):  # noqa: ANN001
    order = allocated_work_order(api)
    api.token(OTHER_OPERATOR)
    unchanged()
    assert_refused(app, api.call("post", f"/work-orders/{order['id']}/accept", OTHER_OPERATOR, json={}), 404, "not found")
    assert_refused(app, api.call("post", f"/work-orders/{order['id']}/decline", OTHER_OPERATOR,
                                 json={"reason": "pas pour nous"}), 404, "not found")
    assert statuses(app, "workorder") == [(order["id"], "proposed")]


def test_allocating_more_than_the_line_or_to_a_place_that_does_not_make_the_item_is_refused(app, api, unchanged):  # noqa: ANN001
    created = api.ok("post", "/requests", REQUESTER, json=good_request(api))
    api.ok("post", f"/requests/{created['id']}/approve", COORDINATOR)
    places = {p["name"]: p["id"] for p in api.ok("get", "/places", COORDINATOR)}
    line = created["lines"][0]["id"]
    unchanged()
    too_many = {"request_line_id": line, "place_id": places["FabLab La Rochelle"], "quantity": 21}
    assert_refused(app, api.call("post", "/work-orders", COORDINATOR, json=too_many), 422, "between 1 and 20",
                   "planning.quantity_out_of_range")
    sewing = {"request_line_id": line, "place_id": places["Atelier couture solidaire"], "quantity": 5}
    assert_refused(app, api.call("post", "/work-orders", COORDINATOR, json=sewing), 409, "does not make",
                   "planning.place_does_not_make_item")
    unknown = {"request_line_id": 99999, "place_id": places["FabLab La Rochelle"], "quantity": 5}
    assert_refused(app, api.call("post", "/work-orders", COORDINATOR, json=unknown), 404, "not found",
                   "request_line.not_found")


def test_a_submitted_request_cannot_be_allocated_before_approval(app, api, unchanged):  # noqa: ANN001
    created = api.ok("post", "/requests", REQUESTER, json=good_request(api))
    place = next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "FabLab La Rochelle")
    unchanged()
    body = {"request_line_id": created["lines"][0]["id"], "place_id": place["id"], "quantity": 5}
    assert_refused(app, api.call("post", "/work-orders", COORDINATOR, json=body), 409, "approve it",
                   "request.not_approved")


def test_accepting_more_than_proposed_or_twice_is_refused(app, api):  # noqa: ANN001
    order = allocated_work_order(api)
    api.token(OPERATOR)
    before = row_counts(app)
    assert_refused(app, api.call("post", f"/work-orders/{order['id']}/accept", OPERATOR, json={"quantity": 21}),
                   422, "between 1 and 20")
    assert row_counts(app) == before
    api.ok("post", f"/work-orders/{order['id']}/accept", OPERATOR, json={"quantity": 20})
    after_accept = row_counts(app)
    assert_refused(app, api.call("post", f"/work-orders/{order['id']}/accept", OPERATOR, json={}), 409,
                   f"Work order {order['id']} is accepted; only a proposed one can be accepted.",
                   "work_order.not_acceptable")
    assert row_counts(app) == after_accept


def test_a_delivery_of_units_not_yet_made_is_refused(app, api):  # noqa: ANN001
    order = allocated_work_order(api)
    api.ok("post", f"/work-orders/{order['id']}/accept", OPERATOR, json={})
    api.token(OTHER_OPERATOR)
    before = row_counts(app)
    body = {"place_id": order["place_id"], "request_id": order["request_id"],
            "lines": [{"request_line_id": order["request_line_id"], "quantity": 5}]}
    assert_refused(app, api.call("post", "/deliveries", OPERATOR, json=body), 422, "between 1 and 0",
                   "delivery.not_enough_ready")
    assert_refused(app, api.call("post", "/deliveries", OTHER_OPERATOR, json=body), 404, "not found",
                   "place.not_found")
    assert row_counts(app) == before


def test_unknown_routes_methods_and_ids_answer_json_errors(app, api):  # noqa: ANN001
    assert_refused(app, api.call("get", "/nowhere", ADMIN), 404, "not found", "http.not_found")
    assert_refused(app, api.call("delete", "/requests", ADMIN), 405, "not allowed", "http.method_not_allowed")
    assert_refused(app, api.call("get", "/requests/0", ADMIN), 404, "not found", "request.not_found")
    assert_refused(app, api.call("get", "/jobs?work_order_id=abc", ADMIN), 422, "work_order_id",
                   "query.not_whole_number")
    assert_refused(app, api.call("get", "/requests?status=lost", ADMIN), 422, "unknown status", "filter.status_unknown")
