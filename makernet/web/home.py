"""The public front page and the health check."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from makernet.services import operations, reporting
from makernet.services.context import current_context
from makernet.web.feedback import page_blueprint

bp = page_blueprint("home", __name__)

ROLE_HOME = {"requester": "demand.my_requests", "operator": "planning.work_orders",
             "coordinator": "demand.triage", "admin": "accounts.users"}


@bp.get("/")
def index() -> str:
    """The public front page: what was asked, made and delivered."""
    return render_template("home/index.html", figures=reporting.public_figures(current_context()))


@bp.get("/health")
def health() -> tuple[dict, int]:
    """For load balancers and monitoring: the database, the broker, beat and the push listener; 503 when one is missing."""
    report = operations.health(current_context())
    return report, 200 if report["status"] == "ok" else 503


@bp.get("/health/web")
def web_health() -> tuple[dict, int]:
    """For load balancers and container checks: this web process answers and reaches its database; 503 if not.
    Beat or the listener being down is no reason to take a web host out of service."""
    report = operations.web_health(current_context())
    return report, 200 if report["status"] == "ok" else 503


@bp.get("/start")
def start() -> Response:
    """Where each role begins its day."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for(ROLE_HOME.get(current_user.role, "home.index")))
