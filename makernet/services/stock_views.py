"""Read-only stock views for the pages: materials to choose from, a filtered ledger, places with surplus."""
from __future__ import annotations

from sqlmodel import select

from makernet.errors import InvalidInput
from makernet.models import Material, Place
from makernet.services.accounts import Actor
from makernet.services.context import Context
from makernet.services.stock import KINDS, ledger, stock_states

SHOWN_ENTRIES = 200


def materials(ctx: Context) -> list[dict]:
    """Every material, by name, with its unit."""
    with ctx.db.reading() as s:
        return [{"id": m.id, "code": m.code, "name": m.name, "unit": m.unit, "threshold": m.low_stock_threshold}
                for m in s.exec(select(Material).order_by(Material.name)).all()]  # type: ignore[arg-type]


def ledger_page(ctx: Context, actor: Actor, place_id: int, material_id: int | None = None,
                kind: str | None = None) -> list[dict]:
    """A place's ledger entries, newest first, of one material and one kind of movement if asked."""
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"Unknown kind of movement {kind!r}.", field="kind")
    entries = [e for e in ledger(ctx, actor, place_id, material_id) if kind is None or e["kind"] == kind]
    names = {m["id"]: m for m in materials(ctx)}
    return [e | {"material_name": names[e["material_id"]]["name"], "unit": names[e["material_id"]]["unit"]}
            for e in entries[:SHOWN_ENTRIES]]


def surplus_places(ctx: Context, actor: Actor, material_id: int, except_place_id: int) -> list[dict]:
    """Places of the coordinator's territory with some of a material free (not promised to accepted work)."""
    with ctx.db.reading() as s:
        places = {p.id: p for p in s.exec(select(Place).where(Place.active == True)).all()  # noqa: E712
                  if p.id != except_place_id and actor.sees_departement(p.departement)}
        states = stock_states(s, list(places))
        found = [{"id": p, "name": places[p].name, "departement": places[p].departement, "available": st.available}
                 for (p, m), st in states.items() if m == material_id and st.available > 0]
        return sorted(found, key=lambda f: (-f["available"], f["name"]))
