"""What the API answers is what its document says: the main flow walked on the demo, as each role, every JSON
answer checked against the schema documented for its operation — a field missing, of another type or not
documented at all fails."""
from __future__ import annotations

import copy
import json
import os
import re
from datetime import date, timedelta
from typing import Any

from jsonschema import Draft202012Validator

from makernet.api.openapi import EXAMPLES
from makernet.demo import DEMO_PASSWORD
from makernet.services import mail
from tests.support.notices import run_tell_tasks
from tests.support.runs import run_posted_plans
from tests.support.api import (ADMIN, COORDINATOR, OPERATOR, OTHER_OPERATOR, REQUESTER, SEWING_OPERATOR,
                               ApiClient)

SOON = (date.today() + timedelta(days=7)).isoformat()


def closed(schemas: dict) -> dict:
    """The document's schemas, each object closed to the properties it documents (an undocumented key fails)."""
    strict = copy.deepcopy(schemas)

    def close(node: object) -> None:
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for value in node.values():
                close(value)
        elif isinstance(node, list):
            for value in node:
                close(value)

    close(strict)
    return strict


class Checked:
    """Calls that must succeed, each answer validated against its operation's documented schema."""

    def __init__(self, api: ApiClient, document: dict) -> None:
        self.api, self.document, self.seen = api, document, set()
        self.answers: dict[str, Any] = {}   # the first answer of each operation: "get /requests/{id}" -> body
        self.schemas = closed(document["components"]["schemas"])
        self.templates = [(re.compile(re.sub(r"\{\w+\}", r"\\d+", path) + "$"), path) for path in document["paths"]]

    def __call__(self, method: str, path: str, as_user: str, json: Any = None, **kwargs: Any) -> Any:
        answer = self.api.call(method, path, as_user, json, **kwargs)
        body = answer.get_json()
        assert answer.status_code < 300, f"{method} {path}: {answer.status_code} {body}"
        return self.check(method, path, answer.status_code, body)

    def check(self, method: str, path: str, status: int, body: Any) -> Any:
        """Validate one answer against the schema its operation documents for that status."""
        template = next(t for pattern, t in self.templates if pattern.match(path.split("?")[0]))
        self.validate(method, template, status, body)
        self.seen.add((method.lower(), template))
        self.answers.setdefault(f"{method.lower()} {template}", body)
        return body

    def validate(self, method: str, template: str, status: int, body: Any) -> None:
        responses = self.document["paths"][template][method.lower()]["responses"]
        assert str(status) in responses, f"{method} {template} answered {status}, which is not documented"
        schema = responses[str(status)]["content"]["application/json"]["schema"]
        validator = Draft202012Validator({**schema, "components": {"schemas": self.schemas}},
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
        assert not problems, f"{method} {template}: " + "; ".join(problems[:10])


def place_id(call: Checked, name: str) -> int:
    return next(p["id"] for p in call("get", "/places", COORDINATOR) if p["name"] == name)


def material_id(items: list[dict], code: str) -> int:
    return next(b["material_id"] for i in items for d in i["design_versions"] for b in d["bill_of_materials"]
                if b["material_code"] == code)


def requested(call: Checked, item: dict, quantity: int, approve: bool = True) -> dict:
    request = call("post", "/requests", REQUESTER, json={
        "needed_by": SOON, "delivery_point": "Hôtel de ville, Rochefort", "beneficiary": "les agents",
        "lines": [{"item_id": item["id"], "quantity": quantity}]})
    if approve:
        call("post", f"/requests/{request['id']}/approve", COORDINATOR)
    return request


def demand_to_delivery(call: Checked, items: list[dict], workshop: int) -> None:
    """A requester asks for masks; the coordination allocates them; the workshop sews and ships them."""
    mask = next(i for i in items if i["code"] == "masque-tissu")
    request = requested(call, mask, 60, approve=False)
    call("get", "/requests", REQUESTER)
    call("patch", f"/requests/{request['id']}", REQUESTER, json={"delivery_point": "Mairie annexe"})
    call("post", f"/requests/{request['id']}/approve", COORDINATOR)
    call("get", f"/requests/{request['id']}", COORDINATOR)
    call("get", f"/places/{workshop}", SEWING_OPERATOR)
    order = call("post", "/work-orders", COORDINATOR, json={
        "request_line_id": request["lines"][0]["id"], "place_id": workshop, "quantity": 60})
    call("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, json={})
    call("get", "/work-orders", SEWING_OPERATOR)
    call("get", f"/work-orders/{order['id']}", COORDINATOR)
    jobs = call("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)
    for job in jobs:
        call("post", f"/jobs/{job['id']}/report", SEWING_OPERATOR, json={"units_made": job["units"]})
    call("get", f"/machines/{jobs[0]['machine_id']}", SEWING_OPERATOR)
    call("post", f"/machines/{jobs[0]['machine_id']}/test-connection", SEWING_OPERATOR)
    line = request["lines"][0]["id"]

    def ship(quantity: int, path: str = "/deliveries", **extra: object) -> dict:
        return call("post", path, SEWING_OPERATOR, json={"place_id": workshop, "request_id": request["id"],
                                                          "lines": [{"request_line_id": line, "quantity": quantity}],
                                                          **extra})

    first = ship(30, mode="runner")
    call("post", f"/deliveries/{first['id']}/pick-up", SEWING_OPERATOR, json={"carrier_name": "Lucas"})
    call("post", f"/deliveries/{first['id']}/deliver", SEWING_OPERATOR)
    call("post", f"/deliveries/{first['id']}/confirm-receipt", REQUESTER, json={"receiver_name": "Claire Martin"})
    refused = ship(10)
    call("post", f"/deliveries/{refused['id']}/refuse", REQUESTER, json={"reason": "Élastiques trop courts"})
    point = call("post", "/collection-points", COORDINATOR, json={
        "name": "Drive de la mairie", "address": "Place Colbert", "commune": "Rochefort", "departement": "17",
        "kind": "drive_through", "opening_hours": "samedi 9 h - 12 h"})
    call("get", "/collection-points?departement=17", REQUESTER)
    call("post", f"/collection-points/{point['id']}/deliveries", SEWING_OPERATOR, json={
        "place_id": workshop, "request_id": request["id"], "lines": [{"request_line_id": line, "quantity": 10}]})
    call("get", f"/deliveries?request_id={request['id']}", REQUESTER)
    call("get", f"/deliveries/{first['id']}", SEWING_OPERATOR)
    call("get", f"/requests/{request['id']}/awaiting", REQUESTER)


def delivery_runs(call: Checked, workshop: int) -> None:
    """The workshop's volunteer driver takes the masks still there to Rochefort: the day's run proposed, started."""
    call("put", f"/places/{workshop}/conditions", SEWING_OPERATOR, json={"runners": 1, "vehicle": "car"})
    (run,) = call("post", f"/places/{workshop}/delivery-runs", SEWING_OPERATOR, json={})["runs"]
    call("get", f"/places/{workshop}/delivery-runs", COORDINATOR)
    call("post", f"/delivery-runs/{run['id']}/start", SEWING_OPERATOR)
    call("get", f"/delivery-runs/{run['id']}", SEWING_OPERATOR)


def requests_ended(call: Checked, items: list[dict]) -> None:
    """A request called off by its requester, another rejected by the coordination."""
    visor = next(i for i in items if i["code"] == "visiere")
    cancelled = requested(call, visor, 5, approve=False)
    call("post", f"/requests/{cancelled['id']}/cancel", REQUESTER)
    rejected = requested(call, visor, 5, approve=False)
    call("post", f"/requests/{rejected['id']}/reject", COORDINATOR, json={"reason": "déjà servi"})


def work_orders_answered(call: Checked, items: list[dict], lab: int, aunis: int) -> None:
    """Work allocated by hand: declined at one place, accepted then brought down and called off at another."""
    visor = next(i for i in items if i["code"] == "visiere")
    request = requested(call, visor, 80)
    line = request["lines"][0]["id"]
    order = call("post", "/work-orders", COORDINATOR, json={"request_line_id": line, "place_id": lab, "quantity": 60,
                                                            "reason": "le plus proche"})
    call("post", f"/work-orders/{order['id']}/accept", OPERATOR, json={"quantity": 60})
    declined = call("post", "/work-orders", COORDINATOR, json={"request_line_id": line, "place_id": aunis,
                                                                "quantity": 20})
    call("post", f"/work-orders/{declined['id']}/decline", OTHER_OPERATOR, json={"reason": "plus de filament"})
    call("patch", f"/work-orders/{order['id']}", COORDINATOR, json={"quantity": 45, "reason": "moins utile"})
    call("post", f"/work-orders/{order['id']}/cancel", COORDINATOR, json={"reason": "doublon"})
    call("get", "/late-work", COORDINATOR)
    plate = next(j for j in call("get", f"/jobs?work_order_id={order['id']}&status=printing", OPERATOR))
    call("post", f"/jobs/{plate['id']}/report", OPERATOR, json={"units_made": plate["units"]})
    call("post", f"/machines/{plate['machine_id']}/bed-clear", OPERATOR)
    call("get", "/jobs?since=" + date.today().isoformat(), COORDINATOR)


def stock_and_supply(call: Checked, items: list[dict], lab: int, aunis: int, workshop: int) -> None:
    """Material received, corrected, spoilt and sent; a workshop asks for elastic and gets it."""
    pla, elastic = material_id(items, "pla"), material_id(items, "elastique")
    call("post", f"/places/{lab}/stock/receipts", OPERATOR, json={"material_id": pla, "quantity": 5000,
                                                                   "reason": "don", "cost_cents": 10000})
    call("post", f"/places/{lab}/stock/adjustments", OPERATOR, json={"material_id": pla, "quantity": -100,
                                                                      "reason": "inventaire"})
    call("post", f"/places/{lab}/stock/scrap", OPERATOR, json={"material_id": pla, "quantity": 50,
                                                                "reason": "bobine humide"})
    call("post", "/stock/transfers", OPERATOR, json={"from_place_id": lab, "to_place_id": aunis,
                                                     "material_id": pla, "quantity": 1500})
    call("get", f"/places/{lab}/stock", OPERATOR)
    call("get", f"/places/{lab}/ledger?material_id={pla}", COORDINATOR)
    call("get", f"/places/{lab}/reservations", OPERATOR)
    call("get", "/stock/alerts", COORDINATOR)
    asked = call("post", "/supply-requests", SEWING_OPERATOR, json={
        "place_id": workshop, "kind": "material", "material_id": elastic, "quantity": 500, "needed_by": SOON,
        "description": "Plus que deux jours d'élastique"})
    path = f"/supply-requests/{asked['id']}"
    call("post", path + "/answer", COORDINATOR, json={"answer": "La mercerie de Saintes en a."})
    call("post", path + "/assign-supplier", COORDINATOR, json={"supplier_name": "Mercerie Martin"})
    call("post", path + "/receipts", SEWING_OPERATOR, json={"quantity": 200, "cost_cents": 1000})
    call("get", path, SEWING_OPERATOR)
    served = call("post", "/supply-requests", SEWING_OPERATOR, json={
        "place_id": workshop, "kind": "material", "material_id": elastic, "quantity": 100})
    call("post", f"/supply-requests/{served['id']}/assign-place", COORDINATOR, json={"supplier_place_id": lab})
    van = call("post", "/supply-requests", OPERATOR, json={"place_id": lab, "kind": "transport",
                                                           "description": "une camionnette"})
    call("post", f"/supply-requests/{van['id']}/close", OPERATOR, json={"outcome": "cancelled", "note": "trouvée"})
    call("get", "/supply-requests?status=open", COORDINATOR)


def planner(call: Checked, items: list[dict], lab: int, aunis: int) -> None:
    """The coordination runs the planner, pins a line, lifts the pin; places report lost capacity or drop out."""
    visor = next(i for i in items if i["code"] == "visiere")
    request = requested(call, visor, 30)
    app = call.api.client.application
    run_posted_plans(app)   # the re-plans the places' answers posted: a run of the territory is never started twice
    run = call("post", "/plans", COORDINATOR, json={"release_days": None})
    run_posted_plans(app)   # what the worker does with it
    call("get", "/plans", COORDINATOR)
    call("get", f"/plans/{run['id']}", COORDINATOR)
    rule = call("post", "/planning-rules", COORDINATOR, json={
        "kind": "pin", "request_line_id": request["lines"][0]["id"], "place_id": lab, "note": "au plus près"})
    run_posted_plans(app)
    call("get", "/planning-rules", COORDINATOR)
    call("post", f"/planning-rules/{rule['id']}/lift", COORDINATOR)
    call("post", f"/places/{lab}/replan", OPERATOR, json={"trigger": "printer_down", "reason": "buse bouchée"})
    call("post", f"/places/{aunis}/replan", COORDINATOR, json={"trigger": "stock_out", "reason": "plus de PLA"})
    call("post", f"/places/{aunis}/withdraw", COORDINATOR, json={"reason": "local fermé"})
    printer = call("get", f"/places/{aunis}", OTHER_OPERATOR)["machines"][0]
    call("delete", f"/machines/{printer['id']}", OTHER_OPERATOR)


def told(call: Checked, app) -> None:  # noqa: ANN001
    """What people were told along the way, as the workers write and mail it: listed, read; the outbox."""
    ctx = app.extensions["makernet"]
    run_tell_tasks(app)
    with app.app_context():
        for (notification_id,) in ctx.tasks.take("send_mail"):
            mail.send_mail(ctx, notification_id)
    first = call("get", "/notifications", COORDINATOR)[0]
    call("get", "/notifications?unread=true", COORDINATOR)
    call("post", f"/notifications/{first['id']}/read", COORDINATOR)
    call("post", "/notifications/read-all", COORDINATOR)
    call("get", "/outbox", ADMIN)
    call("get", "/notification-preferences", OPERATOR)
    call("put", "/notification-preferences", OPERATOR, json={"ways": {"work_proposed": "digest"}, "digest_hour": 18})
    hook = call("post", "/webhooks", COORDINATOR, json={"url": "https://chat.example.org/hooks/makernet"})
    visor = next(i for i in call("get", "/items", REQUESTER) if i["code"] == "visiere")
    requested(call, visor, 10, approve=False)   # told to the coordination: posted to its webhook
    run_tell_tasks(app)
    call("get", "/webhooks", COORDINATOR)
    call("delete", f"/webhooks/{hook['id']}", COORDINATOR)


def test_every_json_answer_of_the_main_flow_matches_its_documented_schema(client, api) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    call = Checked(api, document)
    token = client.post("/api/v1/auth/tokens", json={"email": REQUESTER, "password": DEMO_PASSWORD, "name": "outil"})
    call.check("post", "/auth/tokens", token.status_code, token.get_json())
    items = call("get", "/items", REQUESTER)
    lab, aunis = place_id(call, "FabLab La Rochelle"), place_id(call, "Fab-lab de l'Aunis")
    workshop = place_id(call, "Atelier couture solidaire")
    demand_to_delivery(call, items, workshop)
    delivery_runs(call, workshop)
    requests_ended(call, items)
    work_orders_answered(call, items, lab, aunis)
    stock_and_supply(call, items, lab, aunis, workshop)
    planner(call, items, lab, aunis)
    told(call, client.application)
    report = call("post", "/imports/places", COORDINATOR, data="nom;commune;departement\nFabLab Royan;Royan;ZZ\n".encode(),
                  content_type="text/csv")
    assert report["dry_run"] and report["errors"]
    call("post", "/imports/stock", OPERATOR, data=b"place;material;quantity\n", content_type="text/csv")
    listed = {(method, path) for path, operations in document["paths"].items()
              for method, operation in operations.items()
              if method == "get" and "application/json" in operation["responses"]["200"]["content"]}
    assert not listed - call.seen, f"GET operations never checked: {sorted(listed - call.seen)}"
    if os.environ.get("MAKERNET_RECORD_EXAMPLES"):
        EXAMPLES.write_text(json.dumps({key: shortened(key, body) for key, body in sorted(call.answers.items())},
                                       ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    documented = {f"{method} {path}" for path, operations in document["paths"].items()
                  for method, operation in operations.items()
                  if any("example" in media for answer in operation["responses"].values()
                         for media in answer.get("content", {}).values())}
    assert not set(call.answers) - documented, (
        f"operations with no example answer: {sorted(set(call.answers) - documented)}; record them with "
        "MAKERNET_RECORD_EXAMPLES=1 .venv/bin/python -m pytest tests/unit/test_api_answers.py")


def shortened(key: str, body: Any) -> Any:
    """An answer as the document shows it: two rows of a list, and no live token."""
    if isinstance(body, list):
        return body[:2]
    if key == "post /auth/tokens":
        return {**body, "token": "mkn_" + "x" * 43}
    if key == "post /webhooks":
        return {**body, "secret": "x" * 43}
    return body


def test_every_example_answer_in_the_document_matches_its_schema(client, api) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    call = Checked(api, document)
    examples = [(method, path, int(status), media["example"]) for path, operations in document["paths"].items()
                for method, operation in operations.items() for status, answer in operation["responses"].items()
                for media in answer.get("content", {}).values() if "example" in media]
    assert len(examples) >= 60, len(examples)
    for method, path, status, example in examples:
        call.validate(method, path, status, example)


def test_the_check_refuses_an_answer_its_schema_does_not_describe(client, api) -> None:  # noqa: ANN001
    call = Checked(api, client.get("/api/v1/openapi.json").get_json())
    visor = next(i for i in call("get", "/items", REQUESTER) if i["code"] == "visiere")
    request = requested(call, visor, 10, approve=False)
    line = request["lines"][0]
    for wrong in ({**request, "secret": 1}, {k: v for k, v in request.items() if k != "status"},
                  {**request, "status": "lost"}, {**request, "needed_by": "soon"},
                  {**request, "created_at": request["created_at"][:19]},
                  {**request, "lines": [{**line, "quantity": "10"}]}):
        try:
            call.check("get", "/requests/1", 200, wrong)
        except AssertionError:
            continue
        raise AssertionError(f"an answer its schema does not describe passed: {wrong}")
