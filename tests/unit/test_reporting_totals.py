"""The dashboard reads running totals and grouped sums, never the history row by row: its figures and the totals
must still be exactly what the rows say, after production, deliveries and every kind of stock movement."""
from __future__ import annotations

from collections import Counter
from datetime import date

from flask import Flask

from makernet.services import reporting, stock
from makernet.services.access import Actor
from tests.support.api import COORDINATOR, OPERATOR, ApiClient
from tests.support.recount import flows, output_days, some_history, stock_days


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
