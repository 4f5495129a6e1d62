"""What happened, told once a transaction has committed: use cases record events, other areas subscribe.

A use case records an event inside its transaction; the subscribers of its kind run only
after the commit (never for a transaction rolled back), each with the context and the
event, the way tasks are enqueued after commit. A subscriber marked `within_transaction`
(the audit trail) runs at once, in the same transaction, so that what it writes stands or
falls with the change itself. Which area subscribes to what is listed
in one table, `makernet.services.subscriptions`, handed to the context at start-up.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from makernet.db import Transaction
from makernet.domain.explanations import Words


class Event:
    """Something that happened, as plain values."""


@dataclass(frozen=True)
class RequestSubmitted(Event):
    """A requester posted a request: the coordination has it to triage."""

    request_id: int


@dataclass(frozen=True)
class RequestRejected(Event):
    """A coordinator rejected a request, saying why."""

    request_id: int
    reason: str


@dataclass(frozen=True)
class RequestApproved(Event):
    """A coordinator approved a request for allocation."""

    request_id: int


@dataclass(frozen=True)
class ChangeAsked(Event):
    """A requester asked the coordination for a change to a request under way (production started)."""

    request_id: int
    status: str
    message: str
    user_id: int | None


@dataclass(frozen=True)
class WorkProposed(Event):
    """Work orders were proposed to places (by hand or by a planner run)."""

    work_order_ids: tuple[int, ...]


@dataclass(frozen=True)
class WorkRefused(Event):
    """A place declined proposed work, or accepted only part of it: the rest is to plan again."""

    work_order_id: int
    request_line_id: int
    trigger: str          # "decline" or "partial"
    what: Words           # how the refusal reads (domain.explanations): in the run's reason, in what the coordination is told
    user_id: int | None
    today: date | None = None


@dataclass(frozen=True)
class WorkAccepted(Event):
    """A place took on proposed work (by an operator, or at once by its auto-accept condition)."""

    work_order_id: int
    units: int


@dataclass(frozen=True)
class PlanProposed(Event):
    """A planner run proposed work orders: the coordination sees what changed."""

    plan_run_id: int
    work_order_ids: tuple[int, ...]


@dataclass(frozen=True)
class WorkTakenBack(Event):
    """A coordinator took back units of a work order no machine had begun: they are to plan again."""

    work_order_id: int
    request_line_id: int
    place_id: int
    units: int
    why: str              # the coordinator's reason, as the place reads it
    user_id: int | None
    today: date | None = None


@dataclass(frozen=True)
class PlateFinished(Event):
    """A plate or batch was completed: units counted, material consumed."""

    job_id: int
    units_made: int


@dataclass(frozen=True)
class PrintersWentDown(Event):
    """Printers that were up went offline or into error."""

    machine_ids: tuple[int, ...]


@dataclass(frozen=True)
class StockDropped(Event):
    """Material left a place (withdrawn, scrapped, transferred out)."""

    place_id: int
    material_id: int


@dataclass(frozen=True)
class DeliveryShipped(Event):
    """A delivery left its place."""

    delivery_id: int


@dataclass(frozen=True)
class DeliveryRefused(Event):
    """A requester refused a delivery, saying why: its units are back at the place, to be delivered again."""

    delivery_id: int
    reason: str


@dataclass(frozen=True)
class DeliveryArrived(Event):
    """A delivery reached its delivery point: its requester has to confirm what arrived."""

    delivery_id: int


@dataclass(frozen=True)
class SupplyRequested(Event):
    """A place asked the coordination for material, transport or premises."""

    supply_id: int


@dataclass(frozen=True)
class SupplyAnswered(Event):
    """The coordination answered a place's supply request: in words, with a supplier or a place, or closed it."""

    supply_id: int
    how: str              # "answer", "supplier", "place", "fulfilled" or "cancelled"


@dataclass(frozen=True)
class AccountLinkOpened(Event):
    """A one-time link to choose a password was made for a user (an invitation or a reset); the link's token travels
    sealed, opened only to write the e-mail."""

    user_id: int
    purpose: str          # "invitation" or "reset"
    sealed_token: str


@dataclass(frozen=True)
class ReceiptConfirmed(Event):
    """A requester confirmed a delivery arrived, counting the units that came damaged or did not come."""

    delivery_id: int
    request_closed: bool
    missing: int = 0


@dataclass(frozen=True)
class PlaceConditionsChanged(Event):
    """An operator changed the conditions a place works under (the planner weighs them)."""

    place_id: int
    fields: tuple[str, ...]
    active: bool
    user_id: int | None


@dataclass(frozen=True)
class PlaceStopped(Event):
    """A place stopped taking work, saying why."""

    place_id: int
    reason: str
    user_id: int | None


@dataclass(frozen=True)
class PlaceResumed(Event):
    """A place takes work again."""

    place_id: int
    user_id: int | None


@dataclass(frozen=True)
class MachineServiceChanged(Event):
    """A manual work centre was set aside or put back in service."""

    machine_id: int
    active: bool
    user_id: int | None


class HasSubscribers(Protocol):
    """What `record` needs of the context: the subscription table."""

    subscribers: Mapping[type[Event], Sequence[Callable[..., None]]]


Handler = TypeVar("Handler", bound=Callable[..., None])


def within_transaction(handler: Handler) -> Handler:
    """Mark a subscriber that runs in the recording transaction, as `handler(ctx, tx, event)`."""
    handler.within_transaction = True  # type: ignore[attr-defined]
    return handler


def record(ctx: HasSubscribers, tx: Transaction, event: Event) -> None:
    """Tell the event's subscribers: once `tx` has committed (never if it rolls back), or at once,
    in `tx`, for those marked `within_transaction`."""
    for handler in ctx.subscribers.get(type(event), ()):
        if getattr(handler, "within_transaction", False):
            handler(ctx, tx, event)
        else:
            tx.after_commit(lambda handler=handler: handler(ctx, event))
