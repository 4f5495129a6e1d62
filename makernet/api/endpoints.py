"""How a JSON endpoint is declared: route, documentation, authentication and body parsing in one place."""
from __future__ import annotations

import functools
import re
import typing
from collections.abc import Callable
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request
from pydantic import BaseModel, ValidationError

from makernet.api.openapi import OPERATIONS, Operation, QueryParameter
from makernet.api.problems import problem
from makernet.errors import InvalidInput, MakerNetError, Unauthorized
from makernet.messages import render
from makernet.services.accounts import actor_from_token
from makernet.services.context import current_context
from makernet.services.fields import MAX_ID
from makernet.services.listing import Rows, Window


class BodyError(MakerNetError):
    """A body that is not valid JSON or does not match its schema; `details` are its problems, already worded."""

    def __init__(self, code: str, status: int, details: list[dict], /, **params: object) -> None:
        super().__init__(code, **params)
        self.status = status
        self.details = details

COUNTED_UP_TO = 10_000   # a list longer than this is not counted to its end: no total, its Link still leads on


def endpoint(bp: Blueprint, method: str, path: str, summary: str, *, body: type[BaseModel] | None = None,
             success: int = 200, public: bool = False, produces: str | None = None,
             returns: object = None, paged: bool = False, filters: tuple[str, ...] = (),
             statuses: tuple[str, ...] = (), dated: str = "", roles: tuple[str, ...] = (),
             query: tuple[QueryParameter, ...] = (), csv_body: bool = False,
             refused: tuple[tuple[str, str], ...] = ()) -> Callable:
    """Declare an endpoint: the view gets `actor` (unless public) and the parsed `body`.

    `produces` is the success content type; by default JSON, or PDF/CSV for paths ending so. The success answer is
    documented from the view's return annotation (a TypedDict of the area's views, a list of them, `Rows[...]`),
    or from `returns` when given. `roles` are those the operation is open to, documented with their 403. A `paged`
    list's view gets the `window` the query string asks for and returns `Rows`: the answer is that page, with the
    total in X-Total-Count (counted up to COUNTED_UP_TO rows: a longer list has none) and the next and previous pages
    in Link.
    `filters` are the query parameters it is narrowed by (`Filters`: status among `statuses`, place_id, since and
    until, days of what `dated` says), documented with their refusals; `query` documents any other parameter; `csv_body` an uploaded CSV file;
    `refused` the refusals of its own, (status, description), beyond 401, 403, 404 and any other 4xx.
    """
    produces = produces or {"pdf": "application/pdf", "csv": "text/csv"}.get(path.rsplit(".", 1)[-1],
                                                                               "application/json")
    rule = re.sub(r"\{(\w+)\}", r"<int:\1>", path)

    def decorate(view: Callable) -> Callable:
        OPERATIONS.append(Operation(method.lower(), path, summary, body, success, public, produces,
                                    returns if returns is not None else answer_type(view), paged, filters, statuses,
                                    dated, bp.name.removesuffix("_api"), roles, query, csv_body, refused))
        @functools.wraps(view)
        def handler(**kwargs: object) -> object:
            if not public:
                kwargs["actor"] = actor_from_token(current_context(), _bearer_token())
            _no_empty_parameters()
            if body is not None:
                kwargs["body"] = parse_body(body)
            if paged:
                kwargs["window"] = Window.of(request.args.get("page"), request.args.get("per_page"),
                                             counted_up_to=COUNTED_UP_TO)
            result = view(**kwargs)
            if isinstance(result, Response):  # files (PDF, CSV) go out as the view made them
                return result
            if isinstance(result, Rows):
                return jsonify(list(result)), success, _paging_headers(result)
            return jsonify(result), success

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=handler, methods=[method.upper()])
        return handler

    return decorate


def answer_type(view: Callable) -> object:
    """What a view's JSON answer is, from its return annotation: a page of `Rows[X]` is a list of X; a file
    (`Response`) or a bare `dict` or `list` says nothing (None)."""
    answer = typing.get_type_hints(view).get("return")
    if typing.get_origin(answer) is Rows:
        return list[typing.get_args(answer)[0]]  # type: ignore[misc]
    return None if answer in (None, Response, dict, list, Rows) else answer


def _paging_headers(rows: Rows) -> dict[str, str]:
    """The list's total, and links to the pages beside this one (the query string kept, its page changed)."""
    links = []
    for rel, page in (("next", rows.window.page + 1), ("prev", rows.window.page - 1)):
        if 1 <= page <= rows.pages and (rel == "prev" or rows.has_next):
            query = urlencode({**request.args.to_dict(), "page": page, "per_page": rows.window.per_page})
            links.append(f'<{request.base_url}?{query}>; rel="{rel}"')
    return {**({} if rows.more else {"X-Total-Count": str(rows.total)}), **({"Link": ", ".join(links)} if links else {})}


def _bearer_token() -> str:
    """The token of the Authorization header."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("api.token_missing")
    return token.strip()


def parse_body(model: type[BaseModel]) -> BaseModel:
    """Validate the JSON body against its schema, or refuse it with every problem named."""
    if not request.is_json:
        raise BodyError("body.not_json_content", 415, [])
    try:
        body = model.model_validate_json(request.get_data() or b"")
    except ValidationError as error:
        details = [problem(e) for e in error.errors()]
        if any(e["type"] == "json_invalid" for e in error.errors()):
            raise BodyError("body.json_invalid", 400, details) from None
        summary = "; ".join(render("body.problem", {"field": d["field"] or "body", "problem": d["message"]})
                            for d in details[:5])
        raise BodyError("body.invalid", 422, details, problems=summary) from None
    details = [{"field": where, "code": "body.nul_character", "message": render("body.nul_character")}
               for where in _nul_characters(body.model_dump(mode="json"))]
    if details:   # no database keeps one in a text
        raise BodyError("body.invalid", 422, details, problems=render("body.problem", {
            "field": details[0]["field"], "problem": details[0]["message"]}))
    return body


def _nul_characters(value: object, where: str = "") -> list[str]:
    """The dotted paths of the texts of a body that hold a NUL character."""
    if isinstance(value, str):
        return [where or "body"] if "\x00" in value else []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [found for key, inner in items for found in _nul_characters(inner, f"{where}.{key}" if where else str(key))]


def _no_empty_parameters() -> None:
    """A query parameter given is given a value: `?status=` is refused, not read as "any" (leave it out for that)."""
    for name, value in request.args.items(multi=True):
        if value == "":
            raise InvalidInput("query.empty", field=name, name=name)


FLAGS = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False, "oui": True, "non": False}


def query_flag(name: str, default: bool) -> bool:
    """A yes-or-no query parameter (true/false, 1/0, yes/no, oui/non), or the default when it is not given."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if raw.lower() not in FLAGS:
        raise InvalidInput("query.not_flag", field=name, name=name)
    return FLAGS[raw.lower()]


def query_int(name: str) -> int | None:
    """An optional positive integer from the query string."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        raise InvalidInput("query.not_whole_number", field=name, name=name)
    return int(raw)
