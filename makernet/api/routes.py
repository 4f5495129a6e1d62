"""URL rules of the JSON API /api/v1: parse, call one service, return its data."""
from __future__ import annotations

from flask import Blueprint, request

from makernet.api import schemas as sch
from makernet.api.endpoints import OPERATIONS, endpoint, query_int
from makernet.api.openapi import build_document
from makernet.services import accounts, catalogue, deliveries, demand, fleet, places, planning, production, stock
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@endpoint(bp, "post", "/auth/tokens", "Get an API token for an e-mail and password", body=sch.TokenIn,
          success=201, public=True)
def create_token(body: sch.TokenIn) -> dict:
    return accounts.issue_token(ctx(), body.email, body.password, body.name)


@endpoint(bp, "get", "/items", "The catalogue: items, design versions, bills of materials")
def list_items(actor: Actor) -> list:
    return catalogue.list_items(ctx())


@endpoint(bp, "post", "/requests", "Post a request (requesters)", body=sch.RequestIn, success=201)
def create_request(actor: Actor, body: sch.RequestIn) -> dict:
    return demand.submit_request(
        ctx(), actor, needed_by=body.needed_by, delivery_point=body.delivery_point,
        lines=[(line.item_id, line.quantity) for line in body.lines], priority=body.priority,
        beneficiary=body.beneficiary, urgency_reason=body.urgency_reason,
        latitude=body.latitude, longitude=body.longitude)


@endpoint(bp, "get", "/requests", "Requests this user may see")
def list_requests(actor: Actor) -> list:
    return demand.list_requests(ctx(), actor, request.args.get("status"))


@endpoint(bp, "get", "/requests/{request_id}", "One request with its lines and counts")
def get_request(actor: Actor, request_id: int) -> dict:
    return demand.get_request(ctx(), actor, request_id)


@endpoint(bp, "post", "/requests/{request_id}/approve", "Approve a submitted request (coordinators)")
def approve_request(actor: Actor, request_id: int) -> dict:
    return demand.approve_request(ctx(), actor, request_id)


@endpoint(bp, "post", "/requests/{request_id}/reject", "Reject a request with a reason (coordinators)",
          body=sch.ReasonIn)
def reject_request(actor: Actor, request_id: int, body: sch.ReasonIn) -> dict:
    return demand.reject_request(ctx(), actor, request_id, body.reason)


@endpoint(bp, "get", "/places", "Places this user may see, with their machines")
def list_places(actor: Actor) -> list:
    return places.list_places(ctx(), actor)


@endpoint(bp, "get", "/places/{place_id}", "One place with its conditions and machines")
def get_place(actor: Actor, place_id: int) -> dict:
    return places.get_place(ctx(), actor, place_id)


@endpoint(bp, "get", "/places/{place_id}/stock", "Stock levels of a place, from its ledger")
def get_stock(actor: Actor, place_id: int) -> list:
    return stock.levels(ctx(), actor, place_id)


@endpoint(bp, "get", "/places/{place_id}/ledger", "Ledger entries of a place, newest first")
def get_ledger(actor: Actor, place_id: int) -> list:
    return stock.ledger(ctx(), actor, place_id, query_int("material_id"))


@endpoint(bp, "post", "/work-orders", "Allocate part of a request line to a place (coordinators)",
          body=sch.WorkOrderIn, success=201)
def create_work_order(actor: Actor, body: sch.WorkOrderIn) -> dict:
    return planning.allocate(ctx(), actor, request_line_id=body.request_line_id, place_id=body.place_id,
                             quantity=body.quantity, design_version_id=body.design_version_id, reason=body.reason)


@endpoint(bp, "get", "/work-orders", "Work orders of this user's places or territory")
def list_work_orders(actor: Actor) -> list:
    return planning.list_work_orders(ctx(), actor, request.args.get("status"))


@endpoint(bp, "get", "/work-orders/{work_order_id}", "One work order")
def get_work_order(actor: Actor, work_order_id: int) -> dict:
    return planning.get_work_order(ctx(), actor, work_order_id)


@endpoint(bp, "post", "/work-orders/{work_order_id}/accept", "Accept a proposed work order, or part of it (operators)",
          body=sch.AcceptIn)
def accept_work_order(actor: Actor, work_order_id: int, body: sch.AcceptIn) -> dict:
    return planning.accept_work_order(ctx(), actor, work_order_id, body.quantity)


@endpoint(bp, "post", "/work-orders/{work_order_id}/decline", "Decline a proposed work order (operators)",
          body=sch.ReasonIn)
def decline_work_order(actor: Actor, work_order_id: int, body: sch.ReasonIn) -> dict:
    return planning.decline_work_order(ctx(), actor, work_order_id, body.reason)


@endpoint(bp, "get", "/jobs", "Jobs (plates, batches), by work_order_id or machine_id")
def list_jobs(actor: Actor) -> list:
    return production.list_jobs(ctx(), actor, query_int("work_order_id"), query_int("machine_id"))


@endpoint(bp, "post", "/jobs/{job_id}/report", "Report the counts of a manual batch (operators)",
          body=sch.BatchReportIn)
def report_batch(actor: Actor, job_id: int, body: sch.BatchReportIn) -> dict:
    return production.report_batch(ctx(), actor, job_id, body.units_made, body.units_rejected)


@endpoint(bp, "post", "/jobs/{job_id}/retry", "Send a failed plate back to its printer's queue (operators)")
def retry_job(actor: Actor, job_id: int) -> dict:
    return production.retry_job(ctx(), actor, job_id)


@endpoint(bp, "post", "/jobs/{job_id}/scrap", "Give up a failed plate: its units count as rejects (operators)")
def scrap_job(actor: Actor, job_id: int) -> dict:
    return production.scrap_job(ctx(), actor, job_id)


@endpoint(bp, "post", "/places/{place_id}/printers", "Connect an OctoPrint printer: approve the key request "
          "in OctoPrint (operators)", body=sch.ConnectPrinterIn, success=201)
def connect_printer(actor: Actor, place_id: int, body: sch.ConnectPrinterIn) -> dict:
    return fleet.connect_printer(ctx(), actor, place_id, name=body.name, url=body.url,
                                      printer_profile=body.printer_profile, user=body.user,
                                      clears_itself=body.clears_itself)


@endpoint(bp, "post", "/machines/{machine_id}/request-key", "Ask the printer's OctoPrint for a new key (operators)",
          body=sch.KeyRequestIn)
def request_key(actor: Actor, machine_id: int, body: sch.KeyRequestIn) -> dict:
    return fleet.request_new_key(ctx(), actor, machine_id, body.user)


@endpoint(bp, "post", "/machines/{machine_id}/test-connection", "Ask the printer's host what it is and does")
def test_connection(actor: Actor, machine_id: int) -> dict:
    return fleet.test_connection(ctx(), actor, machine_id)


@endpoint(bp, "get", "/machines/{machine_id}", "One machine and its printer state")
def get_machine(actor: Actor, machine_id: int) -> dict:
    return production.get_machine(ctx(), actor, machine_id)


@endpoint(bp, "post", "/machines/{machine_id}/bed-clear", "Confirm the bed is clear: the next plate may start (operators)")
def confirm_bed_clear(actor: Actor, machine_id: int) -> dict:
    return production.confirm_bed_clear(ctx(), actor, machine_id)


@endpoint(bp, "post", "/deliveries", "Prepare a delivery of finished units (operators)", body=sch.DeliveryIn,
          success=201)
def create_delivery(actor: Actor, body: sch.DeliveryIn) -> dict:
    return deliveries.create_delivery(ctx(), actor, place_id=body.place_id, request_id=body.request_id,
                                      lines=[(ln.request_line_id, ln.quantity) for ln in body.lines],
                                      mode=body.mode, destination=body.destination)


@endpoint(bp, "get", "/deliveries/{delivery_id}", "One delivery")
def get_delivery(actor: Actor, delivery_id: int) -> dict:
    return deliveries.get_delivery(ctx(), actor, delivery_id)


@endpoint(bp, "post", "/deliveries/{delivery_id}/confirm-receipt", "Confirm receipt of a delivery (requesters)",
          body=sch.ReceiptIn)
def confirm_receipt(actor: Actor, delivery_id: int, body: sch.ReceiptIn) -> dict:
    return deliveries.confirm_receipt(ctx(), actor, delivery_id, body.receiver_name)


@bp.get("/openapi.json")
def openapi() -> dict:
    """The OpenAPI 3 document of this API."""
    return build_document(OPERATIONS)
