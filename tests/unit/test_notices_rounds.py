"""The rounds beat posts: a request at risk of being late, stock low or out, a coordinator's summary of the day; each
told once, however often the rounds run, and only to the people concerned."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from makernet.services import notices
from makernet.services.listing import DAYS_IN
from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, OTHER_REQUESTER, REQUESTER
from tests.support.notices import run_tell_tasks
from tests.unit.test_notices import received


def now_in_paris(hour: int) -> datetime:
    """Today at this hour in Paris, as the rounds are given the moment."""
    return datetime.combine(date.today(), datetime.min.time()).replace(hour=hour, tzinfo=DAYS_IN).astimezone(UTC)


def test_a_request_due_soon_with_no_place_yet_warns_its_requesters_once(app, api) -> None:  # noqa: ANN001
    visor = next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    request = api.ok("post", "/requests", REQUESTER, json={
        "needed_by": (date.today() + timedelta(days=2)).isoformat(), "delivery_point": "Mairie",
        "lines": [{"item_id": visor, "quantity": 300}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    run_tell_tasks(app)
    ctx = app.extensions["makernet"]
    with app.app_context():
        notices.rounds(ctx, now=now_in_paris(5))
        notices.rounds(ctx, now=now_in_paris(6))
    warned = [n for n in received(app, REQUESTER) if n.kind == "request_at_risk" and str(request["id"]) in n.subject]
    assert len(warned) == 1
    assert warned[0].subject == f"Votre demande n° {request['id']} risque d'être en retard"
    assert "300" in warned[0].body and warned[0].link == f"/requests/{request['id']}"
    assert not [n for n in received(app, OTHER_REQUESTER) if str(request["id"]) in n.subject]


def test_stock_running_low_tells_the_places_operators_and_its_coordinators_once_a_day(app, api) -> None:  # noqa: ANN001
    lab = next(p["id"] for p in api.ok("get", "/places", OPERATOR) if p["name"] == "FabLab La Rochelle")
    ctx = app.extensions["makernet"]
    with app.app_context():
        notices.rounds(ctx, now=now_in_paris(5))     # what the demo already holds low is told first
    before = {n.id for n in received(app, OPERATOR)}
    petg = next(m for m in api.ok("get", f"/places/{lab}/stock", OPERATOR)   # a material held and not yet low
                if m["threshold"] > 0 and m["available"] > 0 and m["alert"] is None)
    api.ok("post", f"/places/{lab}/stock/adjustments", OPERATOR, json={
        "material_id": petg["material_id"], "quantity": -petg["available"], "reason": "inventaire"})
    with app.app_context():
        notices.rounds(ctx, now=now_in_paris(5) + timedelta(minutes=15))
        notices.rounds(ctx, now=now_in_paris(5) + timedelta(minutes=30))
    out = [n for n in received(app, OPERATOR) if n.id not in before and n.kind == "stock_out"]
    assert [n.subject for n in out] == [f"Rupture à FabLab La Rochelle : {petg['name']}"]
    assert out[0].link == f"/places/{lab}/stock"
    assert [n.subject for n in received(app, COORDINATOR) if n.kind == "stock_out"].count(out[0].subject) == 1
    assert not [n for n in received(app, OTHER_OPERATOR) if "La Rochelle" in n.subject]


def test_a_coordinator_gets_the_days_summary_of_their_territory_at_their_hour_once(app, api) -> None:  # noqa: ANN001
    visor = next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    api.ok("post", "/requests", REQUESTER, json={
        "needed_by": (date.today() + timedelta(days=9)).isoformat(), "delivery_point": "Mairie",
        "lines": [{"item_id": visor, "quantity": 60}]})
    ctx = app.extensions["makernet"]
    with app.app_context():
        notices.rounds(ctx, now=now_in_paris(6))
        assert not [n for n in received(app, COORDINATOR) if n.kind == "daily_summary"]
        notices.rounds(ctx, now=now_in_paris(7))
        notices.rounds(ctx, now=now_in_paris(8))
    [summary] = [n for n in received(app, COORDINATOR) if n.kind == "daily_summary"]
    assert summary.subject.startswith("Votre territoire au ")
    assert "Nouvelles demandes : 1 ;" in summary.body
    assert not [n for n in received(app, OPERATOR) + received(app, REQUESTER) if n.kind == "daily_summary"]
