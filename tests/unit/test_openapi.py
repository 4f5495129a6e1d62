"""The OpenAPI document is valid and describes what the API validates."""
from __future__ import annotations

import re

from openapi_spec_validator import validate

from makernet.api.openapi import OPERATIONS


def test_the_openapi_document_is_valid_openapi_3(client) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.")


def test_the_document_carries_the_schemas_that_validate_input(client) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    post = document["paths"]["/requests"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/RequestIn")
    request_in = document["components"]["schemas"]["RequestIn"]
    assert set(request_in["required"]) == {"needed_by", "delivery_point", "lines"}
    assert request_in["additionalProperties"] is False
    assert "RequestLineIn" in document["components"]["schemas"]
    assert document["paths"]["/auth/tokens"]["post"]["security"] == []
    assert "application/pdf" in document["paths"]["/deliveries/{delivery_id}/note.pdf"]["get"]["responses"]["200"]["content"]
    assert "text/csv" in document["paths"]["/exports/stock.csv"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in document["paths"]["/cost-estimates"]["post"]["responses"]["200"]["content"]
    for path in ("/requests/{request_id}/approve", "/work-orders/{work_order_id}/accept",
                 "/machines/{machine_id}/bed-clear", "/deliveries/{delivery_id}/confirm-receipt"):
        assert "post" in document["paths"][path], path


def test_refusals_are_documented_with_their_code_message_and_details(client) -> None:  # noqa: ANN001
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["Error"]["properties"]["error"] == {"$ref": "#/components/schemas/Refusal"}
    assert schemas["Error"]["properties"]["details"]["items"] == {"$ref": "#/components/schemas/Problem"}
    assert schemas["Refusal"]["required"] == ["code", "message"]
    assert set(schemas["Refusal"]["properties"]) == {"code", "message", "field", "params"}


def test_every_api_route_is_documented(app, client) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule in ("/api/v1/openapi.json", "/api/v1/docs"):
            continue
        path = re.sub(r"<int:(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"].get(path, {}), f"{method} {path} is not documented"


def test_each_body_is_documented_by_its_own_schema(client) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    bodies = {op.body for op in OPERATIONS if op.body is not None}
    assert len({body.__name__ for body in bodies}) == len(bodies), "two body schemas share a name"
    receipt = document["paths"]["/deliveries/{delivery_id}/confirm-receipt"]["post"]["requestBody"]
    name = receipt["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(document["components"]["schemas"][name]["properties"]) == {"receiver_name", "missing"}


def test_the_docs_are_browsable_from_the_installation_s_own_files(app, client) -> None:  # noqa: ANN001
    page = client.get("/api/v1/docs", headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Documentation de l'API" in html and 'data-document="/api/v1/openapi.json"' in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert not [s for s in sources if "//" in s], "everything comes from the installation itself, never a CDN"
    for asset in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css", "js/api-docs.js"):
        assert f"/static/{asset}" in sources
        answer = client.get(f"/static/{asset}")
        assert answer.status_code == 200
        answer.close()


def test_operations_are_grouped_by_area(client) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["paths"]["/requests"]["post"]["tags"] == ["demand"]
    assert document["paths"]["/work-orders/{work_order_id}"]["patch"]["tags"] == ["planning"]
    assert all(op["tags"] for path in document["paths"].values() for op in path.values())


def json_answers(document: dict) -> list[tuple[str, str, dict]]:
    """Each JSON success answer of the document: its operation and its schema."""
    return [(f"{method.upper()} {path}", code, response["content"]["application/json"]["schema"])
            for path, operations in document["paths"].items() for method, operation in operations.items()
            for code, response in operation["responses"].items()
            if code.startswith("2") and "application/json" in response.get("content", {})]


def undescribed(schema: dict, schemas: dict, seen: set[str], where: str) -> list[str]:
    """Where a schema (and those it refers to) says nothing precise: a generic object or list, a value of any
    kind, an object property without a description."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        return undescribed(schemas[name], schemas, seen, name)
    if schema == {} or schema.get("type") == ["object", "array"] or (
            schema.get("type") == "object" and "properties" not in schema and "additionalProperties" not in schema):
        return [f"{where}: {schema}"]
    found = [f"{where}.{name}: no description" for name, prop in schema.get("properties", {}).items()
             if not prop.get("description")]
    inner = [*schema.get("properties", {}).items(), *(("[]", s) for s in schema.get("anyOf", [])),
             *((("items", schema["items"]),) if "items" in schema else ())]
    if isinstance(schema.get("additionalProperties"), dict):
        inner.append(("{}", schema["additionalProperties"]))
    return found + [problem for name, sub in inner for problem in undescribed(sub, schemas, seen, f"{where}.{name}")]


def test_every_json_answer_has_its_real_schema_with_each_field_described(client) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    answers = json_answers(document)
    assert len(answers) > 50
    problems = [f"{operation} {code}: {problem}" for operation, code, schema in answers
                for problem in undescribed(schema, document["components"]["schemas"], set(), "answer")]
    assert not problems, "\n".join(problems)
    work_order = document["paths"]["/work-orders/{work_order_id}"]["get"]["responses"]["200"]
    assert work_order["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/WorkOrderView"}
    page = document["paths"]["/work-orders"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert page == {"type": "array", "items": {"$ref": "#/components/schemas/WorkOrderView"}}
    status = document["components"]["schemas"]["WorkOrderView"]["properties"]["status"]
    assert document["components"]["schemas"][status["$ref"].rsplit("/", 1)[-1]]["enum"][:2] == ["proposed", "accepted"]


def test_refusals_a_caller_may_meet_are_documented_per_operation(client) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert responses["4XX"]["content"] == error
            signs_in = path == "/auth/tokens"   # public, but refuses a wrong password
            assert ("401" in responses) == (operation.get("security") != [] or signs_in), f"{method} {path}"
            assert ("404" in responses) == ("{" in path), f"{method} {path}"
            assert all(responses[code]["content"] == error for code in ("401", "403", "404") if code in responses)
    approve = document["paths"]["/requests/{request_id}/approve"]["post"]["responses"]
    assert "coordinator" in approve["403"]["description"]
    assert "403" not in document["paths"]["/items"]["get"]["responses"]
    tokens = document["paths"]["/auth/tokens"]["post"]["responses"]
    assert "accounts.sign_in_refused" in tokens["401"]["description"]
    assert "accounts.throttled" in tokens["429"]["description"] and tokens["429"]["content"] == error


def test_every_query_parameter_the_api_reads_is_documented(client) -> None:  # noqa: ANN001
    """The views read query parameters by name (request.args, query_int, query_flag, _query_date) or through the
    list filters: each of those names is a documented query parameter of some operation."""
    from pathlib import Path
    source = "\n".join(p.read_text() for p in Path("makernet/api").glob("*.py"))
    read = set(re.findall(r'(?:request\.args\.get|query_int|query_flag|_query_date)\("(\w+)"', source))
    assert {"request_id", "work_order_id", "machine_id", "material_id", "departement", "departements", "start",
            "end", "dry_run"} <= read
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {p["name"] for ops in document["paths"].values() for op in ops.values()
                  for p in op.get("parameters", []) if p["in"] == "query"}
    assert read - {"page", "per_page"} <= documented, sorted(read - documented)
    assert {"status", "place_id", "since", "until"} <= documented
    imports = document["paths"]["/imports/stock"]["post"]
    assert set(imports["requestBody"]["content"]) == {"text/csv", "multipart/form-data"}
    work_orders = {p["name"] for p in document["paths"]["/work-orders"]["get"]["parameters"]}
    assert {"status", "place_id", "since", "until", "page", "per_page"} <= work_orders


def test_what_a_post_creates_links_to_the_operations_on_it(client) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    created = document["paths"]["/requests"]["post"]["responses"]["201"]["links"]
    assert created["post_requests_request_id_approve"] == {
        "operationId": "post_requests_request_id_approve", "parameters": {"request_id": "$response.body#/id"}}
    assert "get_requests_request_id" in created and "patch_requests_request_id" in created
    orders = document["paths"]["/work-orders"]["post"]["responses"]
    assert "post_work-orders_work_order_id_accept" in next(iter(orders.values()))["links"]
    operation_ids = {op["operationId"] for ops in document["paths"].values() for op in ops.values()}
    for ops in document["paths"].values():
        for op in ops.values():
            for answer in op["responses"].values():
                assert all(link["operationId"] in operation_ids for link in answer.get("links", {}).values())


def test_quantities_are_documented_with_the_bounds_the_use_cases_check(client) -> None:  # noqa: ANN001
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    line = schemas["RequestLineIn"]["properties"]["quantity"]
    assert (line["minimum"], line["maximum"]) == (1, 1_000_000)


def test_every_list_comes_a_page_at_a_time_with_its_total(client, api) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    lists = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answer = operation["responses"].get("200", {})
            schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
            if method == "get" and schema.get("type") == "array":
                lists.append(path)
                assert {"page", "per_page"} <= {p["name"] for p in operation["parameters"]}, path
                assert "X-Total-Count" in answer["headers"], path
    assert {"/places", "/items", "/late-work", "/stock/alerts", "/places/{place_id}/ledger"} <= set(lists)
    from tests.support.api import COORDINATOR
    places = api.call("get", "/places?per_page=1", COORDINATOR)
    assert len(places.get_json()) == 1 and int(places.headers["X-Total-Count"]) > 1
