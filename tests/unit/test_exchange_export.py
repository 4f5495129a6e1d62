"""CSV exports of requests, production, stock and deliveries, each limited to what its reader may see."""
from __future__ import annotations

import csv
import io

from tests.support.api import COORDINATOR, OTHER_OPERATOR, OTHER_REQUESTER, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.unit.test_deliveries import made_masks, ship


def rows(api: ApiClient, kind: str, who: str) -> list[dict]:
    """The rows of an export, read back as a spreadsheet would."""
    answer = api.call("get", f"/exports/{kind}.csv", who)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.mimetype == "text/csv" and "attachment" in answer.headers["Content-Disposition"]
    text = answer.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_the_four_exports_carry_the_figures_of_the_run(api) -> None:  # noqa: ANN001
    made = made_masks(api, 60, made=60)
    delivery = ship(api, made, 35)
    api.ok("post", f"/deliveries/{delivery['id']}/confirm-receipt", REQUESTER, json={"receiver_name": "C. Martin"})
    request_rows = [r for r in rows(api, "requests", COORDINATOR) if r["request_id"] == str(made["request"]["id"])]
    assert [(r["organisation"], r["item"], r["quantity"], r["units_made"], r["units_received"]) for r in request_rows] \
        == [("Mairie de Rochefort", "masque-tissu", "60", "60", "35")]
    production = rows(api, "production", COORDINATOR)
    assert sum(int(r["units_made"]) for r in production) == 60
    assert {(r["place"], r["departement"], r["item"], r["design_version"]) for r in production} == {
        ("Atelier couture solidaire", "17", "masque-tissu", "S76-001")}
    stock = {(r["place"], r["material"]): r for r in rows(api, "stock", SEWING_OPERATOR)}
    assert set(stock) == {("Atelier couture solidaire", code)
                          for code in ("elastique", "tissu-coton", "cadre-visiere", "feuille-a4")}
    assert stock[("Atelier couture solidaire", "tissu-coton")]["level"] == str(20_000 - 60 * 20)
    shipped = rows(api, "deliveries", REQUESTER)
    assert [(r["delivery_id"], r["status"], r["receiver"], r["item"], r["quantity"]) for r in shipped] == [
        (str(delivery["id"]), "received", "C. Martin", "masque-tissu", "35")]


def test_exports_show_each_reader_only_their_own(api) -> None:  # noqa: ANN001
    made_masks(api, 20)
    assert rows(api, "requests", OTHER_REQUESTER) == []
    assert rows(api, "production", OTHER_OPERATOR) == []
    assert {r["place"] for r in rows(api, "stock", OTHER_OPERATOR)} == {"Fab-lab de l'Aunis"}
    assert api.call("get", "/exports/stock.csv", REQUESTER).status_code == 403


def test_text_a_spreadsheet_would_run_as_a_formula_is_quoted(api) -> None:  # noqa: ANN001
    made = made_masks(api, 20)
    delivery = api.ok("post", "/deliveries", SEWING_OPERATOR, json={
        "place_id": made["place"]["id"], "request_id": made["request"]["id"], "destination": "=HYPERLINK(\"x\")",
        "lines": [{"request_line_id": made["line_id"], "quantity": 20}]})
    exported = next(r for r in rows(api, "deliveries", SEWING_OPERATOR) if r["delivery_id"] == str(delivery["id"]))
    assert exported["destination"] == "'=HYPERLINK(\"x\")"
