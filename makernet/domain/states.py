"""States of every tracked thing and the transitions allowed between them."""
from __future__ import annotations

import enum


class RequestStatus(str, enum.Enum):
    """Where a request stands, from submission to closure."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    ALLOCATED = "allocated"
    IN_PRODUCTION = "in_production"
    SHIPPED = "shipped"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class WorkOrderStatus(str, enum.Enum):
    """A portion of a request line proposed to a place."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    DONE = "done"
    CANCELLED = "cancelled"


class JobStatus(str, enum.Enum):
    """A plate or a batch on one machine."""

    QUEUED = "queued"            # waiting for its machine
    DISPATCHING = "dispatching"  # claimed; being sent to the printer
    PRINTING = "printing"        # the printer confirmed it started
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class DeliveryStatus(str, enum.Enum):
    """A shipment from a place to a delivery point."""

    PREPARED = "prepared"
    PICKED_UP = "picked_up"
    DELIVERED = "delivered"
    RECEIVED = "received"
    REFUSED = "refused"


class SupplyRequestStatus(str, enum.Enum):
    """A place's call for material, transport or premises."""

    OPEN = "open"
    ASSIGNED = "assigned"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


TRANSITIONS: dict[type[enum.Enum], dict[str, frozenset[str]]] = {
    RequestStatus: {
        "submitted": frozenset({"approved", "rejected", "cancelled"}),
        "approved": frozenset({"allocated", "rejected", "cancelled"}),
        "allocated": frozenset({"in_production", "shipped", "closed", "cancelled", "approved"}),
        "in_production": frozenset({"shipped", "closed", "cancelled"}),
        "shipped": frozenset({"closed", "in_production"}),
    },
    WorkOrderStatus: {
        "proposed": frozenset({"accepted", "declined", "cancelled"}),
        "accepted": frozenset({"done", "cancelled"}),
    },
    JobStatus: {
        "queued": frozenset({"dispatching", "done", "cancelled"}),  # done: manual batches
        "dispatching": frozenset({"printing", "queued", "done", "failed", "cancelled"}),
        "printing": frozenset({"done", "failed", "cancelled"}),
        "failed": frozenset({"queued", "cancelled"}),  # the operator retries or scraps
    },
    DeliveryStatus: {
        "prepared": frozenset({"picked_up", "delivered", "received", "refused"}),
        "picked_up": frozenset({"delivered", "received", "refused"}),
        "delivered": frozenset({"received", "refused"}),
    },
    SupplyRequestStatus: {
        "open": frozenset({"assigned", "fulfilled", "cancelled"}),
        "assigned": frozenset({"fulfilled", "cancelled", "open"}),
    },
}


def can_move(kind: type[enum.Enum], current: str, target: str) -> bool:
    """Whether a thing of this kind may go from `current` to `target`."""
    return target in TRANSITIONS[kind].get(current, frozenset())


def sources_of(kind: type[enum.Enum], target: str) -> frozenset[str]:
    """Every state from which `target` may be reached (for conditional updates)."""
    return frozenset(src for src, targets in TRANSITIONS[kind].items() if target in targets)
