"""Aggregated, anonymised figures for the public and the dashboards."""
from __future__ import annotations

from sqlalchemy import func, text
from sqlmodel import select

from makernet.models import Machine, Place, RequestLine
from makernet.services.context import Context


def public_figures(ctx: Context) -> dict:
    """Units asked, made and delivered, and the production capacity, over the whole instance."""
    with ctx.db.reading() as s:
        asked, made, received = s.exec(select(
            func.coalesce(func.sum(RequestLine.quantity), 0), func.coalesce(func.sum(RequestLine.units_made), 0),
            func.coalesce(func.sum(RequestLine.units_received), 0))).one()
        places = s.exec(select(func.count(Place.id)).where(Place.active == True)).one()  # noqa: E712
        machines = s.exec(select(func.count(Machine.id)).where(Machine.active == True)).one()  # noqa: E712
    return {"asked": int(asked), "made": int(made), "received": int(received),
            "places": int(places), "machines": int(machines)}


def database_ok(ctx: Context) -> bool:
    """Whether the database answers a trivial query."""
    with ctx.db.reading() as s:
        return s.exec(select(text("1"))).one() is not None
