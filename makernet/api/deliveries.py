"""API of deliveries (/api/v1): prepare, follow, confirm or refuse one; what a request awaits; collection points;
a place's delivery runs: proposed, started, their run sheet."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from flask import Blueprint, Response, request
from pydantic import Field

from makernet.api.endpoints import endpoint, query_int
from makernet.api.openapi import QueryParameter
from makernet.api.schemas import Body, DeliveryIn, DeliveryLineIn, Id, Name, ReasonIn, ReceiptIn, trimmed
from makernet.errors import InvalidInput
from makernet.services.demand import MAX_LINES
from makernet.services import deliveries
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx
from makernet.services.listing import Filters, Rows, Window, page_list
from makernet.services.deliveries import Awaited, CollectionPointView, DeliveryView, PlaceRuns, RunsProposed, RunView

bp = Blueprint("deliveries_api", __name__, url_prefix="/api/v1")
Short = trimmed(300)


class PickUpIn(Body):
    """Who took the parcel (a volunteer runner, a driver)."""

    carrier_name: trimmed(200) = ""


class CollectionPointIn(Body):
    """A drive-through or pick-up point where requesters collect their units."""

    name: Name
    address: trimmed(300, 1)
    commune: trimmed(120) = ""
    departement: trimmed(3) = ""
    kind: Literal["pick_up", "drive_through"] = "pick_up"
    opening_hours: Short = ""


class PointDeliveryIn(Body):
    """A delivery prepared for a collection point."""

    place_id: Id
    request_id: Id
    lines: Annotated[list[DeliveryLineIn], Field(min_length=1, max_length=MAX_LINES)]
    carrier_name: trimmed(200) = ""


class RunsIn(Body):
    """The day to propose a place's delivery runs for."""

    day: Annotated[date, Field(description="today (the default) or a day to come")] | None = None


@endpoint(bp, "post", "/deliveries", "Prepare a delivery of finished units (operators)", body=DeliveryIn,
          success=201, roles=("operator",))
def create_delivery(actor: Actor, body: DeliveryIn) -> DeliveryView:
    return deliveries.create_delivery(ctx(), actor, place_id=body.place_id, request_id=body.request_id,
                                      lines=[(ln.request_line_id, ln.quantity) for ln in body.lines],
                                      mode=body.mode, destination=body.destination)


@endpoint(bp, "get", "/deliveries", "Deliveries this user may see, newest first", paged=True,
          filters=("status", "place_id", "since", "until"), statuses=deliveries.STATUSES, dated="prepared",
          query=(QueryParameter.id_of("request_id", "only the deliveries of this request"),))
def list_deliveries(actor: Actor, window: Window) -> Rows[DeliveryView]:
    return deliveries.list_deliveries(ctx(), actor, query_int("request_id"), Filters.of(request.args), window)


@endpoint(bp, "get", "/deliveries/{delivery_id}", "One delivery")
def get_delivery(actor: Actor, delivery_id: int) -> DeliveryView:
    return deliveries.get_delivery(ctx(), actor, delivery_id)


@endpoint(bp, "post", "/deliveries/{delivery_id}/pick-up", "A runner or driver took the parcel (operators)",
          body=PickUpIn, roles=("operator",))
def pick_up_delivery(actor: Actor, delivery_id: int, body: PickUpIn) -> DeliveryView:
    return deliveries.mark_picked_up(ctx(), actor, delivery_id, body.carrier_name)


@endpoint(bp, "post", "/deliveries/{delivery_id}/deliver", "The parcel reached its destination (operators)",
          roles=("operator",))
def deliver_delivery(actor: Actor, delivery_id: int) -> DeliveryView:
    return deliveries.mark_delivered(ctx(), actor, delivery_id)


@endpoint(bp, "post", "/deliveries/{delivery_id}/confirm-receipt", "Confirm receipt of a delivery (requesters)",
          body=ReceiptIn, roles=("requester",))
def confirm_receipt(actor: Actor, delivery_id: int, body: ReceiptIn) -> DeliveryView:
    missing: dict[int, int] = {}
    for line in body.missing:
        missing[line.request_line_id] = missing.get(line.request_line_id, 0) + line.quantity
    return deliveries.confirm_receipt(ctx(), actor, delivery_id, body.receiver_name, missing)


@endpoint(bp, "post", "/deliveries/{delivery_id}/refuse", "Refuse a delivery, saying why (requesters)",
          body=ReasonIn, roles=("requester",))
def refuse_delivery(actor: Actor, delivery_id: int, body: ReasonIn) -> DeliveryView:
    return deliveries.refuse_delivery(ctx(), actor, delivery_id, body.reason)


@endpoint(bp, "get", "/requests/{request_id}/awaiting", "What a request still awaits: to make, to ship, on the way")
def request_awaiting(actor: Actor, request_id: int) -> Awaited:
    return deliveries.awaiting(ctx(), actor, request_id)


@endpoint(bp, "get", "/collection-points", "Collection points (drive-through, pick-up)", paged=True,
          query=(QueryParameter("departement", "only those of this département (\"17\", \"2A\", \"971\"); "
                                "none for another", {"type": "string"}),))
def list_collection_points(actor: Actor, window: Window) -> Rows[CollectionPointView]:
    return page_list(deliveries.list_collection_points(ctx(), request.args.get("departement")), window)


@endpoint(bp, "post", "/collection-points", "Open a collection point (coordinators, operators)",
          body=CollectionPointIn, success=201, roles=("coordinator", "operator"))
def create_collection_point(actor: Actor, body: CollectionPointIn) -> CollectionPointView:
    return deliveries.create_collection_point(ctx(), actor, name=body.name, address=body.address,
                                              commune=body.commune, departement=body.departement, kind=body.kind,
                                              opening_hours=body.opening_hours)


@endpoint(bp, "post", "/collection-points/{point_id}/deliveries", "Prepare a delivery to a collection point "
          "(operators)", body=PointDeliveryIn, success=201, roles=("operator",))
def deliver_to_point(actor: Actor, point_id: int, body: PointDeliveryIn) -> DeliveryView:
    return deliveries.create_delivery(ctx(), actor, place_id=body.place_id, request_id=body.request_id,
                                      lines=[(ln.request_line_id, ln.quantity) for ln in body.lines],
                                      mode="collection_point", collection_point_id=point_id,
                                      carrier_name=body.carrier_name)


def _day(name: str = "day") -> date | None:
    """A day from the query string (YYYY-MM-DD), or None when it is not given."""
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("query.not_date", field=name, name=name) from None


@endpoint(bp, "get", "/places/{place_id}/delivery-runs", "A place's delivery runs of a day, stops in order "
          "(operators, coordinators)", roles=("operator", "coordinator"),
          query=(QueryParameter.day("day", "the day (today by default)"),))
def place_runs(actor: Actor, place_id: int) -> PlaceRuns:
    return deliveries.place_runs(ctx(), actor, place_id, _day())


@endpoint(bp, "post", "/places/{place_id}/delivery-runs", "Propose a place's delivery runs of a day, in place of "
          "those still proposed (operators, coordinators)", body=RunsIn, success=201, roles=("operator", "coordinator"))
def propose_runs(actor: Actor, place_id: int, body: RunsIn) -> RunsProposed:
    return deliveries.propose_runs(ctx(), actor, place_id, body.day)


@endpoint(bp, "get", "/delivery-runs/{run_id}", "One delivery run, stops in order (operators, coordinators)",
          roles=("operator", "coordinator"))
def get_run(actor: Actor, run_id: int) -> RunView:
    return deliveries.get_run(ctx(), actor, run_id)


@endpoint(bp, "post", "/delivery-runs/{run_id}/start", "The runner leaves: a delivery per stop, picked up "
          "(operators)", roles=("operator",))
def start_run(actor: Actor, run_id: int) -> RunView:
    return deliveries.start_run(ctx(), actor, run_id)


@endpoint(bp, "get", "/delivery-runs/{run_id}/sheet.pdf", "The run sheet (feuille de tournée), as PDF "
          "(operators, coordinators)", roles=("operator", "coordinator"))
def run_sheet(actor: Actor, run_id: int) -> Response:
    pdf = deliveries.run_sheet_pdf(ctx(), actor, run_id, request.host_url)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="feuille-de-tournee-{run_id}.pdf"'})
