"""API of supply (/api/v1): a place asks for material, transport or premises; coordinators answer and assign."""
from __future__ import annotations

from datetime import date
from typing import Literal

from flask import Blueprint, request
from makernet.api.endpoints import endpoint
from makernet.api.schemas import Amount, Body, Cents, Id, Name, Text, trimmed
from makernet.services import supply
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx
from makernet.services.listing import Filters, Rows, Window
from makernet.services.supply import SupplyView

bp = Blueprint("supply_api", __name__, url_prefix="/api/v1")


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

    answer: trimmed(1000, 1)


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


@endpoint(bp, "post", "/supply-requests", "Ask for material, transport or premises (operators)",
          body=SupplyRequestIn, success=201, roles=("operator",))
def post_supply_request(actor: Actor, body: SupplyRequestIn) -> SupplyView:
    return supply.post_supply_request(ctx(), actor, place_id=body.place_id, kind=body.kind,
                                      material_id=body.material_id, quantity=body.quantity,
                                      needed_by=body.needed_by, description=body.description)


@endpoint(bp, "get", "/supply-requests", "Supply requests this user may see, open ones first", paged=True,
          filters=("status", "place_id", "since", "until"), statuses=supply.STATUSES, dated="posted")
def list_supply_requests(actor: Actor, window: Window) -> Rows[SupplyView]:
    return supply.list_supply_requests(ctx(), actor, Filters.of(request.args), window)


@endpoint(bp, "get", "/supply-requests/{supply_request_id}", "One supply request and what it still awaits")
def get_supply_request(actor: Actor, supply_request_id: int) -> SupplyView:
    return supply.get_supply_request(ctx(), actor, supply_request_id)


@endpoint(bp, "post", "/supply-requests/{supply_request_id}/answer", "Answer a supply request (coordinators)",
          body=AnswerIn, roles=("coordinator",))
def answer_supply_request(actor: Actor, supply_request_id: int, body: AnswerIn) -> SupplyView:
    return supply.answer_supply_request(ctx(), actor, supply_request_id, body.answer)


@endpoint(bp, "post", "/supply-requests/{supply_request_id}/assign-supplier",
          "Assign an outside supplier (coordinators)", body=SupplierIn, roles=("coordinator",))
def assign_supplier(actor: Actor, supply_request_id: int, body: SupplierIn) -> SupplyView:
    return supply.assign_supplier(ctx(), actor, supply_request_id, body.supplier_name, body.answer)


@endpoint(bp, "post", "/supply-requests/{supply_request_id}/assign-place",
          "Serve it from another place's surplus: a transfer (coordinators)", body=SurplusIn, roles=("coordinator",))
def assign_place(actor: Actor, supply_request_id: int, body: SurplusIn) -> SupplyView:
    return supply.assign_place(ctx(), actor, supply_request_id, body.supplier_place_id, body.quantity, body.answer)


@endpoint(bp, "post", "/supply-requests/{supply_request_id}/receipts",
          "Record material received against the request (operators)", body=SupplyReceiptIn, roles=("operator",))
def receive_supply(actor: Actor, supply_request_id: int, body: SupplyReceiptIn) -> SupplyView:
    return supply.receive_supply(ctx(), actor, supply_request_id, body.quantity, body.cost_cents)


@endpoint(bp, "post", "/supply-requests/{supply_request_id}/close", "Mark a supply request fulfilled or cancelled",
          body=CloseIn, roles=("operator", "coordinator"))
def close_supply_request(actor: Actor, supply_request_id: int, body: CloseIn) -> SupplyView:
    return supply.close_supply_request(ctx(), actor, supply_request_id, body.outcome, body.note)
