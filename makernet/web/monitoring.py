"""/metrics for the admin's Prometheus, and the count of every answered request.

Not public: an admin's session, or an admin's API token as `Authorization: Bearer <token>` (how a
Prometheus server scrapes). Anyone else gets the API's coded refusal, 401 or 403, and no figure.
"""
from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request
from flask_login import current_user

from makernet.errors import Unauthorized
from makernet.services import accounts, monitoring
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx

bp = Blueprint("monitoring", __name__)


def init_app(app: Flask) -> None:
    """Give the app its tally and count every answer, whatever area or error it comes from."""
    tally = monitoring.Tally(app.extensions["makernet"].db)
    app.extensions["monitoring"] = tally

    @app.after_request
    def count(answer: Response) -> Response:
        group = request.blueprint or ("static" if request.endpoint == "static" else "unrouted")
        monitoring.count_request(tally, request.method, group, answer.status_code)
        return answer


@bp.get("/metrics")
def metrics() -> Response:
    """The Prometheus text exposition (format 0.0.4) of the whole installation."""
    text = monitoring.exposition(ctx(), _admin(), current_app.extensions["monitoring"])
    return Response(text, content_type=monitoring.CONTENT_TYPE, headers={"Cache-Control": "no-store"})


def _admin() -> Actor:
    """The caller: an API token when one is sent (a scraper), else the signed-in user."""
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("api.token_missing")
        return accounts.actor_from_token(ctx(), token.strip())
    if current_user.is_authenticated:
        return current_user.actor
    raise Unauthorized("api.token_missing")
