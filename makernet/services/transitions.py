"""Guarded state changes: a named transition as a conditional update, plus its audit entry."""
from __future__ import annotations

import enum

from sqlalchemy import update
from sqlmodel import Session, SQLModel

from makernet.domain.states import transition
from makernet.models import AuditEntry


def move(session: Session, model: type[SQLModel], kind: type[enum.Enum], entity_id: int,
         name: str, *, user_id: int | None = None, note: str = "", **values: object) -> str | None:
    """Apply the transition `name` to one row if it is in one of its sources; return the state it left, or None.

    The check and the write are one UPDATE ... WHERE status = (the state read), so two workers
    applying the same message cannot both succeed.
    """
    step = transition(kind, name)
    previous = session.get(model, entity_id, populate_existing=True)
    if previous is None or previous.status not in step.sources:  # type: ignore[attr-defined]
        return None
    from_state = previous.status  # type: ignore[attr-defined]
    result = session.execute(
        update(model)
        .where(model.id == entity_id, model.status == from_state)  # type: ignore[attr-defined]
        .values(status=step.target, **values)
    )
    if result.rowcount != 1:
        return None
    session.add(AuditEntry(entity=model.__tablename__, entity_id=entity_id, from_state=from_state,
                           to_state=step.target, user_id=user_id, note=note[:500]))
    session.flush()
    session.refresh(previous)
    return from_state


def created(session: Session, model: type[SQLModel], entity_id: int, state: str, *,
            user_id: int | None = None, note: str = "") -> None:
    """Record that a thing came into being in its first state."""
    session.add(AuditEntry(entity=model.__tablename__, entity_id=entity_id, from_state=None, to_state=state,
                           user_id=user_id, note=note[:500]))
