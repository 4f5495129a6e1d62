"""A ledger entry as plain data; the shapes of levels, alerts, reservations and transfers."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from makernet.domain.stock import MOVEMENT_KINDS
from makernet.models import StockEntry
from makernet.services.shapes import Departement, Id, Stamp, TypedDict

Alert = Literal["low", "out"]


class LedgerEntryView(TypedDict):
    """One movement of material at a place; a level is the sum of its place's entries."""

    id: Annotated[Id, Field(description="the entry's id")]
    place_id: Annotated[Id, Field(description="the place")]
    material_id: Annotated[Id, Field(description="the material")]
    quantity: Annotated[int, Field(description="in the material's unit: positive in, negative out", examples=[-250])]
    kind: Annotated[Literal[MOVEMENT_KINDS], Field(description="what moved it")]  # type: ignore[valid-type]
    reason: Annotated[str, Field(description="why, in words")]
    job_id: Annotated[int | None, Field(description="the plate or batch that consumed it")]
    transfer_id: Annotated[str | None, Field(description="the transfer it is half of")]
    supply_request_id: Annotated[int | None, Field(description="the supply request it answered")]
    cost_cents: Annotated[int | None, Field(description="what it cost, in cents, when known")]
    created_at: Annotated[Stamp, Field(description="when it was written")]


class MaterialState(TypedDict):
    """One material at one place, as the ledger and the accepted work see it."""

    material_id: Annotated[Id, Field(description="the material")]
    code: Annotated[str, Field(description="its code", examples=["PLA"])]
    name: Annotated[str, Field(description="its name")]
    unit: Annotated[str, Field(description="its unit", examples=["g"])]
    level: Annotated[int, Field(description="what the place holds")]
    reserved: Annotated[int, Field(description="what its accepted work orders still need")]
    available: Annotated[int, Field(description="level less reserved")]
    days_left: Annotated[float | None, Field(description="days the available material lasts at the recent pace")]


class StockLevel(MaterialState):
    """One material at a place: its level from the ledger, what is promised, how long it lasts."""

    daily_use: Annotated[float, Field(description="what it used per day lately")]
    alert: Annotated[Alert | None, Field(description="low, out (nothing available), or null")]
    low: Annotated[bool, Field(description="an alert is raised")]
    threshold: Annotated[int, Field(description="the material's alert threshold")]


class StockAlert(MaterialState):
    """A material low or exhausted at a place."""

    place_id: Annotated[Id, Field(description="the place")]
    place_name: Annotated[str, Field(description="its name")]
    departement: Departement
    alert: Annotated[Alert, Field(description="low, or out (nothing available)")]


class Reservation(TypedDict):
    """Material an accepted work order still needs."""

    work_order_id: Annotated[Id, Field(description="the work order")]
    material_id: Annotated[Id, Field(description="the material")]
    quantity: Annotated[int, Field(description="how much, in the material's unit")]


class TransferView(TypedDict):
    """Material sent from one place to another: its two ledger entries, out and in."""

    transfer_id: Annotated[str, Field(description="the transfer's id, on both entries")]
    entries: Annotated[list[LedgerEntryView], Field(description="the entry out, then the entry in")]


def entry_view(e: StockEntry) -> LedgerEntryView:
    """A ledger entry as plain data."""
    return {"id": e.id, "place_id": e.place_id, "material_id": e.material_id, "quantity": e.quantity,
            "kind": e.kind, "reason": e.reason, "job_id": e.job_id, "transfer_id": e.transfer_id,
            "supply_request_id": e.supply_request_id, "cost_cents": e.cost_cents,
            "created_at": e.created_at.isoformat()}
