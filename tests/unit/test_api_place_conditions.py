"""A place's conditions through the API: its own operators set them (the delivery means among them), the fields
left out keep their value, a value out of bounds is refused with its coded message, nobody else changes them."""
from __future__ import annotations

import pytest

from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, ApiClient
from tests.support.snapshots import data_counts


def lab(api: ApiClient) -> dict:
    return next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "FabLab La Rochelle")


def test_an_operator_sets_the_runners_and_reads_them_back(api: ApiClient) -> None:
    before = lab(api)
    saved = api.ok("put", f"/places/{before['id']}/conditions", OPERATOR,
                   {"runners": 3, "runs_per_day": 1, "run_hours": 2.5, "vehicle": "car", "delivery_radius_km": 30,
                    "run_load": 450})
    assert saved["changed"] == ["delivery_radius_km", "run_hours", "run_load", "runners", "runs_per_day", "vehicle"]
    after = api.ok("get", f"/places/{before['id']}", OPERATOR)
    assert {k: after[k] for k in ("runners", "runs_per_day", "run_hours", "vehicle", "delivery_radius_km", "run_load",
                                  "delivery_reach_km")} == {"runners": 3, "runs_per_day": 1, "run_hours": 2.5,
                                                            "vehicle": "car", "delivery_radius_km": 30.0,
                                                            "run_load": 450, "delivery_reach_km": 30.0}
    untouched = ("staff_available", "opening_hours", "batch_limit", "hourly_value_cents", "accepted_item_ids",
                 "auto_accept", "offline_policy", "site_worker")
    assert {k: after[k] for k in untouched} == {k: before[k] for k in untouched}
    # null is the vehicle's own reach and load; saying the same again changes nothing
    reset = api.ok("put", f"/places/{before['id']}/conditions", OPERATOR,
                   {"delivery_radius_km": None, "run_load": None, "vehicle": "car"})
    assert (reset["changed"], reset["delivery_radius_km"], reset["delivery_reach_km"]) == (
        ["delivery_radius_km", "run_load"], None, 40.0)
    none = api.ok("put", f"/places/{before['id']}/conditions", OPERATOR, {"runners": 0, "staff_available": 12})
    assert (none["changed"], none["delivery_reach_km"]) == (["runners"], 0.0)


@pytest.mark.parametrize(("body", "code", "field"), [
    ({"runners": 4}, "places.runners_out_of_range", "runners"),
    ({"runs_per_day": 3}, "places.runs_per_day_out_of_range", "runs_per_day"),
    ({"run_hours": 5}, "places.run_hours_out_of_range", "run_hours"),
    ({"run_hours": 0.25}, "places.run_hours_out_of_range", "run_hours"),
    ({"vehicle": "scooter"}, "places.vehicle_unknown", "vehicle"),
    ({"delivery_radius_km": -5}, "places.delivery_radius_out_of_range", "delivery_radius_km"),
    ({"delivery_radius_km": 0}, "places.delivery_radius_out_of_range", "delivery_radius_km"),
    ({"run_load": 0}, "places.run_load_out_of_range", "run_load"),
    ({"runners": 2, "vehicle": "van"}, "places.vehicle_unknown", "vehicle"),   # all or nothing
])
def test_delivery_means_out_of_bounds_are_refused_with_their_code_and_change_nothing(
        app, api: ApiClient, body: dict, code: str, field: str) -> None:  # noqa: ANN001
    before, counted = lab(api), data_counts(app)
    answer = api.call("put", f"/places/{before['id']}/conditions", OPERATOR, {**body, "staff_available": 3})
    error = answer.get_json()["error"]
    assert (answer.status_code, error["code"], error["field"]) == (422, code, field)
    assert error["message"] and not error["message"].startswith("places.")   # worded, in English here
    assert lab(api) == before and data_counts(app) == counted


def test_the_refusal_is_worded_in_french_by_default(api: ApiClient) -> None:
    answer = api.call("put", f"/places/{lab(api)['id']}/conditions", OPERATOR, {"runners": 4},
                      headers={"Accept-Language": "fr"})
    assert answer.get_json()["error"]["message"] == "Le lieu a de 0 à 3 coursiers bénévoles."


def test_a_body_of_the_wrong_shape_is_refused(api: ApiClient) -> None:
    before = lab(api)
    for body in ({"runners": "2"}, {"runners": True}, {"staff_available": None}, {"horses": 2}):
        answer = api.call("put", f"/places/{before['id']}/conditions", OPERATOR, body)
        assert (answer.status_code, answer.get_json()["error"]["code"]) == (422, "body.invalid"), body
    assert lab(api) == before


def test_nobody_but_the_places_own_operators_changes_its_runners(app, api: ApiClient) -> None:  # noqa: ANN001
    before, counted = lab(api), data_counts(app)
    other = api.call("put", f"/places/{before['id']}/conditions", OTHER_OPERATOR, {"runners": 0})
    assert (other.status_code, other.get_json()["error"]["code"]) == (404, "place.not_found")
    coordinator = api.call("put", f"/places/{before['id']}/conditions", COORDINATOR, {"runners": 0})
    assert (coordinator.status_code, coordinator.get_json()["error"]["code"]) == (403, "access.role_needed")
    assert lab(api) == before and data_counts(app) == counted
