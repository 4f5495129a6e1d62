"""The audit trail of changes that are not state transitions, kept as events tell of them.

State transitions write their own audit entry with their conditional update
(`transitions.move`). The handlers here subscribe, within the transaction, to the other
changes worth keeping: who changed a place's conditions, stopped or resumed it, set a
work centre aside, or asked for a change to a request under way.
"""
from __future__ import annotations

from makernet.db import Transaction
from makernet.models import AuditEntry
from makernet.services.context import Context
from makernet.services.events import (ChangeAsked, MachineServiceChanged, PlaceConditionsChanged, PlaceResumed,
                                      PlaceStopped, within_transaction)

CHANGE_ASKED = "request_ask"   # the entity of a requester's ask, entity_id its request


@within_transaction
def place_conditions_changed(_ctx: Context, tx: Transaction, event: PlaceConditionsChanged) -> None:
    """Who changed the conditions the planner weighs (auto-accept above all)."""
    state = "active" if event.active else "withdrawn"
    tx.session.add(AuditEntry(entity="place", entity_id=event.place_id, from_state=state, to_state=state,
                              user_id=event.user_id, note=("conditions: " + ", ".join(event.fields))[:500]))


@within_transaction
def place_stopped(_ctx: Context, tx: Transaction, event: PlaceStopped) -> None:
    """A place withdrawn, and why."""
    tx.session.add(AuditEntry(entity="place", entity_id=event.place_id, from_state="active", to_state="withdrawn",
                              user_id=event.user_id, note=event.reason[:500]))


@within_transaction
def place_resumed(_ctx: Context, tx: Transaction, event: PlaceResumed) -> None:
    """A place back at work."""
    tx.session.add(AuditEntry(entity="place", entity_id=event.place_id, from_state="withdrawn", to_state="active",
                              user_id=event.user_id, note="takes work again"))


@within_transaction
def machine_service_changed(_ctx: Context, tx: Transaction, event: MachineServiceChanged) -> None:
    """A work centre set aside or back in service."""
    tx.session.add(AuditEntry(entity="machine", entity_id=event.machine_id,
                              from_state="inactive" if event.active else "active",
                              to_state="active" if event.active else "inactive", user_id=event.user_id))


@within_transaction
def change_asked(_ctx: Context, tx: Transaction, event: ChangeAsked) -> None:
    """A requester's ask, kept on the request's timeline for the coordination to read."""
    tx.session.add(AuditEntry(entity=CHANGE_ASKED, entity_id=event.request_id, from_state=event.status,
                              to_state=event.status, user_id=event.user_id, note=event.message[:500]))
