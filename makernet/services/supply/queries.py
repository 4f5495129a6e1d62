"""Supply requests as they are read."""
from __future__ import annotations

from sqlmodel import select

from makernet.domain.states import SupplyRequestStatus
from makernet.errors import InvalidInput, NotFound
from makernet.models import SupplyRequest
from makernet.services.access import Actor, visible_supply_request
from makernet.services.context import Context
from makernet.services.supply.views import OPEN, supply_view


def get_supply_request(ctx: Context, actor: Actor, supply_id: int) -> dict:
    """One supply request with what it still awaits and the movements that answered it."""
    with ctx.db.reading() as s:
        return supply_view(s, visible_supply_request(s, actor, supply_id))


def list_supply_requests(ctx: Context, actor: Actor, status: str | None = None) -> list[dict]:
    """Supply requests the actor may see, open ones with the nearest need first."""
    if status is not None and status not in {st.value for st in SupplyRequestStatus}:
        raise InvalidInput("filter.status_unknown", field="status", value=status)
    with ctx.db.reading() as s:
        query = select(SupplyRequest).order_by(SupplyRequest.id.desc())  # type: ignore[union-attr]
        if status:
            query = query.where(SupplyRequest.status == status)
        found = []
        for supply in s.exec(query.limit(1000)).all():
            try:
                found.append(supply_view(s, visible_supply_request(s, actor, supply.id)))
            except NotFound:
                continue
        found.sort(key=lambda v: (v["status"] not in OPEN, v["needed_by"] or "9999"))
        return found
