"""API of demand (/api/v1): post a request, follow it, change or cancel it; coordinators approve or reject it."""
from __future__ import annotations

from flask import Blueprint, request

from makernet.api.endpoints import endpoint
from makernet.api.schemas import ReasonIn, RequestChangeIn, RequestIn
from makernet.services import demand
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx
from makernet.services.listing import Filters, Rows, Window
from makernet.services.demand import RequestView

bp = Blueprint("demand_api", __name__, url_prefix="/api/v1")


@endpoint(bp, "post", "/requests", "Post a request (requesters)", body=RequestIn, success=201, roles=("requester",))
def create_request(actor: Actor, body: RequestIn) -> RequestView:
    return demand.submit_request(
        ctx(), actor, needed_by=body.needed_by, delivery_point=body.delivery_point,
        lines=[(line.item_id, line.quantity) for line in body.lines], priority=body.priority,
        beneficiary=body.beneficiary, urgency_reason=body.urgency_reason,
        latitude=body.latitude, longitude=body.longitude)


@endpoint(bp, "get", "/requests", "Requests this user may see, newest first", paged=True,
          filters=("status", "since", "until"), statuses=demand.STATUSES, dated="sent")
def list_requests(actor: Actor, window: Window) -> Rows[RequestView]:
    return demand.list_requests(ctx(), actor, Filters.of(request.args), window)


@endpoint(bp, "get", "/requests/{request_id}", "One request with its lines and counts")
def get_request(actor: Actor, request_id: int) -> RequestView:
    return demand.get_request(ctx(), actor, request_id)


@endpoint(bp, "patch", "/requests/{request_id}", "Change a request before its production started (its requester); "
          "an approved request goes back to triage, its work orders cancelled", body=RequestChangeIn,
          roles=("requester",))
def change_request(actor: Actor, request_id: int, body: RequestChangeIn) -> RequestView:
    lines = None if body.lines is None else [(line.item_id, line.quantity) for line in body.lines]
    return demand.change_request(ctx(), actor, request_id, lines=lines, **body.model_dump(exclude={"lines"}))


@endpoint(bp, "post", "/requests/{request_id}/cancel", "Cancel a request before its production started "
          "(its requester, or a coordinator); its work orders are cancelled", roles=("requester", "coordinator"))
def cancel_request(actor: Actor, request_id: int) -> RequestView:
    return demand.cancel_request(ctx(), actor, request_id)


@endpoint(bp, "post", "/requests/{request_id}/approve", "Approve a submitted request (coordinators)",
          roles=("coordinator",))
def approve_request(actor: Actor, request_id: int) -> RequestView:
    return demand.approve_request(ctx(), actor, request_id)


@endpoint(bp, "post", "/requests/{request_id}/reject", "Reject a request with a reason (coordinators)",
          body=ReasonIn, roles=("coordinator",))
def reject_request(actor: Actor, request_id: int, body: ReasonIn) -> RequestView:
    return demand.reject_request(ctx(), actor, request_id, body.reason)
