"""The dashboard reads running totals and grouped sums, never the history row by row: its figures and the totals
must still be exactly what the rows say, after production, deliveries and every kind of stock movement."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from flask import Flask

from sqlmodel import select

from makernet.models import Organisation, User
from makernet.services import demand, reporting, stock
from makernet.services.access import Actor
from makernet.services.accounts.views import actor_of_user
from tests.support.api import CARE_HOME, COORDINATOR, OPERATOR, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.support.recount import demand_days, flows, output_days, some_history, stock_days


def test_the_dashboard_and_the_stock_overview_say_what_the_rows_say(app: Flask, api: ApiClient) -> None:
    ctx = app.extensions["makernet"]
    some_history(api)
    places = {p["name"]: p["id"] for p in api.ok("get", "/places", COORDINATOR)}
    place, other = places["FabLab La Rochelle"], places["Fab-lab de l'Aunis"]
    material = api.ok("get", f"/places/{place}/stock", OPERATOR)[0]["material_id"]
    api.ok("post", f"/places/{place}/stock/receipts", OPERATOR, {"material_id": material, "quantity": 500,
                                                                 "reason": "livraison du fournisseur"})
    api.ok("post", f"/places/{place}/stock/scrap", OPERATOR, {"material_id": material, "quantity": 30,
                                                              "reason": "bobine humide"})
    api.ok("post", f"/places/{place}/stock/adjustments", OPERATOR, {"material_id": material, "quantity": -7,
                                                                    "reason": "inventaire"})
    api.ok("post", "/stock/transfers", OPERATOR, {"from_place_id": place, "to_place_id": other,
                                                  "material_id": material, "quantity": 100})
    admin = Actor(0, "admin", 0)

    with ctx.db.reading() as s:
        slow, fast = output_days(s)
        assert fast == slow and sum(slow.values()) == 25
        slow, fast = stock_days(s)
        assert fast == slow and any(key[0] == "used" for key in fast)
        slow, fast = demand_days(s)
        assert fast == slow
        expected = flows(s)
    d = reporting.dashboard(ctx, admin, days=14)
    assert d["totals"] == {name: sum(counts.values()) for name, counts in expected.items()}
    assert d["totals"]["made"] == 25 and d["totals"]["delivered"] == 20
    assert d["series"][-1] == {"day": date.today().isoformat(), **d["totals"]}     # cumulative up to today
    for name, counts in expected.items():
        assert Counter({row["name"]: row[name] for row in d["per_departement"] if row[name]}) == counts
    assert sum(row["made"] for row in d["per_item"]) == 25
    saintes = next(p for p in d["per_place"] if p["name"] == "Atelier couture solidaire")
    assert (saintes["accepted"], saintes["made"], saintes["rejected"], saintes["backlog"]) == (30, 25, 2, 5)

    with ctx.db.reading() as s:
        slow, _fast = stock_days(s)
    codes = {row["material_id"]: row["code"] for row in stock.levels(ctx, admin, place)}
    held = Counter()
    for key, quantity in slow.items():
        if key[0] != "used" and key[1] == place:
            _day, _at, material_id = key
            held[codes[material_id]] += quantity
    overview = next(p for p in reporting.stock_overview(ctx, admin)["places"] if p["id"] == place)
    assert {row["code"]: row["level"] for row in overview["levels"]} == held


def _as(app: Flask, email: str) -> Actor:
    with app.extensions["makernet"].db.reading() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        return actor_of_user(user, s.get(Organisation, user.organisation_id))


def test_units_asked_shipped_and_received_stay_what_the_rows_say_through_every_change(app: Flask, api: ApiClient) -> None:
    ctx = app.extensions["makernet"]
    items = {i["code"]: i["id"] for i in api.ok("get", "/items", REQUESTER)}
    places = {p["name"]: p["id"] for p in api.ok("get", "/places", COORDINATOR)}
    soon = (date.today() + timedelta(days=9)).isoformat()

    def ask(who: str, *lines: tuple[str, int]) -> dict:
        return api.ok("post", "/requests", who, {"needed_by": soon, "delivery_point": "Mairie",
                                                 "lines": [{"item_id": items[c], "quantity": q} for c, q in lines]})

    changed = ask(REQUESTER, ("visiere", 30))                           # changed, then called off
    api.ok("patch", f"/requests/{changed['id']}", REQUESTER, {"lines": [{"item_id": items["visiere"], "quantity": 45}]})
    called_off = ask(REQUESTER, ("visiere", 12))
    api.ok("post", f"/requests/{called_off['id']}/cancel", REQUESTER)
    split = ask(CARE_HOME, ("masque-tissu", 50), ("visiere", 10))        # split in two
    coordinator = _as(app, COORDINATOR)
    demand.split_request(ctx, coordinator, split["id"], {split["lines"][0]["id"]: 20},
                         needed_by=date.today() + timedelta(days=20))
    kept, dropped = ask(CARE_HOME, ("masque-tissu", 5)), ask(CARE_HOME, ("masque-tissu", 7), ("visiere", 3))
    demand.merge_requests(ctx, coordinator, kept["id"], [dropped["id"]])  # merged: one cancelled, lines moved
    api.ok("post", f"/requests/{kept['id']}/approve", COORDINATOR)
    order = api.ok("post", "/work-orders", COORDINATOR, {"request_line_id": kept["lines"][0]["id"],
                                                         "place_id": places["Atelier couture solidaire"], "quantity": 12})
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    job = api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)[0]
    api.ok("post", f"/jobs/{job['id']}/report", SEWING_OPERATOR, {"units_made": 12, "units_rejected": 0})

    def shipped() -> int:
        with ctx.db.reading() as s:
            slow, fast = demand_days(s)
        assert fast == slow
        return sum(q for (flow, *_), q in fast.items() if flow == "shipped")

    refused = api.ok("post", "/deliveries", SEWING_OPERATOR, {       # refused once on its way, then collected
        "place_id": order["place_id"], "request_id": kept["id"],
        "lines": [{"request_line_id": kept["lines"][0]["id"], "quantity": 12}]})
    assert shipped() == 0                                            # prepared: still on the place's shelf
    api.ok("post", f"/deliveries/{refused['id']}/pick-up", SEWING_OPERATOR, {"carrier_name": "Lucie"})
    assert shipped() == 12                                           # it left the place
    api.ok("post", f"/deliveries/{refused['id']}/refuse", CARE_HOME, {"reason": "cartons mouillés"})
    assert shipped() == 0
    again = api.ok("post", "/deliveries", SEWING_OPERATOR, {
        "place_id": order["place_id"], "request_id": kept["id"],
        "lines": [{"request_line_id": kept["lines"][0]["id"], "quantity": 12}]})
    assert shipped() == 0
    api.ok("post", f"/deliveries/{again['id']}/confirm-receipt", CARE_HOME, {"receiver_name": "C. Martin"})
    assert shipped() == 12                                           # collected at the place: left and received

    with ctx.db.reading() as s:
        slow, fast = demand_days(s)
    assert fast == slow
    assert sum(q for (flow, *_), q in fast.items() if flow == "asked") == 45 + 60 + 15
    assert sum(q for (flow, *_), q in fast.items() if flow == "shipped") == 12
    d = reporting.dashboard(ctx, Actor(0, "admin", 0), days=7)
    assert (d["totals"]["asked"], d["totals"]["made"], d["totals"]["delivered"]) == (120, 12, 12)
