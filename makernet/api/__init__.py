"""The JSON API under /api/v1 and its error mapping."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from makernet.api.endpoints import BodyError
from makernet.api.routes import bp
from makernet.errors import MakerNetError

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Register the API and map every error to a JSON answer."""
    app.register_blueprint(bp)
    from makernet.api import planning_routes; app.register_blueprint(planning_routes.bp)  # noqa: E702
    from makernet.api import stock_routes; app.register_blueprint(stock_routes.bp)  # noqa: E702

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
