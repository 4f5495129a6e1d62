"""Read-only delivery views for the pages: a place's deliveries, one delivery as its receiver sees it."""
from __future__ import annotations

from sqlmodel import Session, select

from makernet.errors import NotFound
from makernet.models import Delivery, Item, Organisation, Place, Request, RequestLine
from makernet.services.accounts import Actor
from makernet.services.context import Context
from makernet.services.deliveries import delivery_view, get_delivery

SHOWN = 100


def _named(s: Session, view: dict) -> dict:
    """A delivery with its item names, place, requester and request's delivery point."""
    items = {i.id: i.name for i in s.exec(select(Item)).all()}
    request = s.get(Request, view["request_id"])
    for line in view["lines"]:
        line["item_name"] = items.get(s.get(RequestLine, line["request_line_id"]).item_id, "?")
    return view | {"place_name": s.get(Place, view["place_id"]).name,
                   "requester": s.get(Organisation, request.organisation_id).name,
                   "delivery_point": request.delivery_point, "needed_by": request.needed_by,
                   "units": sum(line["quantity"] for line in view["lines"])}


def place_deliveries(ctx: Context, actor: Actor, place_id: int) -> dict:
    """The deliveries leaving a place (its operators', or a coordinator's territory's), newest first."""
    with ctx.db.reading() as s:
        place = s.get(Place, place_id)
        if place is None or not (actor.role == "admin" or place.organisation_id == actor.organisation_id
                                 or actor.sees_departement(place.departement)):
            raise NotFound(f"Place {place_id} not found.")
        rows = s.exec(select(Delivery).where(Delivery.place_id == place.id)
                      .order_by(Delivery.id.desc()).limit(SHOWN)).all()  # type: ignore[union-attr]
        return {"place": {"id": place.id, "name": place.name, "organisation_id": place.organisation_id},
                "deliveries": [_named(s, delivery_view(s, d)) for d in rows]}


def delivery_page(ctx: Context, actor: Actor, delivery_id: int) -> dict:
    """One delivery the actor may see, with item names, where it comes from and where it goes."""
    view = get_delivery(ctx, actor, delivery_id)
    with ctx.db.reading() as s:
        return _named(s, view)
