"""Stock: a place's levels and ledger; the territory's levels and alerts."""
from __future__ import annotations

from flask import render_template, request

from makernet.services import places, reporting, stock
from makernet.services.context import current_context as ctx
from makernet.web.feedback import page_blueprint
from makernet.web.session import actor, roles

bp = page_blueprint("stock", __name__)


@bp.get("/places/<int:place_id>/stock")
@roles("operator", "coordinator")
def place_stock(place_id: int) -> str:
    """Levels of every material at a place, and its ledger entries (newest first)."""
    material_id = request.args.get("material_id", type=int)
    return render_template("stock/place.html", place=places.get_place(ctx(), actor(), place_id),
                           levels=stock.levels(ctx(), actor(), place_id), material_id=material_id,
                           ledger=stock.ledger(ctx(), actor(), place_id, material_id)[:200])


@bp.get("/stock")
@roles("coordinator")
def overview() -> str:
    """Every place's levels in the territory, alerts first."""
    return render_template("stock/overview.html", stock=reporting.stock_overview(ctx(), actor()))
