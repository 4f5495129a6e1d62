"""Supply requests as they are read."""
from __future__ import annotations

from sqlalchemy import case
from sqlmodel import select

from makernet.domain.states import SupplyRequestStatus
from makernet.models import SupplyRequest
from makernet.services.access import Actor, visible_supply_request
from makernet.services.context import Context
from makernet.services.listing import Filters, Rows, Window, filtered, page_of, supply_seen
from makernet.services.supply.views import OPEN, supply_view
from makernet.services.supply.views import SupplyView


def get_supply_request(ctx: Context, actor: Actor, supply_id: int) -> SupplyView:
    """One supply request with what it still awaits and the movements that answered it."""
    with ctx.db.reading() as s:
        return supply_view(s, visible_supply_request(s, actor, supply_id))


STATUSES = tuple(st.value for st in SupplyRequestStatus)


def list_supply_requests(ctx: Context, actor: Actor, filters: Filters | None = None,
                         window: Window | None = None) -> Rows[SupplyView]:
    """Supply requests the actor may see, open ones with the nearest need first, narrowed by state, place and the
    days they were posted: one page of them, or all without a window."""
    with ctx.db.reading() as s:
        query = select(SupplyRequest).order_by(  # type: ignore[arg-type]
            case((SupplyRequest.status.in_(OPEN), 0), else_=1), SupplyRequest.needed_by.is_(None),  # type: ignore[attr-defined]
            SupplyRequest.needed_by, SupplyRequest.id.desc())  # type: ignore[union-attr]
        query = filtered(s, actor, supply_seen(query, actor), filters or Filters(), STATUSES,
                         status=SupplyRequest.status, place=SupplyRequest.place_id, moment=SupplyRequest.created_at)
        return page_of(s, query, window, lambda supply: supply_view(s, supply))
