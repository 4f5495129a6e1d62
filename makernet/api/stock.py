"""API of stock (/api/v1): levels and ledger, alerts, reservations; receipts, adjustments, scrap, transfers."""
from __future__ import annotations

from typing import Annotated

from flask import Blueprint, request
from pydantic import Field

from makernet.api.endpoints import endpoint, query_int
from makernet.api.openapi import QueryParameter
from makernet.api.schemas import Amount, Body, Cents, Id, Text, trimmed
from makernet.services import stock
from makernet.services.access import Actor
from makernet.services.context import current_context as ctx
from makernet.services.listing import Rows, Window, page_list
from makernet.services.stock import LedgerEntryView, Reservation, StockAlert, StockLevel, TransferView

bp = Blueprint("stock_api", __name__, url_prefix="/api/v1")
Reason = trimmed(500, 1)


class StockReceiptIn(Body):
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


@endpoint(bp, "get", "/places/{place_id}/stock", "Stock levels of a place, from its ledger", paged=True)
def get_stock(actor: Actor, place_id: int, window: Window) -> Rows[StockLevel]:
    return page_list(stock.levels(ctx(), actor, place_id), window)


@endpoint(bp, "get", "/places/{place_id}/ledger", "Ledger entries of a place, newest first", paged=True,
          query=(QueryParameter.id_of("material_id", "only the entries of this material"),
                 QueryParameter("kind", "only the movements of this kind (`stock.movement_kind_unknown` for another)",
                                {"type": "string", "enum": list(stock.KINDS)})))
def get_ledger(actor: Actor, place_id: int, window: Window) -> Rows[LedgerEntryView]:
    return stock.ledger(ctx(), actor, place_id, query_int("material_id"), request.args.get("kind"), window)


@endpoint(bp, "get", "/stock/alerts", "Low or exhausted materials at the places this user sees", paged=True)
def stock_alerts(actor: Actor, window: Window) -> Rows[StockAlert]:
    return page_list(stock.alerts(ctx(), actor), window)


@endpoint(bp, "get", "/places/{place_id}/reservations", "Material promised to the place's accepted work orders",
          paged=True)
def stock_reservations(actor: Actor, place_id: int, window: Window) -> Rows[Reservation]:
    return page_list(stock.reservations(ctx(), actor, place_id), window)


@endpoint(bp, "post", "/places/{place_id}/stock/receipts", "Record material received (operators)",
          body=StockReceiptIn, success=201, roles=("operator",))
def stock_receipt(actor: Actor, place_id: int, body: StockReceiptIn) -> LedgerEntryView:
    return stock.receive(ctx(), actor, place_id, body.material_id, body.quantity, body.reason, body.cost_cents)


@endpoint(bp, "post", "/places/{place_id}/stock/adjustments", "Correct a level after a count, with a reason "
          "(operators)", body=AdjustmentIn, success=201, roles=("operator",))
def stock_adjustment(actor: Actor, place_id: int, body: AdjustmentIn) -> LedgerEntryView:
    return stock.adjust(ctx(), actor, place_id, body.material_id, body.quantity, body.reason)


@endpoint(bp, "post", "/places/{place_id}/stock/scrap", "Write off spoilt material (operators)", body=ScrapIn,
          success=201, roles=("operator",))
def stock_scrap(actor: Actor, place_id: int, body: ScrapIn) -> LedgerEntryView:
    return stock.scrap(ctx(), actor, place_id, body.material_id, body.quantity, body.reason)


@endpoint(bp, "post", "/stock/transfers", "Send material to another place: out and in as one operation",
          body=TransferIn, success=201, roles=("operator", "coordinator"))
def stock_transfer(actor: Actor, body: TransferIn) -> TransferView:
    return stock.transfer(ctx(), actor, body.from_place_id, body.to_place_id, body.material_id, body.quantity,
                          body.reason)
