"""HTML pages."""
from __future__ import annotations

from flask import Blueprint, Flask, render_template

from makernet.services import reporting
from makernet.services.context import current_context

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """The public front page: what was asked, made and delivered."""
    return render_template("home/index.html", figures=reporting.public_figures(current_context()))


@bp.get("/health")
def health() -> dict:
    """For load balancers and the test harness: the app answers and its database too."""
    return {"status": "ok", "database": reporting.database_ok(current_context())}


def init_app(app: Flask) -> None:
    """Register the pages."""
    app.register_blueprint(bp)
