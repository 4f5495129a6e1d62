"""URL rules of stock, supply requests, deliveries under way, documents, imports and exports (/api/v1)."""
from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from flask import Blueprint, Response, current_app, request
from pydantic import Field, StringConstraints

from makernet.api.endpoints import BodyError, endpoint, query_int
from makernet.api.schemas import Body, DeliveryLineIn, Id, Name, ReasonIn, Text
from makernet.domain.demand import MAX_LINES
from makernet.errors import InvalidInput
from makernet.services import deliveries, documents, exchange, stock, supply
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx

bp = Blueprint("stock_api", __name__, url_prefix="/api/v1")


@bp.before_app_request
def _no_csrf_for_bearer_tokens() -> None:
    """Bearer tokens, never the session cookie, authenticate these calls: no CSRF token to ask for.

    The pages exempt only the blueprint named "api"; this one is exempted on its first call,
    from a hook that runs before the CSRF check (it was registered earlier).
    """
    csrf = current_app.extensions.get("csrf")
    if csrf is not None and request.blueprint == bp.name:
        csrf.exempt(bp)

Amount = Annotated[int, Field(ge=1, le=100_000_000, description="in the material's unit")]
Cents = Annotated[int, Field(ge=0, le=10**11)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class ReceiptIn(Body):
    """Material arriving at a place, with what it cost if known."""

    material_id: Id
    quantity: Amount
    reason: Text = ""
    cost_cents: Cents | None = None


class AdjustmentIn(Body):
    """A correction after a count: positive adds, negative removes."""

    material_id: Id
    quantity: Annotated[int, Field(ge=-100_000_000, le=100_000_000)]
    reason: Reason


class ScrapIn(Body):
    """Spoilt material written off."""

    material_id: Id
    quantity: Amount
    reason: Reason


class TransferIn(Body):
    """Material sent from one place to another."""

    from_place_id: Id
    to_place_id: Id
    material_id: Id
    quantity: Amount
    reason: Text = ""


class SupplyRequestIn(Body):
    """A place asking for material (what, how much, by when), transport or premises."""

    place_id: Id
    kind: Literal["material", "transport", "premises"]
    material_id: Id | None = None
    quantity: Amount | None = None
    needed_by: date | None = None
    description: Text = ""


class AnswerIn(Body):
    """A coordinator's answer in words."""

    answer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class SupplierIn(Body):
    """An outside supplier assigned to a supply request."""

    supplier_name: Name
    answer: Text = ""


class SurplusIn(Body):
    """Another place's surplus sent to the requesting place (all that is awaited unless a quantity is given)."""

    supplier_place_id: Id
    quantity: Amount | None = None
    answer: Text = ""


class SupplyReceiptIn(Body):
    """Material received against a supply request."""

    quantity: Amount
    cost_cents: Cents | None = None


class CloseIn(Body):
    """How a supply request ends."""

    outcome: Literal["fulfilled", "cancelled"]
    note: Text = ""


class PickUpIn(Body):
    """Who took the parcel (a volunteer runner, a driver)."""

    carrier_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class CollectionPointIn(Body):
    """A drive-through or pick-up point where requesters collect their units."""

    name: Name
    address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    commune: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = ""
    departement: Annotated[str, StringConstraints(strip_whitespace=True, max_length=3)] = ""
    kind: Literal["pick_up", "drive_through"] = "pick_up"
    opening_hours: Short = ""


class PointDeliveryIn(Body):
    """A delivery prepared for a collection point."""

    place_id: Id
    request_id: Id
    lines: Annotated[list[DeliveryLineIn], Field(min_length=1, max_length=MAX_LINES)]
    carrier_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class EstimateIn(Body):
    """A small batch to price at a place."""

    place_id: Id
    item_id: Id
    quantity: Annotated[int, Field(ge=1, le=100_000)]
    customer: Name
    unit_costs_cents: dict[Annotated[str, StringConstraints(max_length=40)],
                           Annotated[float, Field(ge=0, le=1_000_000)]] = {}
    minutes_per_unit: Annotated[float, Field(gt=0, le=10_000)] | None = None
    finishing_minutes_per_unit: Annotated[float, Field(ge=0, le=10_000)] = 0


def _file(content: bytes | str, mimetype: str, name: str, inline: bool = False) -> Response:
    """A downloadable answer."""
    disposition = "inline" if inline else "attachment"
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'{disposition}; filename="{name}"'})


def _pdf(content: bytes, name: str) -> Response:
    return _file(content, "application/pdf", name, inline=True)


def _query_date(name: str) -> date:
    raw = request.args.get(name, "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"The query parameter {name} must be a date as YYYY-MM-DD.", field=name) from None


@endpoint(bp, "get", "/stock/alerts", "Low or exhausted materials at the places this user sees")
def stock_alerts(actor: Actor) -> list:
    return stock.alerts(ctx(), actor)


@endpoint(bp, "get", "/places/{place_id}/reservations", "Material promised to the place's accepted work orders")
def stock_reservations(actor: Actor, place_id: int) -> list:
    return stock.reservations(ctx(), actor, place_id)


@endpoint(bp, "post", "/places/{place_id}/stock/receipts", "Record material received (operators)",
          body=ReceiptIn, success=201)
def stock_receipt(actor: Actor, place_id: int, body: ReceiptIn) -> dict:
    return stock.receive(ctx(), actor, place_id, body.material_id, body.quantity, body.reason, body.cost_cents)


@endpoint(bp, "post", "/places/{place_id}/stock/adjustments", "Correct a level after a count, with a reason "
          "(operators)", body=AdjustmentIn, success=201)
def stock_adjustment(actor: Actor, place_id: int, body: AdjustmentIn) -> dict:
    return stock.adjust(ctx(), actor, place_id, body.material_id, body.quantity, body.reason)


@endpoint(bp, "post", "/places/{place_id}/stock/scrap", "Write off spoilt material (operators)", body=ScrapIn,
          success=201)
def stock_scrap(actor: Actor, place_id: int, body: ScrapIn) -> dict:
    return stock.scrap(ctx(), actor, place_id, body.material_id, body.quantity, body.reason)


@endpoint(bp, "post", "/stock/transfers", "Send material to another place: out and in as one operation",
          body=TransferIn, success=201)
def stock_transfer(actor: Actor, body: TransferIn) -> dict:
    return stock.transfer(ctx(), actor, body.from_place_id, body.to_place_id, body.material_id, body.quantity,
                          body.reason)


@endpoint(bp, "post", "/supply-requests", "Ask for material, transport or premises (operators)",
          body=SupplyRequestIn, success=201)
def post_supply_request(actor: Actor, body: SupplyRequestIn) -> dict:
    return supply.post_supply_request(ctx(), actor, place_id=body.place_id, kind=body.kind,
                                      material_id=body.material_id, quantity=body.quantity,
                                      needed_by=body.needed_by, description=body.description)


@endpoint(bp, "get", "/supply-requests", "Supply requests this user may see, open ones first")
def list_supply_requests(actor: Actor) -> list:
    return supply.list_supply_requests(ctx(), actor, request.args.get("status"))


@endpoint(bp, "get", "/supply-requests/{supply_request_id}", "One supply request and what it still awaits")
def get_supply_request(actor: Actor, supply_request_id: int) -> dict:
    return supply.get_supply_request(ctx(), actor, supply_request_id)


@endpoint(bp, "post", "/supply-requests/{supply_request_id}/answer", "Answer a supply request (coordinators)",
          body=AnswerIn)
def answer_supply_request(actor: Actor, supply_request_id: int, body: AnswerIn) -> dict:
    return supply.answer_supply_request(ctx(), actor, supply_request_id, body.answer)


@endpoint(bp, "post", "/supply-requests/{supply_request_id}/assign-supplier",
          "Assign an outside supplier (coordinators)", body=SupplierIn)
def assign_supplier(actor: Actor, supply_request_id: int, body: SupplierIn) -> dict:
    return supply.assign_supplier(ctx(), actor, supply_request_id, body.supplier_name, body.answer)


@endpoint(bp, "post", "/supply-requests/{supply_request_id}/assign-place",
          "Serve it from another place's surplus: a transfer (coordinators)", body=SurplusIn)
def assign_place(actor: Actor, supply_request_id: int, body: SurplusIn) -> dict:
    return supply.assign_place(ctx(), actor, supply_request_id, body.supplier_place_id, body.quantity, body.answer)


@endpoint(bp, "post", "/supply-requests/{supply_request_id}/receipts",
          "Record material received against the request (operators)", body=SupplyReceiptIn)
def receive_supply(actor: Actor, supply_request_id: int, body: SupplyReceiptIn) -> dict:
    return supply.receive_supply(ctx(), actor, supply_request_id, body.quantity, body.cost_cents)


@endpoint(bp, "post", "/supply-requests/{supply_request_id}/close", "Mark a supply request fulfilled or cancelled",
          body=CloseIn)
def close_supply_request(actor: Actor, supply_request_id: int, body: CloseIn) -> dict:
    return supply.close_supply_request(ctx(), actor, supply_request_id, body.outcome, body.note)


@endpoint(bp, "get", "/deliveries", "Deliveries this user may see, by request_id or status")
def list_deliveries(actor: Actor) -> list:
    return deliveries.list_deliveries(ctx(), actor, query_int("request_id"), request.args.get("status"))


@endpoint(bp, "post", "/deliveries/{delivery_id}/pick-up", "A runner or driver took the parcel (operators)",
          body=PickUpIn)
def pick_up_delivery(actor: Actor, delivery_id: int, body: PickUpIn) -> dict:
    return deliveries.mark_picked_up(ctx(), actor, delivery_id, body.carrier_name)


@endpoint(bp, "post", "/deliveries/{delivery_id}/deliver", "The parcel reached its destination (operators)")
def deliver_delivery(actor: Actor, delivery_id: int) -> dict:
    return deliveries.mark_delivered(ctx(), actor, delivery_id)


@endpoint(bp, "post", "/deliveries/{delivery_id}/refuse", "Refuse a delivery, saying why (requesters)",
          body=ReasonIn)
def refuse_delivery(actor: Actor, delivery_id: int, body: ReasonIn) -> dict:
    return deliveries.refuse_delivery(ctx(), actor, delivery_id, body.reason)


@endpoint(bp, "get", "/deliveries/{delivery_id}/note.pdf", "The delivery note (bon de livraison), as PDF")
def delivery_note(actor: Actor, delivery_id: int) -> Response:
    pdf = documents.delivery_note_pdf(ctx(), actor, delivery_id, request.host_url)
    return _pdf(pdf, f"bon-de-livraison-{delivery_id}.pdf")


@endpoint(bp, "get", "/requests/{request_id}/awaiting", "What a request still awaits: to make, to ship, on the way")
def request_awaiting(actor: Actor, request_id: int) -> dict:
    return deliveries.awaiting(ctx(), actor, request_id)


@endpoint(bp, "get", "/collection-points", "Collection points (drive-through, pick-up), by departement")
def list_collection_points(actor: Actor) -> list:
    return deliveries.list_collection_points(ctx(), request.args.get("departement"))


@endpoint(bp, "post", "/collection-points", "Open a collection point (coordinators, operators)",
          body=CollectionPointIn, success=201)
def create_collection_point(actor: Actor, body: CollectionPointIn) -> dict:
    return deliveries.create_collection_point(ctx(), actor, name=body.name, address=body.address,
                                              commune=body.commune, departement=body.departement, kind=body.kind,
                                              opening_hours=body.opening_hours)


@endpoint(bp, "post", "/collection-points/{point_id}/deliveries", "Prepare a delivery to a collection point "
          "(operators)", body=PointDeliveryIn, success=201)
def deliver_to_point(actor: Actor, point_id: int, body: PointDeliveryIn) -> dict:
    return deliveries.create_delivery(ctx(), actor, place_id=body.place_id, request_id=body.request_id,
                                      lines=[(ln.request_line_id, ln.quantity) for ln in body.lines],
                                      mode="collection_point", collection_point_id=point_id,
                                      carrier_name=body.carrier_name)


@endpoint(bp, "get", "/reports/production.pdf", "Production report of a period (start, end) and territory "
          "(departements=17,79), as PDF (coordinators)")
def production_report(actor: Actor) -> Response:
    chosen = [d.strip() for d in request.args.get("departements", "").split(",") if d.strip()]
    pdf = documents.production_report_pdf(ctx(), actor, _query_date("start"), _query_date("end"), chosen or None)
    return _pdf(pdf, "rapport-de-production.pdf")


@endpoint(bp, "post", "/cost-estimates", "A cost estimate (devis) of a small batch at a place, as PDF",
          body=EstimateIn, produces="application/pdf")
def cost_estimate(actor: Actor, body: EstimateIn) -> Response:
    pdf = documents.cost_estimate_pdf(ctx(), actor, **body.model_dump())
    return _pdf(pdf, "devis.pdf")


def _import(actor: Actor, kind: str) -> dict:
    """Check (dry_run, the default) or import an uploaded CSV; a real import with bad rows writes nothing."""
    upload = request.files.get("file")
    if upload is None and request.mimetype not in ("text/csv", "text/plain", "application/octet-stream"):
        raise BodyError("Send the CSV as the body with 'Content-Type: text/csv', or as a form file named file.",
                        415, [])
    data = upload.read() if upload is not None else request.get_data()
    dry_run = request.args.get("dry_run", "true").lower() not in ("false", "0", "no", "non")
    report = exchange.import_csv(ctx(), actor, kind, data, dry_run)
    if report["errors"] and not dry_run:
        raise BodyError(f"{len(report['errors'])} problem(s) in the file; nothing was imported.", 422,
                        report["errors"])
    return report


@endpoint(bp, "post", "/imports/places", "Import places from CSV (dry_run=true by default; coordinators)")
def import_places(actor: Actor) -> dict:
    return _import(actor, "places")


@endpoint(bp, "post", "/imports/machines", "Import machines from CSV (dry_run=true by default)")
def import_machines(actor: Actor) -> dict:
    return _import(actor, "machines")


@endpoint(bp, "post", "/imports/stock", "Import opening stock from CSV (dry_run=true by default)")
def import_stock(actor: Actor) -> dict:
    return _import(actor, "stock")


def _export(actor: Actor, kind: str) -> Response:
    return _file(exchange.export_csv(ctx(), actor, kind), "text/csv", f"makernet-{kind}.csv")


@endpoint(bp, "get", "/exports/requests.csv", "Requests, one row per line, as CSV")
def export_requests(actor: Actor) -> Response:
    return _export(actor, "requests")


@endpoint(bp, "get", "/exports/production.csv", "Finished jobs (plates, batches) as CSV")
def export_production(actor: Actor) -> Response:
    return _export(actor, "production")


@endpoint(bp, "get", "/exports/stock.csv", "Stock levels, reservations and alerts as CSV")
def export_stock(actor: Actor) -> Response:
    return _export(actor, "stock")


@endpoint(bp, "get", "/exports/deliveries.csv", "Deliveries, one row per line, as CSV")
def export_deliveries(actor: Actor) -> Response:
    return _export(actor, "deliveries")
