"""The API's lists of deliveries, supply requests, jobs and planner runs are narrowed by state, place and days in
the database, say how many rows match, keep their filters in the links to the next pages, refuse a bad filter
with a code, and never show another organisation's rows."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlmodel import select

from makernet.models import Delivery, Job, PlanRun, SupplyRequest
from tests.support.api import ADMIN, COORDINATOR, OPERATOR, OTHER_OPERATOR, REQUESTER, ApiClient
from tests.unit.test_production import accepted_order


def at(text: str) -> datetime:
    """A stored time (UTC) from its ISO text."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def place_ids(api: ApiClient) -> dict[str, int]:
    return {p["name"]: p["id"] for p in api.ok("get", "/places", COORDINATOR)}


def add(app: Flask, *rows: object) -> None:
    """Rows written straight to the database (many of them, on chosen days)."""
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.add_all(rows)


def refused(api: ApiClient, path: str, who: str, code: str) -> None:
    answer = api.call("get", path, who)
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == code, (path, answer.get_json())


def ids(api: ApiClient, path: str, who: str) -> tuple[int, list[int]]:
    """How many rows the whole list has, and the ids of its first page."""
    answer = api.call("get", path, who)
    assert answer.status_code == 200, answer.get_json()
    return int(answer.headers["X-Total-Count"]), [row["id"] for row in answer.get_json()]


def deliveries_on_days(app: Flask, api: ApiClient) -> tuple[dict, dict[str, int]]:
    """At La Rochelle: three prepared deliveries on 10 November (one at 00:30 in France, still the 9th in UTC),
    two received on 20 November; one at the Aunis fab-lab on 20 November."""
    order, places = accepted_order(api), place_ids(api)
    rochelle, aunis = places["FabLab La Rochelle"], places["Fab-lab de l'Aunis"]
    add(app, *[Delivery(place_id=rochelle, request_id=order["request_id"], status="prepared", created_at=when)
               for when in (at("2026-11-09T23:30:00"), at("2026-11-10T09:00:00"), at("2026-11-10T18:00:00"))],
        *[Delivery(place_id=rochelle, request_id=order["request_id"], status="received",
                   created_at=at("2026-11-20T10:00:00")) for _ in range(2)],
        Delivery(place_id=aunis, request_id=order["request_id"], status="prepared",
                 created_at=at("2026-11-20T10:00:00")))
    return order, places


def test_deliveries_are_filtered_by_state_place_and_days_prepared_in_france(app: Flask, api: ApiClient) -> None:
    _, places = deliveries_on_days(app, api)
    rochelle, aunis = places["FabLab La Rochelle"], places["Fab-lab de l'Aunis"]
    assert ids(api, "/deliveries", OPERATOR)[0] == 5
    assert ids(api, "/deliveries?status=received", OPERATOR)[0] == 2
    assert ids(api, "/deliveries?since=2026-11-10&until=2026-11-10", OPERATOR)[0] == 3
    assert ids(api, "/deliveries?until=2026-11-09", OPERATOR)[0] == 0
    assert ids(api, "/deliveries?since=2026-11-11&status=prepared", OPERATOR)[0] == 0
    assert ids(api, f"/deliveries?place_id={rochelle}", COORDINATOR)[0] == 5
    assert ids(api, f"/deliveries?place_id={aunis}", COORDINATOR)[0] == 1
    assert ids(api, f"/deliveries?place_id={aunis}&since=2026-11-20", REQUESTER)[0] == 1   # their request's
    page = api.call("get", "/deliveries?status=prepared&since=2026-11-01&per_page=2", OPERATOR)
    assert page.headers["X-Total-Count"] == "3" and len(page.get_json()) == 2
    assert "status=prepared" in page.headers["Link"] and "since=2026-11-01" in page.headers["Link"]


def test_an_operator_never_sees_another_places_deliveries_even_by_asking_for_its_place(app: Flask,
                                                                                     api: ApiClient) -> None:
    _, places = deliveries_on_days(app, api)
    total, theirs = ids(api, "/deliveries", OTHER_OPERATOR)
    with app.extensions["makernet"].db.reading() as s:
        shown = s.exec(select(Delivery).where(Delivery.id.in_(theirs))).all()  # type: ignore[union-attr]
        assert {d.place_id for d in shown} == {places["Fab-lab de l'Aunis"]}
    assert total == 1
    aunis = places["Fab-lab de l'Aunis"]
    refused(api, f"/deliveries?place_id={aunis}", OPERATOR, "filter.place_unknown")
    refused(api, "/deliveries?place_id=999999", ADMIN, "filter.place_unknown")


def test_a_bad_filter_is_refused_with_its_code(app: Flask, api: ApiClient) -> None:
    for path in ("/deliveries", "/supply-requests", "/jobs", "/plans"):
        who = COORDINATOR if path == "/plans" else OPERATOR
        refused(api, f"{path}?since=2026-13-01", who, "query.not_date")
        refused(api, f"{path}?until=hier", who, "query.not_date")
        refused(api, f"{path}?since=2026-11-20&until=2026-11-10", who, "filter.period_reversed")
        refused(api, f"{path}?per_page=0", who, "paging.out_of_range")
    for path in ("/deliveries", "/supply-requests", "/jobs"):
        refused(api, f"{path}?status=lost", OPERATOR, "filter.status_unknown")
        refused(api, f"{path}?place_id=abc", OPERATOR, "query.not_whole_number")
    french = api.call("get", "/deliveries?since=2026-11-20&until=2026-11-10", OPERATOR,
                      headers={"Accept-Language": "fr"}).get_json()["error"]["message"]
    assert french == "La période finit (2026-11-10) avant de commencer (2026-11-20)."


def test_supply_requests_are_filtered_by_state_place_and_days_posted(app: Flask, api: ApiClient) -> None:
    places = place_ids(api)
    rochelle, aunis = places["FabLab La Rochelle"], places["Fab-lab de l'Aunis"]
    add(app, *[SupplyRequest(place_id=rochelle, kind="transport", status=status, created_at=at(when))
               for status, when in (("open", "2026-11-02T08:00:00"), ("open", "2026-11-12T08:00:00"),
                                    ("fulfilled", "2026-11-12T08:00:00"))],
        SupplyRequest(place_id=aunis, kind="premises", status="open", created_at=at("2026-11-12T08:00:00")))
    assert ids(api, "/supply-requests", COORDINATOR)[0] == 4
    assert ids(api, f"/supply-requests?place_id={aunis}", COORDINATOR)[0] == 1
    assert ids(api, "/supply-requests?status=open&since=2026-11-10", COORDINATOR)[0] == 2
    assert ids(api, "/supply-requests?until=2026-11-02", OPERATOR)[0] == 1
    assert ids(api, "/supply-requests", OPERATOR)[0] == 3 and ids(api, "/supply-requests", OTHER_OPERATOR)[0] == 1
    refused(api, f"/supply-requests?place_id={rochelle}", OTHER_OPERATOR, "filter.place_unknown")
    page = api.call("get", "/supply-requests?status=open&per_page=1", COORDINATOR)
    assert page.headers["X-Total-Count"] == "3" and "status=open" in page.headers["Link"]


def test_jobs_are_filtered_by_state_and_place(app: Flask, api: ApiClient) -> None:
    order = accepted_order(api)
    place = order["place_id"]
    total, _ = ids(api, "/jobs", OPERATOR)
    assert total >= 1
    assert ids(api, f"/jobs?place_id={place}", COORDINATOR)[0] == total
    assert ids(api, "/jobs?status=done", OPERATOR)[0] == 0
    with app.extensions["makernet"].db.reading() as s:
        status = s.exec(select(Job).where(Job.work_order_id == order["id"])).first().status
    assert ids(api, f"/jobs?status={status}&place_id={place}", OPERATOR)[0] == total
    assert ids(api, "/jobs", OTHER_OPERATOR)[0] == 0
    refused(api, f"/jobs?place_id={place}", OTHER_OPERATOR, "filter.place_unknown")


def test_planner_runs_are_paged_and_a_coordinator_sees_only_runs_within_their_territory(app: Flask,
                                                                                       api: ApiClient) -> None:
    add(app, *[PlanRun(trigger="manual", territory=["17"], created_at=at(f"2026-11-{day:02d}T10:00:00"))
               for day in range(1, 6)],
        PlanRun(trigger="manual", territory=["17", "33"], created_at=at("2026-11-03T10:00:00")),
        PlanRun(trigger="daily", territory=[], created_at=at("2026-11-03T10:00:00")))
    assert ids(api, "/plans", COORDINATOR)[0] == 5
    assert ids(api, "/plans", ADMIN)[0] == 7
    assert ids(api, "/plans?since=2026-11-02&until=2026-11-03", COORDINATOR)[0] == 2
    page = api.call("get", "/plans?per_page=2&page=2", COORDINATOR)
    assert page.headers["X-Total-Count"] == "5" and len(page.get_json()) == 2
    assert 'rel="next"' in page.headers["Link"] and 'rel="prev"' in page.headers["Link"]
    assert api.call("get", "/plans", OPERATOR).status_code == 403


def test_the_openapi_document_describes_each_lists_filters_and_their_refusals(api: ApiClient) -> None:
    paths = api.ok("get", "/openapi.json", REQUESTER)["paths"]
    for path, names in (("/deliveries", {"status", "place_id", "since", "until"}),
                        ("/supply-requests", {"status", "place_id", "since", "until"}),
                        ("/jobs", {"status", "place_id", "since", "until"}), ("/plans", {"since", "until"})):
        listed = paths[path]["get"]
        assert {p["name"] for p in listed["parameters"]} >= names | {"page", "per_page"}, path
        assert "query.not_date" in listed["description"] and "filter.period_reversed" in listed["description"]
        assert set(listed["responses"]["200"]["headers"]) == {"X-Total-Count", "Link"}
    status = next(p for p in paths["/deliveries"]["get"]["parameters"] if p["name"] == "status")
    assert "received" in status["schema"]["enum"]
    assert "filter.place_unknown" in paths["/supply-requests"]["get"]["description"]
