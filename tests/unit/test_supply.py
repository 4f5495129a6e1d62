"""Supply requests: a place asks, a coordinator answers, assigns a supplier or another place's surplus, to the end."""
from __future__ import annotations

from datetime import date, timedelta

from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.support.snapshots import row_counts
from tests.unit.test_deliveries import made_masks
from tests.unit.test_stock import ledger_sum, material, material_id, place_id

SOON = (date.today() + timedelta(days=3)).isoformat()


def ask_elastic(api: ApiClient, quantity: int = 500) -> dict:
    """The sewing workshop runs short of elastic."""
    return api.ok("post", "/supply-requests", SEWING_OPERATOR, json={
        "place_id": place_id(api, "Atelier couture solidaire"), "kind": "material",
        "material_id": material_id(api, "elastique"), "quantity": quantity, "needed_by": SOON,
        "description": "Plus que deux jours d'élastique"})


def test_an_outside_supplier_is_assigned_and_the_request_is_fulfilled_once_all_has_arrived(app, api) -> None:  # noqa: ANN001
    asked = ask_elastic(api, 500)
    assert (asked["status"], asked["awaiting"], asked["needed_by"]) == ("open", 500, SOON)
    path = f"/supply-requests/{asked['id']}"
    answered = api.ok("post", path + "/answer", COORDINATOR, json={"answer": "La mercerie de Saintes en a."})
    assert answered["answer"] == "La mercerie de Saintes en a." and answered["answered_at"]
    assigned = api.ok("post", path + "/assign-supplier", COORDINATOR, json={"supplier_name": "Mercerie Martin"})
    assert (assigned["status"], assigned["supplier_name"]) == ("assigned", "Mercerie Martin")
    part = api.ok("post", path + "/receipts", SEWING_OPERATOR, json={"quantity": 200, "cost_cents": 1000})
    assert (part["status"], part["quantity_supplied"], part["awaiting"]) == ("assigned", 200, 300)
    done = api.ok("post", path + "/receipts", SEWING_OPERATOR, json={"quantity": 300})
    assert (done["status"], done["awaiting"], done["closed_at"] is not None) == ("fulfilled", 0, True)
    assert [(m["kind"], m["quantity"]) for m in done["movements"]] == [("receipt", 200), ("receipt", 300)]
    workshop = place_id(api, "Atelier couture solidaire")
    assert material(api, workshop, "elastique")["level"] == 1000 + 500
    assert api.call("post", path + "/receipts", SEWING_OPERATOR, json={"quantity": 1}).status_code == 409


def test_another_places_surplus_becomes_a_transfer_out_of_it_and_into_the_requesting_place(app, api) -> None:  # noqa: ANN001
    asked = ask_elastic(api, 250)
    lab, workshop = place_id(api, "FabLab La Rochelle"), place_id(api, "Atelier couture solidaire")
    served = api.ok("post", f"/supply-requests/{asked['id']}/assign-place", COORDINATOR,
                    json={"supplier_place_id": lab})
    assert (served["status"], served["supplier_place_id"], served["awaiting"]) == ("fulfilled", lab, 0)
    assert served["answer"] == "Transfert depuis FabLab La Rochelle"
    elastic = material_id(api, "elastique")
    assert (ledger_sum(app, lab, elastic), ledger_sum(app, workshop, elastic)) == (600 - 250, 1000 + 250)
    entries = [e for e in api.ok("get", f"/places/{lab}/ledger", COORDINATOR) if e["supply_request_id"] == asked["id"]]
    assert [(e["kind"], e["quantity"]) for e in entries] == [("transfer_out", -250)]
    assert [m["transfer_id"] for m in served["movements"]] == [entries[0]["transfer_id"]]
    # the supplying place sees the request it served
    assert api.ok("get", f"/supply-requests/{asked['id']}", OPERATOR)["status"] == "fulfilled"


def test_surplus_promised_to_accepted_work_cannot_be_sent_away(app, api) -> None:  # noqa: ANN001
    made_masks(api, 300, made=0)          # 600 elastics promised at the workshop, of 1000
    aunis = place_id(api, "Fab-lab de l'Aunis")
    request = api.ok("post", "/supply-requests", OTHER_OPERATOR, json={
        "place_id": aunis, "kind": "material", "material_id": material_id(api, "elastique"), "quantity": 500})
    before = row_counts(app)
    refused = api.call("post", f"/supply-requests/{request['id']}/assign-place", COORDINATOR,
                       json={"supplier_place_id": place_id(api, "Atelier couture solidaire")})
    assert refused.status_code == 409 and "has 400 free" in refused.get_json()["error"]["message"]
    assert refused.get_json()["error"]["code"] == "supply.not_enough_free"
    assert row_counts(app) == before
    partly = api.ok("post", f"/supply-requests/{request['id']}/assign-place", COORDINATOR,
                    json={"supplier_place_id": place_id(api, "Atelier couture solidaire"), "quantity": 400})
    assert (partly["status"], partly["awaiting"]) == ("assigned", 100)


def test_transport_and_premises_requests_are_described_and_closed_by_hand(api) -> None:  # noqa: ANN001
    lab = place_id(api, "FabLab La Rochelle")
    assert api.call("post", "/supply-requests", OPERATOR, json={"place_id": lab, "kind": "transport"}).status_code == 422
    van = api.ok("post", "/supply-requests", OPERATOR, json={
        "place_id": lab, "kind": "transport", "description": "Une camionnette pour livrer Rochefort jeudi"})
    assert van["awaiting"] == 0 and van["quantity"] is None
    assert [s["id"] for s in api.ok("get", "/supply-requests?status=open", COORDINATOR)] == [van["id"]]
    done = api.ok("post", f"/supply-requests/{van['id']}/close", OPERATOR,
                  json={"outcome": "fulfilled", "note": "prêtée par la mairie"})
    assert done["status"] == "fulfilled"
    assert api.call("post", f"/supply-requests/{van['id']}/close", OPERATOR,
                    json={"outcome": "cancelled"}).status_code == 409


def test_bad_supply_requests_are_refused_and_others_places_requests_stay_hidden(app, api) -> None:  # noqa: ANN001
    lab = place_id(api, "FabLab La Rochelle")
    api.token(OPERATOR), api.token(REQUESTER)
    before = row_counts(app)
    for body, status in (({"kind": "material", "quantity": 10}, 422),
                         ({"kind": "material", "material_id": 1}, 422),
                         ({"kind": "material", "material_id": 999, "quantity": 5}, 422),
                         ({"kind": "material", "material_id": 1, "quantity": 5, "needed_by": "2020-03-17"}, 422),
                         ({"kind": "gold", "description": "?"}, 422)):
        assert api.call("post", "/supply-requests", OPERATOR, json={"place_id": lab, **body}).status_code == status
    assert api.call("post", "/supply-requests", REQUESTER, json={
        "place_id": lab, "kind": "premises", "description": "une salle"}).status_code == 403
    assert row_counts(app) == before
    asked = ask_elastic(api)
    assert api.call("get", f"/supply-requests/{asked['id']}", OPERATOR).status_code == 404
    assert api.call("post", f"/supply-requests/{asked['id']}/answer", SEWING_OPERATOR,
                    json={"answer": "moi-même"}).status_code == 403
    assert api.call("post", f"/supply-requests/{asked['id']}/assign-place", COORDINATOR,
                    json={"supplier_place_id": 999}).status_code == 404
