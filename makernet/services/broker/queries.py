"""What admins read about places' workers: the reports central workers refused."""
from __future__ import annotations

from sqlmodel import select

from makernet.models import AuditEntry, Place
from makernet.services.access import Actor
from makernet.services.context import Context

SHOWN = 200


def refused_reports(ctx: Context, actor: Actor) -> list[dict]:
    """The latest refused reports, newest first: when, which kind, the sending place (None: no place's user)
    and why (admins only)."""
    actor.require("admin")
    with ctx.db.reading() as s:
        entries = s.exec(select(AuditEntry).where(AuditEntry.entity == "report", AuditEntry.to_state == "refused")
                         .order_by(AuditEntry.id.desc()).limit(SHOWN)).all()  # type: ignore[union-attr]
        names = dict(s.exec(select(Place.id, Place.name).where(
            Place.id.in_({e.entity_id for e in entries}))).all())  # type: ignore[attr-defined]
    return [{"at": e.at, "report": e.from_state, "place_id": e.entity_id or None,
             "place": names.get(e.entity_id, ""), "note": e.note} for e in entries]
