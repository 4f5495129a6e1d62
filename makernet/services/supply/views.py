"""A supply request as plain data."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from sqlmodel import Session, select

from makernet.domain.states import SupplyRequestStatus
from makernet.models import Material, Place, StockEntry, SupplyRequest
from makernet.services.shapes import Day, Id, Stamp, TypedDict
from makernet.services.stock.views import LedgerEntryView, entry_view

OPEN = ("open", "assigned")


class SupplyView(TypedDict):
    """A place's call for material (what, how much, by when), transport or premises, and how it was answered."""

    id: Annotated[Id, Field(description="the supply request's id")]
    place_id: Annotated[Id, Field(description="the place asking")]
    place_name: Annotated[str, Field(description="its name")]
    kind: Annotated[Literal["material", "transport", "premises"], Field(description="what is asked for")]
    material_id: Annotated[int | None, Field(description="the material asked for (kind material)")]
    material_code: Annotated[str | None, Field(description="its code")]
    unit: Annotated[str | None, Field(description="its unit")]
    quantity: Annotated[int | None, Field(description="how much, in the material's unit")]
    quantity_supplied: Annotated[int, Field(description="how much was received so far")]
    awaiting: Annotated[int, Field(description="how much is still awaited (0 once closed)")]
    needed_by: Annotated[Day | None, Field(description="by when")]
    description: Annotated[str, Field(description="what is needed, in words")]
    status: Annotated[SupplyRequestStatus, Field(description="where it stands")]
    answer: Annotated[str, Field(description="the coordination's answer, in words")]
    supplier_place_id: Annotated[int | None, Field(description="the place sending its surplus, if one does")]
    supplier_name: Annotated[str, Field(description="the outside supplier assigned, if one is")]
    created_at: Annotated[Stamp, Field(description="when it was posted")]
    answered_at: Annotated[Stamp | None, Field(description="when it was first answered")]
    closed_at: Annotated[Stamp | None, Field(description="when it was fulfilled or cancelled")]
    movements: Annotated[list[LedgerEntryView], Field(description="the ledger entries that answered it at the place")]


def supply_view(s: Session, supply: SupplyRequest) -> SupplyView:
    """A supply request as plain data, with what it still awaits."""
    s.refresh(supply)
    place = s.get(Place, supply.place_id)
    material = s.get(Material, supply.material_id) if supply.material_id else None
    entries = s.exec(select(StockEntry).where(StockEntry.supply_request_id == supply.id,
                                              StockEntry.place_id == supply.place_id)
                     .order_by(StockEntry.id)).all()  # type: ignore[arg-type]
    awaiting = max((supply.quantity or 0) - supply.quantity_supplied, 0) if supply.status in OPEN else 0
    return {"id": supply.id, "place_id": supply.place_id, "place_name": place.name, "kind": supply.kind,
            "material_id": supply.material_id, "material_code": material.code if material else None,
            "unit": material.unit if material else None, "quantity": supply.quantity,
            "quantity_supplied": supply.quantity_supplied, "awaiting": awaiting,
            "needed_by": supply.needed_by.isoformat() if supply.needed_by else None,
            "description": supply.description, "status": supply.status, "answer": supply.answer,
            "supplier_place_id": supply.supplier_place_id, "supplier_name": supply.supplier_name,
            "created_at": supply.created_at.isoformat(),
            "answered_at": supply.answered_at.isoformat() if supply.answered_at else None,
            "closed_at": supply.closed_at.isoformat() if supply.closed_at else None,
            "movements": [entry_view(e) for e in entries]}
