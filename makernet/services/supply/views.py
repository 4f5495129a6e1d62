"""A supply request as plain data."""
from __future__ import annotations

from sqlmodel import Session, select

from makernet.models import Material, Place, StockEntry, SupplyRequest
from makernet.services.stock.views import entry_view

OPEN = ("open", "assigned")


def supply_view(s: Session, supply: SupplyRequest) -> dict:
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
