"""Places and their machines as operators and coordinators read them."""
from __future__ import annotations

from sqlmodel import select

from makernet.errors import NotFound
from makernet.models import Machine, Place
from makernet.services.accounts import Actor
from makernet.services.context import Context
from makernet.services.production import machine_view


def _visible(actor: Actor, place: Place) -> bool:
    return place.organisation_id == actor.organisation_id or actor.sees_departement(place.departement)


def list_places(ctx: Context, actor: Actor) -> list[dict]:
    """The places this actor may see: their own, or their territory's."""
    with ctx.db.reading() as s:
        places = s.exec(select(Place).order_by(Place.id)).all()  # type: ignore[arg-type]
        return [place_view(s, p) for p in places if _visible(actor, p)]


def get_place(ctx: Context, actor: Actor, place_id: int) -> dict:
    """One place with its machines."""
    with ctx.db.reading() as s:
        place = s.get(Place, place_id)
        if place is None or not _visible(actor, place):
            raise NotFound(f"Place {place_id} not found.")
        return place_view(s, place)


def place_view(s: object, place: Place) -> dict:
    """A place, its conditions and machines, as plain data."""
    machines = s.exec(select(Machine).where(Machine.place_id == place.id).order_by(Machine.id)).all()  # type: ignore[attr-defined]
    return {"id": place.id, "organisation_id": place.organisation_id, "name": place.name,
            "commune": place.commune, "departement": place.departement,
            "latitude": place.latitude, "longitude": place.longitude,
            "staff_available": place.staff_available, "opening_hours": place.opening_hours,
            "batch_limit": place.batch_limit, "hourly_value_cents": place.hourly_value_cents,
            "accepted_item_ids": place.accepted_item_ids, "auto_accept": place.auto_accept,
            "active": place.active, "machines": [machine_view(m) for m in machines]}
