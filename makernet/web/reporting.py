"""Reporting: the coordinators' dashboard (demand vs made vs delivered, stock alerts, printer states)."""
from __future__ import annotations

from flask import render_template, request

from makernet.services import fleet, reporting
from makernet.services.context import current_context as ctx
from makernet.services.listing import Window
from makernet.web.feedback import page_blueprint
from makernet.web.session import actor, roles

bp = page_blueprint("reporting", __name__)
PERIODS = (14, 28, 56, 112)
PAGE_ROWS = 50   # late lines on a page


@bp.get("/dashboard")
@roles("coordinator")
def index() -> str:
    """Charts and tables over the chosen period (56 days by default: the spring-2020 run)."""
    days = request.args.get("days", type=int)
    days = days if days in PERIODS else 56
    return render_template("reporting/index.html", d=reporting.dashboard(ctx(), actor(), days), days=days,
                           periods=PERIODS, stock=reporting.stock_overview(ctx(), actor()),
                           printers=fleet.territory_printers(ctx(), actor()))


@bp.get("/dashboard/printers")
@roles("coordinator")
def printers() -> str:
    """The printer states table alone, refreshed live by htmx."""
    return render_template("reporting/_printers.html", printers=fleet.territory_printers(ctx(), actor()))


@bp.get("/late")
@roles("coordinator")
def late() -> str:
    """Request lines overdue or due within a few days that still miss units, and why."""
    lines = reporting.late_work(ctx(), actor(), window=Window.of(request.args.get("page"), None, PAGE_ROWS))
    return render_template("reporting/late.html", lines=lines,
                           within=reporting.AT_RISK_DAYS)
