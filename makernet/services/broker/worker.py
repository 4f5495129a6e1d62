"""Reports from places' own workers are applied only when they come from the place that owns what they are about.

A place's worker publishes through the reports exchange with its broker user as the message's `user_id`, which
RabbitMQ checks against the connection's user: a report cannot claim another sender. A report that came through
that exchange without a place's identity, or about another place's machines or jobs, is refused: nothing is
applied, and an audit entry (entity `report`, to_state `refused`) tells the admin who sent what and why.
Central workers' own readings and outcomes never go through the broker as reports (they apply them directly);
an `apply_key` from a central onboarding comes on the central queue, which places' users cannot write to.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import select

from makernet.models import AuditEntry, Job, Machine
from makernet.services.context import REPORTS, Context, broker_vhost, place_of_broker_user

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportOrigin:
    """How a report reached the central worker: the exchange it was published to and its broker-checked user_id."""

    exchange: str = ""
    user: str = ""

    @property
    def from_a_place(self) -> bool:
        """Whether it came the places' way (their exchange, or a place's user): then its sender is checked."""
        return self.exchange == REPORTS or self.user.startswith("place-")


def accept_report(ctx: Context, origin: ReportOrigin, kind: str, machines: Iterable[object] = (),
                  jobs: Iterable[object] = ()) -> bool:
    """Whether a report may be applied: central, or from the place that owns every machine and job it names.
    A refusal is logged and recorded in the audit trail, in its own transaction."""
    if not origin.from_a_place:
        return True
    place_id = place_of_broker_user(origin.user, broker_vhost(ctx.settings.broker_url))
    machine_ids, job_ids = sorted({_id(m) for m in machines}), sorted({_id(j) for j in jobs})
    with ctx.db.transaction() as tx:
        s = tx.session
        owner = dict(s.exec(select(Machine.id, Machine.place_id).where(Machine.id.in_(machine_ids))).all())  # type: ignore[attr-defined]
        job_owner = dict(s.exec(select(Job.id, Machine.place_id).join(Machine, Machine.id == Job.machine_id)  # type: ignore[arg-type]
                                .where(Job.id.in_(job_ids))).all())  # type: ignore[attr-defined]
        why = _why_refused(place_id, origin.user, owner, job_owner, machine_ids, job_ids)
        if why is None:
            return True
        s.add(AuditEntry(entity="report", entity_id=place_id or 0, from_state=kind[:20], to_state="refused",
                         note=f"from {origin.user or 'no broker user'}: machines {machine_ids}, jobs {job_ids}: "
                              f"{why}"[:500]))
    log.warning("refused a %s report from %r (machines %s, jobs %s): %s", kind, origin.user, machine_ids, job_ids, why)
    return False


def _why_refused(place_id: int | None, user: str, owner: dict, job_owner: dict, machine_ids: list,
                 job_ids: list) -> str | None:
    """Why a report from this place about these machines and jobs may not be applied, or None."""
    if place_id is None:
        return f"the sender {user!r} is no place's broker user of this installation"
    unknown = [m for m in machine_ids if m not in owner] + [j for j in job_ids if j not in job_owner]
    if unknown:
        return f"unknown ids {unknown}"
    others = sorted({p for p in (*owner.values(), *job_owner.values()) if p != place_id})
    if others:
        return f"they belong to place{'s' if len(others) > 1 else ''} {others}, not to place {place_id}"
    return None


def _id(value: object) -> int:
    """An id as the report gives it; anything else counts as unknown (-1)."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return -1
