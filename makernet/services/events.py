"""What happened, told once a transaction has committed: use cases record events, other areas subscribe.

A use case records an event inside its transaction; the subscribers of its kind run only
after the commit (never for a transaction rolled back), each with the context and the
event, the way tasks are enqueued after commit. Which area subscribes to what is listed
in one table, `makernet.services.subscriptions`, handed to the context at start-up.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from makernet.db import Transaction


class Event:
    """Something that happened, as plain values."""


@dataclass(frozen=True)
class RequestApproved(Event):
    """A coordinator approved a request for allocation."""

    request_id: int


@dataclass(frozen=True)
class WorkProposed(Event):
    """Work orders were proposed to places (by hand or by a planner run)."""

    work_order_ids: tuple[int, ...]


@dataclass(frozen=True)
class WorkRefused(Event):
    """A place declined planner work, or accepted only part of it: the rest is to plan again."""

    work_order_id: int
    request_line_id: int
    trigger: str          # "decline" or "partial"
    what: str             # how the refusal reads in the planner run's reason
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
class ReceiptConfirmed(Event):
    """A requester confirmed a delivery arrived."""

    delivery_id: int
    request_closed: bool


class HasSubscribers(Protocol):
    """What `record` needs of the context: the subscription table."""

    subscribers: Mapping[type[Event], Sequence[Callable[..., None]]]


def record(ctx: HasSubscribers, tx: Transaction, event: Event) -> None:
    """Tell the event's subscribers once `tx` has committed (and never if it rolls back)."""
    for handler in ctx.subscribers.get(type(event), ()):
        tx.after_commit(lambda handler=handler: handler(ctx, event))
