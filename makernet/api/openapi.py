"""The OpenAPI 3 document, built from the same schemas that validate input, and served at /api/v1/openapi.json."""
from __future__ import annotations

import functools
import json
import typing
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, render_template
from pydantic import BaseModel, TypeAdapter
from typing_extensions import is_typeddict

from makernet.services.fields import MAX_ID
from makernet.services.listing import MAX_PER_PAGE

bp = Blueprint("openapi_api", __name__, url_prefix="/api/v1")


ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}   # a row's id, in a path or a query
# real answers of the demo's main flow, one per operation it calls ("get /requests/{id}"), recorded by
# tests/unit/test_api_answers.py, which also checks that each still matches its operation's schema
EXAMPLES = Path(__file__).with_name("examples.json")


@dataclass(frozen=True)
class QueryParameter:
    """A query parameter of an operation, beyond paging and the list filters."""

    name: str
    description: str
    schema: dict
    required: bool = False

    @classmethod
    def id_of(cls, name: str, description: str) -> QueryParameter:
        return cls(name, description, ID_SCHEMA)

    @classmethod
    def day(cls, name: str, description: str, required: bool = False) -> QueryParameter:
        return cls(name, description, {"type": "string", "format": "date"}, required)


@dataclass(frozen=True)
class Operation:
    """One documented endpoint."""

    method: str
    path: str          # OpenAPI style: /requests/{request_id}
    summary: str
    body: type[BaseModel] | None
    success: int
    public: bool = False
    produces: str = "application/json"
    returns: object = None                   # the success answer's type: a model, a TypedDict, a list of one
    paged: bool = False                      # a list cut in pages (`page`, `per_page`; total and next in headers)
    filters: tuple[str, ...] = ()            # query parameters narrowing the list: status, place_id, since, until
    statuses: tuple[str, ...] = ()           # the states `status` may name
    dated: str = ""                          # what the days of `since` and `until` are: "prepared", "posted"…
    tag: str = ""                            # the area it belongs to: the docs group operations by it
    roles: tuple[str, ...] = ()              # the roles it is open to (admins too); none: every signed-in user
    query: tuple[QueryParameter, ...] = ()   # its other query parameters
    csv_body: bool = False                   # it takes a CSV file (text/csv, or a form's `file`)
    refused: tuple[tuple[str, str], ...] = ()   # refusals of its own beyond the usual ones: (status, description)


OPERATIONS: list[Operation] = []  # every endpoint declared with `endpoints.endpoint`, in every area


@bp.get("/openapi.json")
def openapi() -> dict:
    """The OpenAPI 3 document of this API."""
    return build_document(OPERATIONS)


@bp.get("/docs")
def docs() -> str:
    """The document, browsable: Swagger UI, served from the installation's own files (no CDN)."""
    return render_template("api/docs.html")


@functools.cache
def recorded_examples() -> dict[str, object]:
    """The recorded answers, read once per process."""
    return json.loads(EXAMPLES.read_text(encoding="utf-8")) if EXAMPLES.exists() else {}


def build_document(operations: list[Operation]) -> dict:
    """An OpenAPI 3.1 document for the operations."""
    schemas: dict[str, dict] = {}
    paths: dict[str, dict] = {}
    examples = recorded_examples()
    for op in operations:
        entry: dict = {
            "summary": op.summary,
            "tags": [op.tag] if op.tag else [],
            "operationId": f"{op.method}_{op.path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}",
            "responses": {
                str(op.success): {"description": _answer_description(op), "content": {op.produces: {
                    "schema": _success_schema(op, schemas)}}},
                **refusals(op),
            },
        }
        params = [seg[1:-1] for seg in op.path.split("/") if seg.startswith("{")]
        if params:
            entry["parameters"] = [{"name": p, "in": "path", "required": True,
                                    "schema": ID_SCHEMA}
                                   for p in params]
        if f"{op.method} {op.path}" in examples:
            entry["responses"][str(op.success)]["content"][op.produces]["example"] = examples[f"{op.method} {op.path}"]
        if op.paged:
            entry.setdefault("parameters", []).extend(PAGING_PARAMETERS)
            entry["responses"][str(op.success)]["headers"] = PAGING_HEADERS
        if op.query:
            entry.setdefault("parameters", []).extend(
                {"name": q.name, "in": "query", "required": q.required, "description": q.description, "schema": q.schema}
                for q in op.query)
        if op.filters:
            entry.setdefault("parameters", []).extend(filter_parameters(op))
            entry["description"] = filters_description(op)
        if op.body is not None:
            _add_schema(op.body, schemas)
            entry["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{op.body.__name__}"}}}}
        if op.csv_body:
            entry["requestBody"] = {"required": True, "content": CSV_BODY}
        if op.public:
            entry["security"] = []
        paths.setdefault(op.path, {})[op.method] = entry
    schemas.update(ERROR_SCHEMAS)
    _link_created_to_their_operations(paths)
    return {
        "openapi": "3.1.0",
        "info": {"title": "MakerNet API", "version": "1",
                 "description": "Requests, allocation, production, stock and deliveries of distributed maker production."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
        "security": [{"token": []}],
    }


PAGING_PARAMETERS = [
    {"name": "page", "in": "query", "required": False, "description": "which page, from 1",
     "schema": {"type": "integer", "minimum": 1, "maximum": 10**9, "default": 1}},
    {"name": "per_page", "in": "query", "required": False, "description": "rows per page",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 100}},
]
CSV_BODY = {
    "text/csv": {"schema": {"type": "string", "description": "UTF-8 (or Windows-1252) CSV; semicolon, comma or tab "
                                                              "separated; the first line names the columns"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary", "description": "the CSV file, as a form uploads it"}}}},
}
PAGING_HEADERS = {
    "X-Total-Count": {"description": "how many rows the whole list has; absent past 10,000 (the list is not counted "
                                     "to its end: follow Link)", "schema": {"type": "integer"}},
    "Link": {"description": "RFC 8288 links to the `next` and `prev` pages, where there are some",
             "schema": {"type": "string"}},
}



def _link_created_to_their_operations(paths: dict[str, dict]) -> None:
    """OpenAPI links from what a POST on a collection creates to every operation on it: `POST /requests` answers
    a request whose `id` is the `request_id` of `GET /requests/{request_id}`, `POST .../approve`… so a client (and
    the generated tests' stateful phase) can follow the flow."""
    for path, operations in paths.items():
        post = operations.get("post")
        if post is None or path.endswith("}"):
            continue
        answer = next((a for code, a in post["responses"].items() if code in ("200", "201")), None)
        if answer is None or "application/json" not in answer.get("content", {}):
            continue
        links = {}
        for target, target_operations in paths.items():
            if not target.startswith(path + "/{"):
                continue
            parameter = target[len(path) + 2:].split("}", 1)[0]
            for method, operation in target_operations.items():
                links[operation["operationId"]] = {"operationId": operation["operationId"],
                                                   "parameters": {parameter: "$response.body#/id"}}
        if links:
            answer["links"] = links


def filter_parameters(op: Operation) -> list[dict]:
    """The query parameters a list is narrowed by."""
    described = {
        "status": {"description": "only rows in this state", "schema": {"type": "string", "enum": list(op.statuses)}},
        "place_id": {"description": "only rows of this place", "schema": ID_SCHEMA},
        "since": {"description": f"only rows {op.dated} on this day or later (ISO date, days of Europe/Paris)",
                  "schema": {"type": "string", "format": "date"}},
        "until": {"description": f"only rows {op.dated} on this day or earlier (ISO date, days of Europe/Paris)",
                  "schema": {"type": "string", "format": "date"}},
    }
    return [{"name": name, "in": "query", "required": False, **described[name]} for name in op.filters]


def filters_description(op: Operation) -> str:
    """What a filtered list's description says of its filters and their refusals."""
    refusals = ["`paging.out_of_range` (page, per_page)"]
    if "status" in op.filters:
        refusals.append("`filter.status_unknown` (a state the list does not have)")
    if "place_id" in op.filters:
        refusals += ["`query.not_whole_number` (place_id)",
                     "`filter.place_unknown` (no such place, or one this user neither sees nor has rows of)"]
    if "since" in op.filters:
        refusals += ["`query.not_date` (since, until not YYYY-MM-DD)", "`filter.period_reversed` (until before since)"]
    return (f"Narrowed by {', '.join(op.filters)}, together; the days are those the rows were {op.dated}, both "
            f"included. A bad value is refused with status 422 and one of the codes {', '.join(refusals)}; "
            "nothing is listed then.")


ERROR_SCHEMAS = {
    "Error": {"type": "object", "required": ["error"], "properties": {
        "error": {"$ref": "#/components/schemas/Refusal"},
        "details": {"type": "array", "description": "a body's problems, one per field (or an import's, one per row)",
                    "items": {"$ref": "#/components/schemas/Problem"}}}},
    "Refusal": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string", "description": "stable, dotted, area first: demand.needed_by_today",
                 "examples": ["request.not_submitted"]},
        "message": {"type": "string", "description": "in the caller's language (Accept-Language: fr, the default, "
                                                     "or en)"},
        "field": {"type": "string", "description": "the input it is about"},
        "params": {"type": "object", "description": "the values the message names, as plain JSON"}}},
    "Problem": {"type": "object", "required": ["code"], "properties": {
        "field": {"type": "string"}, "line": {"type": "integer", "description": "an import's line (the header is 1)"},
        "code": {"type": "string"}, "params": {"type": "object"},
        "message": {"type": "string"}, "reason": {"type": "string", "description": "an import row's message"}}},
}


def refusals(op: Operation) -> dict[str, dict]:
    """The refusals an operation may answer, each an Error: 401 without a valid token, 403 for a role it is not
    open to, 404 for an id the user does not see (or that does not exist: the answer does not tell), any other 4xx
    for input refused."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    answers = {}
    if not op.public:
        answers["401"] = {"description": "No token, or one unknown, revoked or expired (`api.token_missing`, "
                                         "`accounts.token_invalid`, `accounts.token_expired`)", "content": error}
    if op.roles:
        answers["403"] = {"description": f"Only for {', '.join(op.roles)} (and administrators): "
                                         "`access.role_needed`", "content": error}
    if "{" in op.path:
        answers["404"] = {"description": "No such thing among those this user may see", "content": error}
    for status, description in op.refused:
        answers[status] = {"description": description, "content": error}
    answers["4XX"] = {"description": "Refused; nothing was changed", "content": error}
    return answers


def _success_schema(op: Operation, schemas: dict[str, dict]) -> dict:
    """The answer's schema from its declared type; PDF and CSV documents as binary or text."""
    if op.produces == "application/json":
        return {"type": ["object", "array"]} if op.returns is None else _add_schema(op.returns, schemas,
                                                                                     "serialization")
    return {"type": "string", "format": "binary"} if op.produces == "application/pdf" else {"type": "string"}


def _answer_description(op: Operation) -> str:
    """What the success answer is, from its type's docstring (a list's: of its rows)."""
    rows = typing.get_origin(op.returns) is list
    shape = typing.get_args(op.returns)[0] if rows else op.returns
    doc = (getattr(shape, "__doc__", None) or "").strip().split("\n")[0] if isinstance(shape, type) else ""
    return f"A list, each: {doc}" if rows and doc else doc or "Success"


def _add_schema(shape: object, schemas: dict[str, dict], mode: str = "validation") -> dict:
    """Put a type's JSON schema, and the types it nests, under components/schemas; the schema that names it.

    A model or a TypedDict is named after its class (two different ones may not share a name); a list or a union
    of them is written in place, referring to them."""
    schema = TypeAdapter(shape).json_schema(ref_template="#/components/schemas/{model}", mode=mode)  # type: ignore[arg-type]
    for name, nested in schema.pop("$defs", {}).items():
        _name(schemas, name, nested)
    if isinstance(shape, type) and (issubclass(shape, BaseModel) or is_typeddict(shape)):
        _name(schemas, shape.__name__, schema)
        return {"$ref": f"#/components/schemas/{shape.__name__}"}
    return schema


def _name(schemas: dict[str, dict], name: str, schema: dict) -> None:
    """Keep a schema under its name, refusing a second, different one of the same name."""
    if schemas.setdefault(name, schema) != schema:
        raise ValueError(f"two different schemas are named {name}")
