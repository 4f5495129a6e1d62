"""Places: an operator's own place (machines, conditions, stock); a coordinator's territory."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from makernet.services import catalogue, places, stock
from makernet.services.context import current_context as ctx
from makernet.web.feedback import page_blueprint
from makernet.web.hours import opening_rows
from makernet.web.session import actor, roles

bp = page_blueprint("places", __name__)


@bp.get("/places")
@roles("operator", "coordinator")
def list_places() -> object:
    """My place (operators go straight to it when they have one) or the territory's places."""
    found = places.list_places(ctx(), actor())
    own = [p for p in found if p["organisation_id"] == current_user.data["organisation_id"]]
    if current_user.role == "operator" and len(own) == 1:
        return redirect(url_for("places.place", place_id=own[0]["id"]))
    return render_template("places/list.html", places=found)


@bp.get("/places/<int:place_id>")
@roles("operator", "coordinator")
def place(place_id: int) -> str:
    """One place: conditions, machines and stock levels."""
    found = places.get_place(ctx(), actor(), place_id)
    items = {i["id"]: i["name"] for i in catalogue.list_items(ctx())}
    return render_template("places/detail.html", place=found, levels=stock.levels(ctx(), actor(), place_id),
                           items=items, hours=opening_rows(found["opening_hours"]))
