"""Places as they are read: the list, one place with its machines, where material may go."""
from __future__ import annotations

from sqlmodel import select

from makernet.errors import NotFound
from makernet.models import Place
from makernet.services.access import Actor, local_departements, may_send_material_to, sees_place
from makernet.services.context import Context
from makernet.services.places.views import place_view
from makernet.services.places.views import PlaceView


def list_places(ctx: Context, actor: Actor) -> list[PlaceView]:
    """The places this actor may see: their own, or their territory's."""
    with ctx.db.reading() as s:
        places = s.exec(select(Place).order_by(Place.id)).all()  # type: ignore[arg-type]
        return [place_view(s, p) for p in places if sees_place(actor, p)]


def get_place(ctx: Context, actor: Actor, place_id: int) -> PlaceView:
    """One place with its machines."""
    with ctx.db.reading() as s:
        place = s.get(Place, place_id)
        if place is None or not sees_place(actor, place):
            raise NotFound("place.not_found", id=place_id)
        return place_view(s, place)


def transfer_targets(ctx: Context, actor: Actor, place_id: int) -> list[dict]:
    """Places material can be sent to from this one: the actor's local network (see access.transfer_target)."""
    get_place(ctx, actor, place_id)
    with ctx.db.reading() as s:
        local = local_departements(s, actor)
        places = s.exec(select(Place).where(Place.active == True, Place.id != place_id)  # noqa: E712
                        .order_by(Place.name)).all()  # type: ignore[arg-type]
        return [{"id": p.id, "name": p.name, "commune": p.commune, "departement": p.departement} for p in places
                if may_send_material_to(actor, p, local)]
