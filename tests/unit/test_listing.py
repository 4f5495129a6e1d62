"""Lists are narrowed in the database by the same rules as the one-by-one checks, and cut in pages that say how
many rows there are: nobody misses their own rows behind other organisations' ones."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlmodel import select

from makernet.api import endpoints
from makernet.models import Delivery, Job, Organisation, Request, SupplyRequest, User, WorkOrder
from makernet.services import deliveries, demand, planning, production, supply
from makernet.services.access import (Actor, can_see_delivery, can_see_request, can_see_work_order,
                                      visible_supply_request)
from makernet.services.accounts.views import actor_of_user
from makernet.services.listing import Window
from makernet.errors import NotFound
from tests.support.api import ADMIN, CARE_HOME, COORDINATOR, OPERATOR, OTHER_OPERATOR, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.unit.test_production import accepted_order

PEOPLE = (ADMIN, COORDINATOR, OPERATOR, OTHER_OPERATOR, SEWING_OPERATOR, REQUESTER, CARE_HOME)


def actor(app: Flask, email: str) -> Actor:
    with app.extensions["makernet"].db.reading() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        return actor_of_user(user, s.get(Organisation, user.organisation_id))


def _activity(api: ApiClient) -> None:
    """Requests of two organisations, work at two places, a delivery, supply requests of two places."""
    order = accepted_order(api, quantity=20)
    plate = api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)[0]
    api.ok("post", f"/jobs/{plate['id']}/report", OPERATOR, json={"units_made": plate["units"]})
    api.ok("post", "/deliveries", OPERATOR, json={"place_id": order["place_id"], "request_id": order["request_id"],
                                                  "lines": [{"request_line_id": order["request_line_id"],
                                                             "quantity": plate["units"]}]})
    items = {i["code"]: i["id"] for i in api.ok("get", "/items", CARE_HOME)}
    care = api.ok("post", "/requests", CARE_HOME, json={
        "needed_by": (date.today() + timedelta(days=9)).isoformat(), "delivery_point": "EHPAD",
        "lines": [{"item_id": items["masque-tissu"], "quantity": 30}]})
    api.ok("post", f"/requests/{care['id']}/approve", COORDINATOR)
    places = {p["name"]: p["id"] for p in api.ok("get", "/places", COORDINATOR)}
    api.ok("post", "/work-orders", COORDINATOR, json={"request_line_id": care["lines"][0]["id"],
                                                      "place_id": places["Atelier couture solidaire"], "quantity": 30})
    for who, place in ((OPERATOR, "FabLab La Rochelle"), (OTHER_OPERATOR, "Fab-lab de l'Aunis")):
        api.ok("post", "/supply-requests", who, status=201, json={
            "place_id": places[place], "kind": "transport", "description": "une voiture pour livrer la mairie"})


def test_every_list_shows_each_role_exactly_what_the_one_by_one_checks_allow(app: Flask, api: ApiClient) -> None:
    _activity(api)
    ctx = app.extensions["makernet"]
    with ctx.db.reading() as s:
        everything = {kind: s.exec(select(model)).all() for kind, model in (
            ("requests", Request), ("jobs", Job), ("deliveries", Delivery), ("supply", SupplyRequest),
            ("orders", WorkOrder))}
        for email in PEOPLE:
            who = actor(app, email)
            allowed = {
                "requests": {r.id for r in everything["requests"] if can_see_request(s, who, r)},
                "jobs": {j.id for j in everything["jobs"] if can_see_work_order(s, who, s.get(WorkOrder, j.work_order_id))},
                "deliveries": {d.id for d in everything["deliveries"] if can_see_delivery(s, who, d)},
                "supply": {r.id for r in everything["supply"] if _sees_supply(s, who, r.id)},
                "orders": {o.id for o in everything["orders"] if can_see_work_order(s, who, o)},
            }
            listed = {
                "requests": {r["id"] for r in demand.list_requests(ctx, who)},
                "jobs": {j["id"] for j in production.list_jobs(ctx, who)},
                "deliveries": {d["id"] for d in deliveries.list_deliveries(ctx, who)},
                "supply": {r["id"] for r in supply.list_supply_requests(ctx, who)},
                "orders": {o["id"] for o in planning.list_work_orders(ctx, who)},
            }
            assert listed == allowed, email
    assert all(everything.values())   # each kind has rows: the comparison compared something


def _sees_supply(s: object, who: Actor, supply_id: int) -> bool:
    try:
        visible_supply_request(s, who, supply_id)  # type: ignore[arg-type]
    except NotFound:
        return False
    return True


def test_an_operator_sees_the_request_it_works_on_behind_six_hundred_newer_ones(app: Flask, api: ApiClient) -> None:
    order = accepted_order(api, quantity=10)
    ctx = app.extensions["makernet"]
    with ctx.db.transaction() as tx:
        other = tx.session.exec(select(Organisation).where(Organisation.name.like("%EHPAD%"))).first()
        template = tx.session.get(Request, order["request_id"])
        tx.session.add_all([Request(organisation_id=other.id, needed_by=template.needed_by, delivery_point="ailleurs",
                                    created_by=template.created_by) for _ in range(600)])
    mine = demand.list_requests(ctx, actor(app, OPERATOR))
    assert [r["id"] for r in mine] == [order["request_id"]] and mine.total == 1
    page = api.call("get", "/requests?per_page=1", OPERATOR)
    assert page.headers["X-Total-Count"] == "1" and [r["id"] for r in page.get_json()] == [order["request_id"]]


def test_an_api_list_is_cut_in_pages_that_give_the_total_and_the_next_page(app: Flask, api: ApiClient) -> None:
    for _ in range(5):
        accepted_order(api, quantity=10)
    whole = api.call("get", "/requests", REQUESTER)
    assert whole.headers["X-Total-Count"] == "5" and "Link" not in whole.headers and len(whole.get_json()) == 5
    seen, url = [], "/requests?per_page=2"
    while url:
        answer = api.call("get", url, REQUESTER)
        assert answer.status_code == 200 and answer.headers["X-Total-Count"] == "5"
        seen += [r["id"] for r in answer.get_json()]
        links = {part.split('rel="')[1].rstrip('"'): part.split(">")[0].lstrip("<")
                 for part in answer.headers.get("Link", "").split(", ") if part}
        url = links.get("next", "").split("/api/v1", 1)[-1] if "next" in links else None
    assert seen == [r["id"] for r in whole.get_json()] and len(set(seen)) == 5
    assert api.call("get", "/requests?per_page=2&page=3", REQUESTER).headers["Link"].endswith('rel="prev"')
    for bad in ("page=0", "per_page=501", "per_page=deux", "page=-1"):
        refused = api.call("get", f"/requests?{bad}", REQUESTER)
        assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "paging.out_of_range", bad
    document = api.call("get", "/openapi.json", REQUESTER).get_json()
    listed = document["paths"]["/requests"]["get"]
    assert {p["name"] for p in listed["parameters"]} >= {"page", "per_page"}
    assert set(listed["responses"]["200"]["headers"]) == {"X-Total-Count", "Link"}


def test_a_list_longer_than_is_counted_gives_no_total_and_still_leads_to_every_page(
        app: Flask, api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    for _ in range(5):
        accepted_order(api, quantity=10)
    monkeypatch.setattr(endpoints, "COUNTED_UP_TO", 3)     # a region's lists are counted up to 10,000
    seen, url = [], "/requests?per_page=2"
    while url:
        answer = api.call("get", url, REQUESTER)
        assert answer.status_code == 200 and "X-Total-Count" not in answer.headers
        seen += [r["id"] for r in answer.get_json()]
        links = {part.split('rel="')[1].rstrip('"'): part.split(">")[0].lstrip("<")
                 for part in answer.headers.get("Link", "").split(", ") if part}
        url = links.get("next", "").split("/api/v1", 1)[-1] if "next" in links else None
    assert len(seen) == len(set(seen)) == 5
    counted = demand.list_requests(app.extensions["makernet"], actor(app, REQUESTER), None, Window(1, 2, 3))
    assert (len(counted), counted.total, counted.more, counted.has_next, counted.pages) == (2, 3, True, True, 2)
    last = demand.list_requests(app.extensions["makernet"], actor(app, REQUESTER), None, Window(3, 2, 3))
    assert (len(last), last.more, last.has_next, last.pages) == (1, True, False, 3)


def test_the_requests_page_counts_its_rows_in_the_readers_language_and_filters_by_state(app: Flask, api: ApiClient) -> None:
    from tests.support.pages import Pages, text_of
    pages = Pages(app.test_client())
    pages.sign_in(REQUESTER)
    first = accepted_order(api, quantity=10)
    assert "1 demande " in text_of(pages.get("/requests")) + " "
    accepted_order(api, quantity=10)
    assert "2 demandes" in text_of(pages.get("/requests"))
    allocated = text_of(pages.get("/requests?status=allocated"))
    assert "2 demandes" in allocated and f"Demande n° {first['request_id']}" in allocated
    assert f"Demande n° {first['request_id']}" not in text_of(pages.get("/requests?status=closed"))
    pages.post("/language", {"locale": "en", "next": "/requests"})
    assert "2 requests" in text_of(pages.get("/requests"))
