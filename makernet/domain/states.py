"""States of every tracked thing and the transitions allowed between them."""
from __future__ import annotations

import enum
from dataclasses import dataclass


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


class RunStatus(str, enum.Enum):
    """A volunteer runner's trip from a place: proposed by the routing, under way once it left, done."""

    PROPOSED = "proposed"
    UNDER_WAY = "under_way"
    DONE = "done"
    CANCELLED = "cancelled"


class SupplyRequestStatus(str, enum.Enum):
    """A place's call for material, transport or premises."""

    OPEN = "open"
    ASSIGNED = "assigned"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Transition:
    """A named change of state: from any of `sources` to `target`."""

    sources: frozenset[str]
    target: str


def _t(sources: str, target: str) -> Transition:
    return Transition(frozenset(sources.split()), target)


# Every change of state there is, by name; a service names the transition, never a target
# state alone, so a retry can only leave "failed" and a requeue only "dispatching".
TRANSITIONS: dict[type[enum.Enum], dict[str, Transition]] = {
    RequestStatus: {
        "approve": _t("submitted", "approved"),
        "reject": _t("submitted approved", "rejected"),
        "allocate": _t("approved", "allocated"),
        "start_production": _t("allocated", "in_production"),       # the first units are made
        "ship": _t("allocated in_production", "shipped"),
        "resume_production": _t("shipped", "in_production"),        # its only delivery under way was refused
        "close": _t("allocated in_production shipped", "closed"),   # every unit received
        "cancel": _t("submitted approved allocated in_production", "cancelled"),  # merged into another
        # the requester (or a coordinator) changes or calls off a request before any of it is made
        "revise": _t("submitted approved allocated", "submitted"),   # changed: back to triage
        "call_off": _t("submitted approved allocated", "cancelled"),
    },
    WorkOrderStatus: {
        "accept": _t("proposed", "accepted"),
        "decline": _t("proposed", "declined"),
        "withdraw": _t("proposed", "cancelled"),    # the planner or a rule takes the proposal back
        "release": _t("accepted", "cancelled"),     # the place stopped before making any of it
        "finish": _t("accepted", "done"),
        "reopen": _t("done", "accepted"),           # units came damaged or missing at receipt: made again
    },
    JobStatus: {
        "claim": _t("queued", "dispatching"),
        "confirm_start": _t("dispatching", "printing"),
        "requeue": _t("dispatching", "queued"),     # the start failed or was never confirmed
        "reassign": _t("queued", "queued"),         # moved to another printer of the place
        "finish": _t("queued dispatching printing", "done"),   # queued: a manual batch reported
        "fail": _t("dispatching printing", "failed"),
        "retry": _t("failed", "queued"),
        "scrap": _t("failed", "cancelled"),
        "withdraw": _t("queued", "cancelled"),      # the place stopped: plates not begun go back
    },
    DeliveryStatus: {
        "pick_up": _t("prepared", "picked_up"),
        "deliver": _t("prepared picked_up", "delivered"),
        "receive": _t("prepared picked_up delivered", "received"),
        "refuse": _t("prepared picked_up delivered", "refused"),
    },
    RunStatus: {
        "start": _t("proposed", "under_way"),       # the runner left: its deliveries are picked up
        "finish": _t("under_way", "done"),          # every stop delivered, received or refused
        "replace": _t("proposed", "cancelled"),     # a new proposal for the day took its place
    },
    SupplyRequestStatus: {
        "assign": _t("open assigned", "assigned"),  # a supplier named, or part of the material arrived
        "fulfil": _t("open assigned", "fulfilled"),
        "cancel": _t("open assigned", "cancelled"),
    },
}


def transition(kind: type[enum.Enum], name: str) -> Transition:
    """The named transition of a kind of thing (KeyError for an unknown name: a programming error)."""
    return TRANSITIONS[kind][name]


def can_move(kind: type[enum.Enum], current: str, target: str) -> bool:
    """Whether some transition takes a thing of this kind from `current` to `target`."""
    return any(current in t.sources and t.target == target for t in TRANSITIONS[kind].values())


def sources_of(kind: type[enum.Enum], target: str) -> frozenset[str]:
    """Every state from which `target` may be reached."""
    return frozenset(src for t in TRANSITIONS[kind].values() if t.target == target for src in t.sources)
