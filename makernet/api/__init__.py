"""The JSON API under /api/v1: one blueprint per area, and its error mapping."""
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

log = logging.getLogger(__name__)
AREAS = (accounts, catalogue, demand, places, fleet, planning, plans, production, stock, supply, deliveries, documents,
         exchange, openapi)  # one blueprint each, named <area>_api, all under /api/v1


def init_app(app: Flask) -> None:
    """Register the API and map every error to a JSON answer."""
    for area in AREAS:
        app.register_blueprint(area.bp)

    @app.errorhandler(MakerNetError)
    def domain_error(error: MakerNetError):  # noqa: ANN202
        payload: dict = {"error": error.message}
        if error.field:
            payload["field"] = error.field
        if isinstance(error, BodyError) and error.details:
            payload["details"] = error.details
        return jsonify(payload), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        if not request.path.startswith("/api/"):
            return error
        return jsonify({"error": error.description or error.name}), error.code

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # noqa: ANN202
        log.exception("unexpected error on %s %s", request.method, request.path)
        message = "An unexpected error occurred; it has been logged."
        if request.path.startswith("/api/"):
            return jsonify({"error": message}), 500
        return message, 500
