"""Supply requests: a place asks for material, transport or premises; a coordinator answers."""
from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlmodel import Session

from makernet.domain.states import SupplyRequestStatus
from makernet.errors import Conflict, InvalidInput
from makernet.models import Material, SupplyRequest
from makernet.models.base import utcnow
from makernet.services.access import Actor, closable_supply_request, coordinated_supply_request, stock_place, visible_supply_request
from makernet.services.context import Context
from makernet.services.events import StockDropped, SupplyAnswered, SupplyRequested, record
from makernet.services.stock.operations import lock_stock, record_receipt, write_transfer
from makernet.services.stock.queries import stock_states
from makernet.services.supply.views import OPEN, supply_view
from makernet.services.transitions import created, move
from makernet.services.supply.views import SupplyView

KINDS = ("material", "transport", "premises")
CLOSING = {"fulfilled": "fulfil", "cancelled": "cancel"}   # outcome -> transition


def post_supply_request(ctx: Context, actor: Actor, *, place_id: int, kind: str, material_id: int | None = None,
                        quantity: int | None = None, needed_by: date | None = None, description: str = "",
                        today: date | None = None) -> SupplyView:
    """A place asks for material (what, how much, by when), transport or premises."""
    if kind not in KINDS:
        raise InvalidInput("supply.kind_unknown", field="kind", value=kind, allowed=list(KINDS))
    if needed_by is not None and needed_by < (today or date.today()):
        raise InvalidInput("supply.needed_by_past", field="needed_by")
    if kind == "material" and (material_id is None or quantity is None or quantity <= 0):
        raise InvalidInput("supply.material_incomplete", field="material_id" if material_id is None else "quantity")
    if kind != "material" and not description.strip():
        raise InvalidInput("supply.description_required", field="description", kind=kind)
    with ctx.db.transaction() as tx:
        s = tx.session
        place = stock_place(s, actor, place_id)
        if material_id is not None and s.get(Material, material_id) is None:
            raise InvalidInput("catalogue.material_unknown", field="material_id", id=material_id)
        supply = SupplyRequest(place_id=place.id, kind=kind, material_id=material_id if kind == "material" else None,
                               quantity=quantity if kind == "material" else None, needed_by=needed_by,
                               description=description.strip()[:1000], created_by=actor.user_id)
        s.add(supply)
        s.flush()
        created(s, SupplyRequest, supply.id, supply.status, user_id=actor.user_id)
        record(ctx, tx, SupplyRequested(supply.id))
        return supply_view(s, supply)


def answer_supply_request(ctx: Context, actor: Actor, supply_id: int, answer: str) -> SupplyView:
    """A coordinator answers in words (where to find elastic, who may lend a van)."""
    if not answer.strip():
        raise InvalidInput("supply.answer_empty", field="answer")
    with ctx.db.transaction() as tx:
        s = tx.session
        supply = coordinated_supply_request(s, actor, supply_id)
        if supply.status not in OPEN:
            raise Conflict("supply.not_answerable", id=supply_id, status=supply.status)
        _record_answer(s, supply, actor, answer)
        record(ctx, tx, SupplyAnswered(supply.id, "answer"))
        return supply_view(s, supply)


def _record_answer(s: Session, supply: SupplyRequest, actor: Actor, answer: str) -> None:
    s.execute(update(SupplyRequest).where(SupplyRequest.id == supply.id).values(
        answer=answer.strip()[:1000], answered_by=actor.user_id, answered_at=utcnow()))
    s.flush()


def assign_supplier(ctx: Context, actor: Actor, supply_id: int, supplier_name: str, answer: str = "") -> SupplyView:
    """A coordinator names an outside supplier (local industry, a kitty); the place records what arrives."""
    if not supplier_name.strip():
        raise InvalidInput("supply.supplier_required", field="supplier_name")
    with ctx.db.transaction() as tx:
        s = tx.session
        supply = coordinated_supply_request(s, actor, supply_id)
        if move(s, SupplyRequest, SupplyRequestStatus, supply.id, "assign", user_id=actor.user_id,
                note=f"supplier: {supplier_name.strip()}", supplier_name=supplier_name.strip()[:200],
                supplier_place_id=None) is None:
            raise Conflict("supply.not_assignable", id=supply_id, status=supply.status)
        _record_answer(s, supply, actor, answer or f"Fournisseur : {supplier_name.strip()}")
        record(ctx, tx, SupplyAnswered(supply.id, "supplier"))
        return supply_view(s, supply)


def assign_place(ctx: Context, actor: Actor, supply_id: int, supplier_place_id: int, quantity: int | None = None,
                 answer: str = "") -> SupplyView:
    """A coordinator sends another place's surplus: a transfer written now, out of one place and into the other."""
    with ctx.db.transaction() as tx:
        s = tx.session
        supply = coordinated_supply_request(s, actor, supply_id)
        if supply.kind != "material":
            raise Conflict("supply.not_material", id=supply_id, kind=supply.kind)
        if supply.status not in OPEN:
            raise Conflict("supply.not_servable", id=supply_id, status=supply.status)
        supplier = stock_place(s, actor, supplier_place_id, coordinators=True)
        wanted = quantity if quantity is not None else supply.quantity - supply.quantity_supplied
        if wanted <= 0:
            raise InvalidInput("stock.quantity_too_small", field="quantity")
        for place_id in sorted((supplier.id, supply.place_id)):
            lock_stock(s, place_id, supply.material_id)
        surplus = stock_states(s, [supplier.id]).get((supplier.id, supply.material_id))
        free = surplus.available if surplus else 0
        if wanted > free:
            raise Conflict("supply.not_enough_free", field="quantity", place=supplier.name, free=max(free, 0),
                           wanted=wanted)
        write_transfer(s, supplier.id, supply.place_id, supply.material_id, wanted,
                       f"demande d'approvisionnement {supply.id}", actor.user_id, supply_request_id=supply.id)
        record(ctx, tx, StockDropped(supplier.id, supply.material_id))
        s.execute(update(SupplyRequest).where(SupplyRequest.id == supply.id).values(supplier_place_id=supplier.id))
        _record_answer(s, supply, actor, answer or f"Transfert depuis {supplier.name}")
        record(ctx, tx, SupplyAnswered(supply.id, "place"))
        return _count_supplied(s, supply, wanted, actor)


def receive_supply(ctx: Context, actor: Actor, supply_id: int, quantity: int, cost_cents: int | None = None) -> SupplyView:
    """The requesting place records material arriving from the assigned supplier."""
    with ctx.db.transaction() as tx:
        s = tx.session
        supply = visible_supply_request(s, actor, supply_id)
        place = stock_place(s, actor, supply.place_id)
        if supply.kind != "material" or supply.status not in OPEN:
            raise Conflict("supply.not_receivable", id=supply_id, status=supply.status)
        origin = f" ({supply.supplier_name})" if supply.supplier_name else ""
        record_receipt(s, place.id, supply.material_id, quantity, f"demande d'approvisionnement {supply.id}{origin}",
                       actor.user_id, cost_cents, supply_request_id=supply.id)
        return _count_supplied(s, supply, quantity, actor)


def _count_supplied(s: Session, supply: SupplyRequest, quantity: int, actor: Actor) -> SupplyView:
    """Add what arrived; the request is fulfilled once it has all it asked for."""
    s.execute(update(SupplyRequest).where(SupplyRequest.id == supply.id).values(
        quantity_supplied=SupplyRequest.quantity_supplied + quantity))
    s.flush()
    s.refresh(supply)
    done = supply.quantity_supplied >= supply.quantity
    move(s, SupplyRequest, SupplyRequestStatus, supply.id, "fulfil" if done else "assign", user_id=actor.user_id,
         note=f"{supply.quantity_supplied}/{supply.quantity} received",
         **({"closed_at": utcnow()} if done else {}))
    return supply_view(s, supply)


def close_supply_request(ctx: Context, actor: Actor, supply_id: int, outcome: str, note: str = "") -> SupplyView:
    """Mark a request fulfilled (transport found, premises lent, material enough) or cancelled."""
    if outcome not in ("fulfilled", "cancelled"):
        raise InvalidInput("supply.outcome_unknown", field="outcome")
    actor.require("operator", "coordinator")
    with ctx.db.transaction() as tx:
        s = tx.session
        supply = closable_supply_request(s, actor, supply_id)
        if move(s, SupplyRequest, SupplyRequestStatus, supply.id, CLOSING[outcome], user_id=actor.user_id, note=note,
                closed_at=utcnow()) is None:
            raise Conflict("supply.not_closable", id=supply_id, status=supply.status, outcome=outcome)
        if actor.role != "operator":   # closed by the coordination: the place is told
            record(ctx, tx, SupplyAnswered(supply.id, outcome))
        return supply_view(s, supply)
