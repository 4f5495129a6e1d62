"""The roles an operation documents (its 403) are the roles it is open to: every demo role is tried on every
operation, with a body its schema accepts; a role refused is refused as documented, a role allowed never is."""
from __future__ import annotations

import re
from datetime import date, timedelta

from tests.support.api import COORDINATOR, OPERATOR, REQUESTER, ApiClient

ROLES = {"requester": REQUESTER, "operator": OPERATOR, "coordinator": COORDINATOR}
QUERIES = {"/reports/production.pdf": "?start=2026-01-01&end=2026-12-31"}
# looked for before the role is checked: a role that may never do it, and does not see it either, gets 404
SEEN_FIRST = {("post", "/supply-requests/{supply_request_id}/receipts", "requester")}


def sample(schema: dict, schemas: dict) -> object:
    """A value a schema accepts, every field given (the first choice of a union or a list of values)."""
    if "$ref" in schema:
        return sample(schemas[schema["$ref"].rsplit("/", 1)[-1]], schemas)
    if "anyOf" in schema:
        return sample(next(s for s in schema["anyOf"] if s.get("type") != "null"), schemas)
    if "enum" in schema or "const" in schema:
        return schema["enum"][0] if "enum" in schema else schema["const"]
    kind = schema.get("type")
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), 1)
    if kind == "string":
        day = (date.today() + timedelta(days=7)).isoformat()
        return day if schema.get("format") == "date" else "a" * max(schema.get("minLength", 1), 1)
    if kind == "array":
        return [sample(schema["items"], schemas)] * max(schema.get("minItems", 1), 1)
    if kind == "object":
        return {name: sample(value, schemas) for name, value in schema.get("properties", {}).items()}
    return False


def refused_for_role(api: ApiClient, document: dict, method: str, path: str, as_user: str, ids: dict) -> bool:
    """Whether the operation, called as that user on the ids given (else 1) with a body its schema accepts, says the
    role may not."""
    operation = document["paths"][path][method]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json")
    extra = {} if not path.startswith("/imports/") else {"data": b"a;b\n", "content_type": "text/csv"}
    url = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m[1], 1)), path) + QUERIES.get(path, "")
    answer = api.call(method, url, as_user,
                      sample(body["schema"], document["components"]["schemas"]) if body else None, **extra)
    refused = answer.status_code == 403
    assert not refused or (answer.get_json() or {})["error"]["code"] == "access.role_needed", answer.get_json()
    return refused


def test_each_operation_refuses_exactly_the_roles_its_document_leaves_out(client, api) -> None:  # noqa: ANN001
    document = client.get("/api/v1/openapi.json").get_json()
    lab = next(p["id"] for p in api.ok("get", "/places", OPERATOR))
    van = api.ok("post", "/supply-requests", OPERATOR, json={"place_id": lab, "kind": "transport",
                                                              "description": "une camionnette"})
    ids, wrong = {"supply_request_id": van["id"]}, []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if operation.get("security") == []:
                continue
            documented = operation["responses"].get("403", {}).get("description", "")
            for role, user in ROLES.items():
                refused = refused_for_role(api, document, method, path, user, ids) or (method, path, role) in SEEN_FIRST
                if refused != (role not in documented and bool(documented)):
                    wrong.append(f"{method.upper()} {path} as {role}: documented {documented or 'open to all'}")
    assert not wrong, "\n".join(wrong)
