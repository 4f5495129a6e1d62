"""Work orders: a coordinator allocates, the place accepts, declines or accepts part."""
from __future__ import annotations

from datetime import date

from makernet.domain.explanations import taken_back
from makernet.domain.states import RequestStatus, WorkOrderStatus
from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.domain.transport import due_day
from makernet.models import Organisation, Request, RequestLine, WorkOrder
from makernet.models.base import utcnow
from makernet.services.access import Actor, coordinated_work_order, own_work_order, visible_request
from makernet.services.context import Context
from makernet.services.events import WorkAccepted, WorkProposed, WorkRefused, WorkTakenBack, record
from makernet.services.planning.operations import (accept_order, allocatable_place, allocated_quantity, not_begun,
                                                   take_back, validated_design)
from makernet.services.planning.views import work_order_view
from makernet.services.production.operations import start_work_order
from makernet.services.transitions import created, move
from makernet.services.planning.views import WorkOrderView


def allocate(ctx: Context, actor: Actor, *, request_line_id: int, place_id: int, quantity: int,
             design_version_id: int | None = None, reason: str = "") -> WorkOrderView:
    """Propose part of a request line to a place; a place that chose auto-accept takes it at once."""
    actor.require("coordinator")
    with ctx.db.transaction() as tx:
        s = tx.session
        line = s.get(RequestLine, request_line_id)
        if line is None:
            raise NotFound("request_line.not_found", id=request_line_id)
        request = visible_request(s, actor, line.request_id)
        if request.status not in ("approved", "allocated", "in_production", "shipped"):
            raise Conflict("request.not_approved", id=request.id, status=request.status)
        place = allocatable_place(s, actor, place_id, line.item_id)
        free = line.quantity - allocated_quantity(s, line.id)
        if quantity <= 0 or quantity > free:
            raise InvalidInput("planning.quantity_out_of_range", field="quantity", most=free)
        if place.batch_limit is not None and quantity > place.batch_limit:
            raise InvalidInput("planning.over_batch_limit", field="quantity", place=place.name, most=place.batch_limit)
        design = validated_design(s, line.item_id, request, design_version_id)
        requester = s.get(Organisation, request.organisation_id)
        order = WorkOrder(request_line_id=line.id, place_id=place.id, design_version_id=design.id,
                          quantity=quantity, reason=reason.strip(), created_by=actor.user_id,
                          due_by=due_day(place, request.latitude, request.longitude, requester.departement,
                                         request.needed_by, date.today(), ctx.settings.shuttle_weekdays))
        s.add(order)
        s.flush()
        created(s, WorkOrder, order.id, order.status, user_id=actor.user_id, note=f"{quantity} units")
        record(ctx, tx, WorkProposed((order.id,)))
        move(s, Request, RequestStatus, request.id, "allocate", user_id=actor.user_id)
        if place.auto_accept:
            accept_order(s, order, quantity, None, "auto-accepted by the place's conditions")
            start_work_order(ctx, tx, order)
        s.flush()
        return work_order_view(s, order)


def accept_work_order(ctx: Context, actor: Actor, work_order_id: int, quantity: int | None = None,
                      today: date | None = None) -> WorkOrderView:
    """The place accepts all of a proposed work order, or part of it (the rest is planned again)."""
    actor.require("operator")

    with ctx.db.transaction() as tx:
        order = own_work_order(tx.session, actor, work_order_id)
        quantity = order.quantity if quantity is None else quantity
        if quantity <= 0 or quantity > order.quantity:
            raise InvalidInput("planning.accept_out_of_range", field="quantity", most=order.quantity)
        if order.status != "proposed":
            raise Conflict("work_order.not_acceptable", id=work_order_id, status=order.status)
        note = "accepted" if quantity == order.quantity else f"accepted {quantity} of {order.quantity}"
        if not accept_order(tx.session, order, quantity, actor.user_id, note):
            raise Conflict("work_order.decided_meanwhile", id=work_order_id)
        start_work_order(ctx, tx, order)
        record(ctx, tx, WorkAccepted(order.id, quantity))
        if quantity < order.quantity:
            record(ctx, tx, WorkRefused(order.id, order.request_line_id, "partial", (("explain.refused_partial", {
                "accepted": quantity, "quantity": order.quantity}),), actor.user_id, today))
        return work_order_view(tx.session, order)


def decline_work_order(ctx: Context, actor: Actor, work_order_id: int, reason: str, today: date | None = None) -> WorkOrderView:
    """The place declines proposed work; its units are planned again elsewhere at once."""
    actor.require("operator")
    if not reason.strip():
        raise InvalidInput("planning.decline_reason_required", field="reason")
    with ctx.db.transaction() as tx:
        order = own_work_order(tx.session, actor, work_order_id)
        if move(tx.session, WorkOrder, WorkOrderStatus, order.id, "decline", user_id=actor.user_id,
                note=reason, reason=reason.strip(), decided_at=utcnow()) is None:
            raise Conflict("work_order.not_declinable", id=work_order_id, status=order.status)
        record(ctx, tx, WorkRefused(order.id, order.request_line_id, "decline",
                                    (("explain.refused_decline", {"reason": reason.strip()}),), actor.user_id, today))
        return work_order_view(tx.session, order)


def change_work_order(ctx: Context, actor: Actor, work_order_id: int, *, quantity: int | None, reason: str,
                      today: date | None = None) -> WorkOrderView:
    """A coordinator brings a work order down to `quantity` units, or calls off all of it no machine has begun
    (`quantity` None). The units taken back are planned again at once; the place reads why on the order.
    """
    actor.require("coordinator")
    if not reason.strip():
        raise InvalidInput("planning.change_reason_required", field="reason")
    with ctx.db.transaction() as tx:
        s = tx.session
        order = coordinated_work_order(s, actor, work_order_id)
        if order.status not in ("proposed", "accepted"):
            raise Conflict("work_order.not_changeable", id=work_order_id, status=order.status)
        current = order.quantity if order.status == "proposed" else order.accepted_quantity
        free = not_begun(s, order)
        if not free:
            raise Conflict("work_order.all_begun", id=work_order_id)
        least = current - free
        target = least if quantity is None else quantity
        if not least <= target < current:
            raise InvalidInput("planning.change_out_of_range", field="quantity", least=least, most=current - 1)
        units = current - target
        why = taken_back(units, reason.strip()) if target else (("explain.called_off", {"reason": reason.strip()}),)
        take_back(s, order, units, why, actor.user_id)
        record(ctx, tx, WorkTakenBack(order.id, order.request_line_id, order.place_id, units, reason.strip(),
                                      actor.user_id, today))
        return work_order_view(s, order)
