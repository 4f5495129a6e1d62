"""The JSON API under /api/v1: one blueprint per area, and its error mapping.

A refusal answers {"error": {"code", "message", "field"?, "params"?}, "details"?} with a 4xx status; the
message is in the caller's language (Accept-Language: French by default, English on request).
"""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from makernet.api import (
    accounts,
    catalogue,
    deliveries,
    demand,
    documents,
    exchange,
    fleet,
    notices,
    openapi,
    places,
    planning,
    plans,
    production,
    stock,
    supply,
)
from makernet.api.endpoints import BodyError
from makernet.errors import MakerNetError
from makernet.messages import plain, render, render_error

log = logging.getLogger(__name__)
AREAS = (accounts, catalogue, demand, places, fleet, planning, plans, production, stock, supply, deliveries, documents,
         exchange, notices, openapi)  # one blueprint each, named <area>_api, all under /api/v1


def init_app(app: Flask) -> None:
    """Register the API and map every error to a JSON answer."""
    for area in AREAS:
        app.register_blueprint(area.bp)

    @app.errorhandler(MakerNetError)
    def domain_error(error: MakerNetError):  # noqa: ANN202
        payload: dict = {"error": refusal(error.code, render_error(error), error.field, error.params)}
        if isinstance(error, BodyError) and error.details:
            payload["details"] = error.details
        return jsonify(payload), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        if not request.path.startswith("/api/"):
            return error
        code = HTTP_CODES.get(error.code or 400, "http.refused")
        params = {} if code in HTTP_CODES.values() else {"status": error.code}
        return jsonify({"error": refusal(code, render(code, params), None, params)}), error.code

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # noqa: ANN202
        log.exception("unexpected error on %s %s", request.method, request.path)
        message = render("server.unexpected")
        if request.path.startswith("/api/"):
            return jsonify({"error": refusal("server.unexpected", message, None, {})}), 500
        return message, 500


HTTP_CODES = {404: "http.not_found", 405: "http.method_not_allowed", 413: "http.too_large"}


def refusal(code: str, message: str, field: str | None, params: dict) -> dict:
    """The "error" member of a refusal: its code, its message in the caller's language, its field and values."""
    answer: dict = {"code": code, "message": message}
    if field:
        answer["field"] = field
    if params:
        answer["params"] = plain(params)
    return answer
