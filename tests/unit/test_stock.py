"""The stock ledger: receipts, transfers, adjustments, scrap, consumption once per job, reservations and alerts."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from makernet.models import StockEntry
from makernet.services import stock
from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.support.snapshots import row_counts
from tests.unit.test_deliveries import made_masks


def place_id(api: ApiClient, name: str) -> int:
    return next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == name)


def material(api: ApiClient, place: int, code: str, who: str = COORDINATOR) -> dict:
    """One material's row of a place's stock (zeros if the place never held it)."""
    rows = api.ok("get", f"/places/{place}/stock", who)
    return next((m for m in rows if m["code"] == code), {"code": code, "level": 0, "reserved": 0, "available": 0})


def material_id(api: ApiClient, code: str) -> int:
    items = api.ok("get", "/items", COORDINATOR)
    return next(b["material_id"] for i in items for d in i["design_versions"] for b in d["bill_of_materials"]
                if b["material_code"] == code)


def ledger_sum(app, place: int, mat: int) -> int:  # noqa: ANN001
    with app.extensions["makernet"].db.reading() as s:
        return int(s.exec(select(func.coalesce(func.sum(StockEntry.quantity), 0))
                          .where(StockEntry.place_id == place, StockEntry.material_id == mat)).one())


def test_a_receipt_raises_the_level_which_is_the_sum_of_the_ledger(app, api) -> None:  # noqa: ANN001
    lab, pla = place_id(api, "FabLab La Rochelle"), material_id(api, "pla")
    before = material(api, lab, "pla")["level"]
    entry = api.ok("post", f"/places/{lab}/stock/receipts", OPERATOR, json={
        "material_id": pla, "quantity": 5000, "reason": "don de Plasturgie Charentaise", "cost_cents": 10000})
    assert (entry["kind"], entry["quantity"], entry["cost_cents"]) == ("receipt", 5000, 10000)
    assert material(api, lab, "pla")["level"] == before + 5000 == ledger_sum(app, lab, pla)
    assert api.ok("get", f"/places/{lab}/ledger?material_id={pla}", OPERATOR)[0]["id"] == entry["id"]


def test_a_transfer_writes_out_and_in_as_one_operation(app, api) -> None:  # noqa: ANN001
    lab, aunis, pla = place_id(api, "FabLab La Rochelle"), place_id(api, "Fab-lab de l'Aunis"), material_id(api, "pla")
    done = api.ok("post", "/stock/transfers", OPERATOR, json={
        "from_place_id": lab, "to_place_id": aunis, "material_id": pla, "quantity": 1500})
    out, into = done["entries"]
    assert (out["kind"], out["place_id"], out["quantity"]) == ("transfer_out", lab, -1500)
    assert (into["kind"], into["place_id"], into["quantity"]) == ("transfer_in", aunis, 1500)
    assert out["transfer_id"] == into["transfer_id"] == done["transfer_id"]
    assert (ledger_sum(app, lab, pla), ledger_sum(app, aunis, pla)) == (8500, 11500)


def test_taking_out_more_than_the_place_holds_is_refused_and_writes_nothing(app, api) -> None:  # noqa: ANN001
    lab, aunis, pla = place_id(api, "FabLab La Rochelle"), place_id(api, "Fab-lab de l'Aunis"), material_id(api, "pla")
    api.token(OPERATOR)
    before = row_counts(app)
    too_much = api.call("post", "/stock/transfers", OPERATOR, json={
        "from_place_id": lab, "to_place_id": aunis, "material_id": pla, "quantity": 10_001})
    assert too_much.status_code == 409 and "Only 10,000 in stock" in too_much.get_json()["error"]["message"]
    assert too_much.get_json()["error"]["code"] == "stock.not_enough"
    assert too_much.get_json()["error"]["params"] == {"level": 10_000, "quantity": 10_001}
    for path, body in ((f"/places/{lab}/stock/adjustments", {"quantity": -10_001, "reason": "inventaire"}),
                       (f"/places/{lab}/stock/scrap", {"quantity": 10_001, "reason": "bobine humide"})):
        assert api.call("post", path, OPERATOR, json={"material_id": pla, **body}).status_code == 409
    assert row_counts(app) == before


def test_adjustments_and_scrap_need_a_reason_and_are_kept_in_the_ledger(app, api) -> None:  # noqa: ANN001
    lab, pla = place_id(api, "FabLab La Rochelle"), material_id(api, "pla")
    assert api.call("post", f"/places/{lab}/stock/adjustments", OPERATOR,
                    json={"material_id": pla, "quantity": -20}).status_code == 422
    assert api.call("post", f"/places/{lab}/stock/adjustments", OPERATOR,
                    json={"material_id": pla, "quantity": 0, "reason": "rien"}).status_code == 422
    api.ok("post", f"/places/{lab}/stock/adjustments", OPERATOR,
           json={"material_id": pla, "quantity": -250, "reason": "inventaire du lundi"})
    api.ok("post", f"/places/{lab}/stock/adjustments", OPERATOR,
           json={"material_id": pla, "quantity": 40, "reason": "bobine retrouvée"})
    api.ok("post", f"/places/{lab}/stock/scrap", OPERATOR, json={"material_id": pla, "quantity": 90,
                                                                  "reason": "bobine humide"})
    kinds = [(e["kind"], e["quantity"], e["reason"]) for e in api.ok("get", f"/places/{lab}/ledger", OPERATOR)[:3]]
    assert kinds == [("scrap", -90, "bobine humide"), ("adjustment", 40, "bobine retrouvée"),
                     ("adjustment", -250, "inventaire du lundi")]
    assert material(api, lab, "pla")["level"] == 10_000 - 250 + 40 - 90


def test_only_the_places_own_people_move_its_stock(api) -> None:  # noqa: ANN001
    lab, aunis, pla = place_id(api, "FabLab La Rochelle"), place_id(api, "Fab-lab de l'Aunis"), material_id(api, "pla")
    receipt = {"material_id": pla, "quantity": 10}
    assert api.call("post", f"/places/{lab}/stock/receipts", OTHER_OPERATOR, json=receipt).status_code == 404
    assert api.call("post", f"/places/{lab}/stock/receipts", REQUESTER, json=receipt).status_code == 403
    assert api.call("get", f"/places/{lab}/stock", OTHER_OPERATOR).status_code == 404
    assert api.call("post", "/stock/transfers", OTHER_OPERATOR, json={
        "from_place_id": lab, "to_place_id": aunis, "material_id": pla, "quantity": 1}).status_code == 404
    assert api.call("post", f"/places/{lab}/stock/receipts", OPERATOR,
                    json={"material_id": 999, "quantity": 1}).status_code == 422
    assert api.call("post", "/stock/transfers", COORDINATOR, json={
        "from_place_id": lab, "to_place_id": lab, "material_id": pla, "quantity": 1}).status_code == 422


def test_a_finished_batch_consumes_its_material_once_however_often_it_is_reported(app, api) -> None:  # noqa: ANN001
    made = made_masks(api, 40)
    workshop, fabric = made["place"]["id"], material_id(api, "tissu-coton")
    job = api.ok("get", f"/jobs?work_order_id={made['order']['id']}", SEWING_OPERATOR)[0]
    assert api.call("post", f"/jobs/{job['id']}/report", SEWING_OPERATOR, json={"units_made": 40}).status_code == 409
    with app.extensions["makernet"].db.transaction() as tx:
        stock.consume_for_job(tx.session, job["id"], workshop, [(fabric, 800)])  # a repeated completion message
    consumed = [e for e in api.ok("get", f"/places/{workshop}/ledger?material_id={fabric}", SEWING_OPERATOR)
                if e["kind"] == "consumption"]
    assert [(e["job_id"], e["quantity"]) for e in consumed] == [(job["id"], -40 * 20)]
    assert material(api, workshop, "tissu-coton")["level"] == 20_000 - 800


def test_accepted_work_reserves_its_material_until_it_is_made(api) -> None:  # noqa: ANN001
    made = made_masks(api, 100, made=40)
    workshop = made["place"]["id"]
    elastic = material(api, workshop, "elastique")
    assert (elastic["level"], elastic["reserved"], elastic["available"]) == (1000 - 80, 120, 1000 - 80 - 120)
    reserved = api.ok("get", f"/places/{workshop}/reservations", SEWING_OPERATOR)
    assert {(r["work_order_id"], r["quantity"]) for r in reserved} == {(made["order"]["id"], 60 * 20),
                                                                        (made["order"]["id"], 60 * 2)}


def test_the_days_of_stock_left_follow_the_current_rate_and_raise_alerts(api) -> None:  # noqa: ANN001
    workshop, elastic_id = place_id(api, "Atelier couture solidaire"), material_id(api, "elastique")
    api.ok("post", f"/places/{workshop}/stock/scrap", SEWING_OPERATOR,
           json={"material_id": elastic_id, "quantity": 700, "reason": "lot d'élastiques trop courts"})
    elastic = material(api, workshop, "elastique", SEWING_OPERATOR)
    assert (elastic["level"], elastic["daily_use"], elastic["days_left"]) == (300, 100.0, 3.0)
    assert elastic["alert"] is None
    api.ok("post", f"/places/{workshop}/stock/scrap", SEWING_OPERATOR,
           json={"material_id": elastic_id, "quantity": 120, "reason": "abîmés"})
    elastic = material(api, workshop, "elastique", SEWING_OPERATOR)
    assert (elastic["days_left"], elastic["alert"], elastic["low"]) == (1.5, "low", True)
    alerts = api.ok("get", "/stock/alerts", COORDINATOR)
    assert [(a["place_id"], a["code"], a["alert"]) for a in alerts] == [(workshop, "elastique", "low")]
    assert api.ok("get", "/stock/alerts", OPERATOR) == []


def test_the_ledger_is_paged_with_its_total_and_filtered_by_kind_in_the_api_and_the_page(app, api, client) -> None:  # noqa: ANN001
    from tests.support.pages import Pages, text_of
    lab, pla = place_id(api, "FabLab La Rochelle"), material_id(api, "pla")
    for grams in (100, 200, 300):
        api.ok("post", f"/places/{lab}/stock/receipts", OPERATOR, json={"material_id": pla, "quantity": grams})
    with app.extensions["makernet"].db.reading() as s:
        total = s.exec(select(func.count()).where(StockEntry.place_id == lab)).one()
        receipts = s.exec(select(func.count()).where(StockEntry.place_id == lab, StockEntry.kind == "receipt")).one()
    answer = api.call("get", f"/places/{lab}/ledger?per_page=2", OPERATOR)
    assert answer.headers["X-Total-Count"] == str(total) and len(answer.get_json()) == 2
    assert 'rel="next"' in answer.headers["Link"]
    kind = api.call("get", f"/places/{lab}/ledger?kind=receipt&per_page=500", OPERATOR)
    assert kind.headers["X-Total-Count"] == str(receipts) and {e["kind"] for e in kind.get_json()} == {"receipt"}
    unknown = api.call("get", f"/places/{lab}/ledger?kind=vol", OPERATOR)
    assert unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "stock.movement_kind_unknown"
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    shown = text_of(pages.get(f"/places/{lab}/stock?kind=receipt"))
    assert f"{receipts} mouvement" in shown and "300 g" in shown.replace("\u202f", " ").replace("\xa0", " ")
