"""Coordinators see the request lines that are late or at risk, and why, in their territory only."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Flask
from sqlalchemy import update

from makernet.models import Request, WorkOrder
from tests.support.api import CARE_HOME, COORDINATOR, OPERATOR, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.support.pages import Pages, text_of


def _request(api: ApiClient, who: str, code: str, quantity: int, days: int = 7) -> dict:
    item = next(i["id"] for i in api.ok("get", "/items", who) if i["code"] == code)
    return api.ok("post", "/requests", who, json={
        "needed_by": (date.today() + timedelta(days=days)).isoformat(), "delivery_point": "Mairie",
        "lines": [{"item_id": item, "quantity": quantity}]})


def _due(app: Flask, request_id: int, days: int) -> None:
    """Move a request's date (the API refuses a date before tomorrow; time passes in the field)."""
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(Request).where(Request.id == request_id).values(
            needed_by=date.today() + timedelta(days=days)))


def test_late_and_at_risk_lines_say_what_they_miss(app: Flask, api: ApiClient) -> None:
    places = {p["name"]: p["id"] for p in api.ok("get", "/places", COORDINATOR)}
    waiting = _request(api, REQUESTER, "visiere", 40)                 # not triaged, due tomorrow
    _due(app, waiting["id"], 1)
    split = _request(api, CARE_HOME, "masque-tissu", 50)                # overdue: part proposed, part made
    api.ok("post", f"/requests/{split['id']}/approve", COORDINATOR)
    order = api.ok("post", "/work-orders", COORDINATOR, json={"request_line_id": split["lines"][0]["id"],
                                                              "place_id": places["Atelier couture solidaire"],
                                                              "quantity": 30})
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, json={"quantity": 30})
    batch = api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)[0]
    api.ok("post", f"/jobs/{batch['id']}/report", SEWING_OPERATOR, json={"units_made": 20})   # 20 of its 30
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(WorkOrder).where(WorkOrder.id == order["id"]).values(
            ready_by=date.today() + timedelta(days=1)))
    _due(app, split["id"], -2)
    far = _request(api, REQUESTER, "visiere", 10, days=20)              # far off: not listed

    late = {line["request_id"]: line for line in api.ok("get", "/late-work", COORDINATOR)}
    assert far["id"] not in late and list(late) == [split["id"], waiting["id"]]   # the most pressing first
    assert late[waiting["id"]]["reasons"] == [{"code": "not_approved"}, {"code": "unallocated", "units": 40}]
    reasons = late[split["id"]]["reasons"]
    made = 20
    assert reasons[0] == {"code": "overdue", "days": 2}
    assert {"code": "unallocated", "units": 20} in reasons
    assert {"code": "to_make", "units": 30 - made, "place": "Atelier couture solidaire"} in reasons
    assert {"code": "planned_late", "place": "Atelier couture solidaire",
            "ready_by": (date.today() + timedelta(days=1)).isoformat()} in reasons
    assert {"code": "to_ship", "units": made} in reasons
    assert late[split["id"]]["days_left"] == -2

    # the page words them in French; operators and requesters have no such view
    pages = Pages(app.test_client())
    pages.sign_in(COORDINATOR)
    text = text_of(pages.get("/late"))
    assert "en retard de 2 jours" in text and "pas encore approuvée" in text
    assert "20 unités sans lieu de fabrication" in text and "Atelier couture solidaire les prévoit prêtes" in text
    for who in (OPERATOR, REQUESTER):
        assert api.call("get", "/late-work", who).status_code == 403
