"""API of planning (/api/v1): work orders a coordinator allocates and a place accepts or declines."""
from __future__ import annotations

from flask import Blueprint, request

from makernet.api.endpoints import endpoint
from makernet.api.schemas import AcceptIn, ReasonIn, WorkOrderChangeIn, WorkOrderIn
from makernet.services import planning, reporting
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx
from makernet.services.listing import Filters, Rows, Window
from makernet.services.planning import WorkOrderView
from makernet.services.reporting import LateLine

bp = Blueprint("planning_api", __name__, url_prefix="/api/v1")


@endpoint(bp, "post", "/work-orders", "Allocate part of a request line to a place (coordinators)",
          body=WorkOrderIn, success=201, roles=("coordinator",))
def create_work_order(actor: Actor, body: WorkOrderIn) -> WorkOrderView:
    return planning.allocate(ctx(), actor, request_line_id=body.request_line_id, place_id=body.place_id,
                             quantity=body.quantity, design_version_id=body.design_version_id, reason=body.reason)


@endpoint(bp, "get", "/work-orders", "Work orders of this user's places or territory, newest first", paged=True,
          filters=("status", "place_id", "since", "until"), statuses=planning.STATUSES, dated="proposed")
def list_work_orders(actor: Actor, window: Window) -> Rows[WorkOrderView]:
    return planning.list_work_orders(ctx(), actor, Filters.of(request.args), window)


@endpoint(bp, "get", "/work-orders/{work_order_id}", "One work order")
def get_work_order(actor: Actor, work_order_id: int) -> WorkOrderView:
    return planning.get_work_order(ctx(), actor, work_order_id)


@endpoint(bp, "patch", "/work-orders/{work_order_id}",
          "Bring a proposed or accepted work order down to fewer units, saying why (coordinators); the units taken "
          "back, never ones a machine has begun, are planned again at once", body=WorkOrderChangeIn,
          roles=("coordinator",))
def change_work_order(actor: Actor, work_order_id: int, body: WorkOrderChangeIn) -> WorkOrderView:
    return planning.change_work_order(ctx(), actor, work_order_id, quantity=body.quantity, reason=body.reason)


@endpoint(bp, "post", "/work-orders/{work_order_id}/cancel",
          "Call off all of a work order no machine has begun, saying why (coordinators); planned again at once",
          body=ReasonIn, roles=("coordinator",))
def cancel_work_order(actor: Actor, work_order_id: int, body: ReasonIn) -> WorkOrderView:
    return planning.change_work_order(ctx(), actor, work_order_id, quantity=None, reason=body.reason)


@endpoint(bp, "post", "/work-orders/{work_order_id}/accept", "Accept a proposed work order, or part of it (operators)",
          body=AcceptIn, roles=("operator",))
def accept_work_order(actor: Actor, work_order_id: int, body: AcceptIn) -> WorkOrderView:
    return planning.accept_work_order(ctx(), actor, work_order_id, body.quantity)


@endpoint(bp, "post", "/work-orders/{work_order_id}/decline", "Decline a proposed work order (operators)",
          body=ReasonIn, roles=("operator",))
def decline_work_order(actor: Actor, work_order_id: int, body: ReasonIn) -> WorkOrderView:
    return planning.decline_work_order(ctx(), actor, work_order_id, body.reason)


@endpoint(bp, "get", "/late-work", "Request lines of the territory overdue or due within 3 days that still miss "
          "units, with why (coordinators)", roles=("coordinator",), paged=True)
def late_work(actor: Actor, window: Window) -> Rows[LateLine]:
    return reporting.late_work(ctx(), actor, window=window)
