"""API of places (/api/v1): the places a user may see, with their conditions and machines."""
from __future__ import annotations

from flask import Blueprint

from makernet.api.endpoints import endpoint
from makernet.api.schemas import ConditionsIn
from makernet.services import places
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx
from makernet.services.listing import Rows, Window, page_list
from makernet.services.places import PlaceChanged, PlaceView

bp = Blueprint("places_api", __name__, url_prefix="/api/v1")


@endpoint(bp, "get", "/places", "Places this user may see, with their machines", paged=True)
def list_places(actor: Actor, window: Window) -> Rows[PlaceView]:
    return page_list(places.list_places(ctx(), actor), window)


@endpoint(bp, "get", "/places/{place_id}", "One place with its conditions and machines")
def get_place(actor: Actor, place_id: int) -> PlaceView:
    return places.get_place(ctx(), actor, place_id)


@endpoint(bp, "put", "/places/{place_id}/conditions",
          "Set the conditions of one's own place (operators): staff, hours, batch limit, items, delivery means "
          "(runners, runs, vehicle, reach); those left out keep their value", body=ConditionsIn, roles=("operator",))
def set_conditions(actor: Actor, place_id: int, body: ConditionsIn) -> PlaceChanged:
    return places.set_conditions(ctx(), actor, place_id, body.model_dump(include=body.model_fields_set))
