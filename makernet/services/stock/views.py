"""A ledger entry as plain data."""
from __future__ import annotations

from makernet.models import StockEntry


def entry_view(e: StockEntry) -> dict:
    """A ledger entry as plain data."""
    return {"id": e.id, "place_id": e.place_id, "material_id": e.material_id, "quantity": e.quantity,
            "kind": e.kind, "reason": e.reason, "job_id": e.job_id, "transfer_id": e.transfer_id,
            "supply_request_id": e.supply_request_id, "cost_cents": e.cost_cents,
            "created_at": e.created_at.isoformat()}
