"""Supply requests as they are read."""
from __future__ import annotations

from sqlalchemy import case
from sqlmodel import select

from makernet.domain.states import SupplyRequestStatus
from makernet.errors import InvalidInput
from makernet.models import SupplyRequest
from makernet.services.access import Actor, visible_supply_request
from makernet.services.context import Context
from makernet.services.listing import Rows, Window, page_of, supply_seen
from makernet.services.supply.views import OPEN, supply_view


def get_supply_request(ctx: Context, actor: Actor, supply_id: int) -> dict:
    """One supply request with what it still awaits and the movements that answered it."""
    with ctx.db.reading() as s:
        return supply_view(s, visible_supply_request(s, actor, supply_id))


def list_supply_requests(ctx: Context, actor: Actor, status: str | None = None, window: Window | None = None) -> Rows:
    """Supply requests the actor may see, open ones with the nearest need first: one page of them, or all
    without a window."""
    if status is not None and status not in {st.value for st in SupplyRequestStatus}:
        raise InvalidInput("filter.status_unknown", field="status", value=status)
    with ctx.db.reading() as s:
        query = select(SupplyRequest).order_by(  # type: ignore[arg-type]
            case((SupplyRequest.status.in_(OPEN), 0), else_=1), SupplyRequest.needed_by.is_(None),  # type: ignore[attr-defined]
            SupplyRequest.needed_by, SupplyRequest.id.desc())  # type: ignore[union-attr]
        if status:
            query = query.where(SupplyRequest.status == status)
        query = supply_seen(query, actor)
        return page_of(s, query, window, lambda supply: supply_view(s, supply))
