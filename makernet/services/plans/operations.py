"""Steps of planning run inside a caller's transaction: proposals withdrawn, accepted work released, a run
recorded in its territory's turn.

Two runs of one territory never overlap: a run is queued only when no run of a territory sharing a département
with it is queued or running; otherwise a coordinator's run is refused, naming the one in progress, and an
event's re-plan waits its turn (`waiting`), so that it is never lost. Recording runs takes turns across processes
(PostgreSQL: an advisory lock for the transaction; SQLite: the database's one writer, taken by the first write),
and a partial unique index on the territory's key holds the rule in the database itself. A run that goes silent
longer than MAKERNET_PLAN_RUN_TIMEOUT (its worker died, no worker took it) is given up, failed, and holds its
territory no more.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from makernet.domain.explanations import Words, french, said, stored, words_of
from makernet.domain.planning import day_of, day_offset
from makernet.domain.production import QueuedPlate, beyond_capacity
from makernet.domain.states import WorkOrderStatus
from makernet.db import Transaction, among
from makernet.errors import Conflict
from makernet.models import Job, Organisation, Place, Request, RequestLine, WorkOrder
from makernet.models.base import utcnow
from makernet.models.plans import PlanRun
from makernet.planner.model import PlanResult, Proposal
from makernet.services.context import Context
from makernet.services.places.operations import place_capacity
from makernet.services.planning.operations import not_begun, take_back
from makernet.services.plans.views import GIVEN_UP
from makernet.services.production.operations import in_making_order
from makernet.services.transitions import move

ACTIVE = ("queued", "running")              # at most one run so per territory
UNFINISHED = ("waiting", *ACTIVE)
TURNS = 0x6D6B6E5F706C616E                  # PostgreSQL's advisory lock of recording runs ("mkn_plan")
WAIT_SECONDS = 5                            # a run waiting for its territory's turn asks again this often


def territory_key(territory: tuple[str, ...] | None) -> str:
    """A territory as one key: its départements sorted, comma-separated; `*` for everywhere."""
    return "*" if territory is None else ",".join(sorted(set(territory)))


def overlap(key: str, other: str) -> bool:
    """Whether two territories share a département (everywhere shares them all)."""
    return "*" in (key, other) or bool(set(key.split(",")) & set(other.split(",")))


def open_run(s: Session, silent_after: float, *, wait: bool, territory: tuple[str, ...] | None, trigger: str,
             reason: str | Words, user_id: int | None, strategy: str, today: date, line_ids: set[int] | None,
             release_days: int | None, changes: list[dict] | None = None) -> PlanRun:
    """Record a run in its territory's turn: queued, or waiting behind the run in progress (`wait`), else refused."""
    take_turns(s, silent_after)
    key = territory_key(territory)
    busy = in_the_way(s, key)
    if busy is not None and not wait:
        raise Conflict("plans.run_in_progress", id=busy.id)
    words = words_of(reason)
    run = PlanRun(status="waiting" if busy else "queued", strategy=strategy, trigger=trigger,
                  reason=(french(words) if words else str(reason))[:1000], reason_words=stored(words) if words else None,
                  territory=list(territory or ()), territory_key=key, plan_day=today, release_days=release_days,
                  line_ids=sorted(line_ids) if line_ids is not None else None, changes=list(changes or []),
                  created_by=user_id)
    s.add(run)
    s.flush()
    return run


def take_turns(s: Session, silent_after: float) -> None:
    """Wait for any other process recording a run, then give up the runs silent too long."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(select(func.pg_advisory_xact_lock(TURNS)))
    now = utcnow()   # on SQLite this first write takes the database's one writer until the transaction ends
    for status, code in GIVEN_UP.items():
        s.execute(update(PlanRun).where(PlanRun.status == status,  # type: ignore[arg-type]
                                        PlanRun.updated_at < now - timedelta(seconds=silent_after))
                  .values(status="failed", step="", error=code, finished_at=now, updated_at=now))


def in_the_way(s: Session, key: str) -> PlanRun | None:
    """The run queued or running for a territory overlapping this one, if any."""
    active = s.exec(select(PlanRun).where(PlanRun.status.in_(ACTIVE)).order_by(PlanRun.id)).all()  # type: ignore[attr-defined]
    return next((run for run in active if overlap(key, run.territory_key)), None)


def finish_run(s: Session, run: PlanRun, result: PlanResult, written: list[dict], today: date) -> PlanRun:
    """The run done, in the transaction that wrote its proposals: what it changed, proposed, held and left over."""
    changes = list(run.changes or []) + written
    run.changes = changes
    run.seconds = round(result.seconds, 4)
    run.proposed_units = sum(c["quantity"] for c in changes if c["what"] in ("proposé", "accepté automatiquement"))
    run.unplanned = [{"line_id": u.line_id, "quantity": u.quantity, "reason": u.reason, "words": stored(u.words)}
                     for u in result.unplanned]
    run.unplanned_units = sum(u.quantity for u in result.unplanned)
    run.held = [{"line_id": h.line_id, "place_id": h.place_id, "quantity": h.quantity,
                 "start": day_of(h.start_day, today).isoformat() if h.start_day is not None else None,
                 "on_time": h.on_time, "reason": h.reason, "words": stored(h.words)} for h in result.held]
    run.held_units = sum(h.quantity for h in result.held)
    run.status, run.step, run.finished_at = "done", "", utcnow()
    run.updated_at = run.finished_at
    s.add(run)
    s.flush()
    return run


def next_in_line(s: Session, silent_after: float, run_id: int | None = None) -> list[int]:
    """Runs waiting whose territory is free now, queued in the order they came (or this one only): their ids."""
    take_turns(s, silent_after)
    query = select(PlanRun).where(PlanRun.status == "waiting").order_by(PlanRun.id)  # type: ignore[arg-type]
    if run_id is not None:
        query = query.where(PlanRun.id == run_id)
    queued = []
    for run in s.exec(query).all():
        if in_the_way(s, run.territory_key) is None:
            run.status = "queued"
            queued.append(run.id)
        run.updated_at = utcnow()   # still waiting, and said so: not silent
        s.add(run)
        s.flush()
    return queued


def withdraw_proposals(s: Session, place: Place, reason: str | Words, user_id: int | None) -> list[dict]:
    """Cancel the place's proposals that wait for its answer."""
    changes = []
    for order in s.exec(select(WorkOrder).where(WorkOrder.place_id == place.id, WorkOrder.status == "proposed")).all():
        if move(s, WorkOrder, WorkOrderStatus, order.id, "withdraw", user_id=user_id, note=said(reason),
                decided_at=utcnow()) is not None:
            changes.append(_withdrawn(place, order, "explain.withdrawn", {"reason": reason}))
    return changes


def withdraw_replaced(s: Session, proposals: tuple[Proposal, ...],
                      user_id: int | None) -> tuple[tuple[Proposal, ...], list[dict]]:
    """Withdraw the waiting proposals the run moves nearer (nearer.py); a move whose proposal was answered or
    withdrawn meanwhile is dropped, so that no unit is given twice. Returns the proposals to write and the changes."""
    kept, changes = [], []
    for proposal in proposals:
        if proposal.replaces is None:
            kept.append(proposal)
            continue
        order = s.get(WorkOrder, proposal.replaces)   # withdrawn only while it waits ("proposed": states.py)
        place = s.get(Place, order.place_id) if order is not None else None
        km = {"km": round(proposal.distance_km), "was_km": round(order.distance_km or 0)} if order else {}
        why = (("explain.withdrawn_nearer_order", km),)
        if order is None or place is None or order.quantity != proposal.quantity or move(
                s, WorkOrder, WorkOrderStatus, order.id, "withdraw", user_id=user_id, decided_at=utcnow(),
                note=french(why), reason=french(why), reason_words=stored(why)) is None:
            continue
        kept.append(proposal)
        changes.append(_withdrawn(place, order, "explain.withdrawn_nearer", km))
    return tuple(kept), changes


def release_accepted(s: Session, place: Place, reason: str | Words, user_id: int | None) -> list[dict]:
    """Give back the accepted units of a place that stopped, except those already made or on a machine."""
    changes = []
    because = (("explain.released", {"place": place.name, "reason": reason}),)
    for order in s.exec(select(WorkOrder).where(WorkOrder.place_id == place.id, WorkOrder.status == "accepted")).all():
        if units := take_back(s, order, not_begun(s, order), because, user_id, skip_claimed=True):
            changes.append(_released(place, order, units, reason))
    return changes


def release_overdue(s: Session, place: Place, today: date, reason: str | Words, user_id: int | None) -> list[dict]:
    """Give back the accepted plates a place that can do less (a printer down) would now finish too late to be
    carried on time: its queue walked in making order, each plate that no longer fits by its due day, so that the
    plates it keeps stay on time; started plates and work already late stay (domain.production.beyond_capacity)."""
    queue = s.exec(in_making_order(
        select(Job, WorkOrder, RequestLine.item_id, Request.needed_by).join(WorkOrder, WorkOrder.id == Job.work_order_id)
        .where(WorkOrder.place_id == place.id, WorkOrder.status == "accepted",
               Job.status.in_(("queued", "dispatching", "printing"))), today)).all()  # type: ignore[attr-defined]
    if not queue:
        return []
    by_item: dict[int, list[QueuedPlate]] = {}
    horizon = 1
    for job, order, item_id, needed_by in queue:
        due = day_offset(order.due_by or needed_by - timedelta(days=1), today)
        horizon = max(horizon, due + 1)
        by_item.setdefault(item_id, []).append(QueuedPlate(job.id, job.units, due, job.status != "queued"))
    capacity = place_capacity(s, place, set(by_item), today, horizon)
    late = {key for item_id, plates in by_item.items()
            for key in beyond_capacity(capacity[item_id].days if item_id in capacity else (), plates)}
    freed: dict[int, int] = defaultdict(int)
    orders = {}
    for job, order, _, _ in queue:
        if job.id in late:   # an order's late plates are its last queued ones: its making order is by sequence
            freed[order.id] += job.units
            orders[order.id] = order
    because = (("explain.not_ready_in_time", {"reason": reason}),)
    changes = []
    for order_id, units in freed.items():   # a plate claimed meanwhile stays, as started ones do
        if taken := take_back(s, orders[order_id], units, because, user_id, skip_claimed=True):
            changes.append(_released(place, orders[order_id], taken, because))
    return changes


def _withdrawn(place: Place, order: WorkOrder, code: str, values: dict) -> dict:
    """The change a run records for a proposal withdrawn before its place answered, and why (a sentence of
    domain.explanations, said where it is shown)."""
    words = ((code, {"place": place.name} | values),)
    return {"work_order_id": order.id, "request_line_id": order.request_line_id, "place_id": place.id,
            "quantity": order.quantity, "what": "retiré", "why": french(words), "words": stored(words)}


def _released(place: Place, order: WorkOrder, units: int, reason: str | Words) -> dict:
    """The change a run records for units of an accepted work order given back by its place."""
    words = (("explain.released", {"place": place.name, "reason": reason}),)
    return {"work_order_id": order.id, "request_line_id": order.request_line_id, "place_id": place.id,
            "quantity": units, "what": "libéré", "why": french(words), "words": stored(words)}


def post(ctx: Context, tx: Transaction, run_id: int) -> None:
    """Hand the run to a worker once the transaction that recorded it has committed."""
    tx.after_commit(lambda: ctx.tasks.enqueue("run_plan", run_id))


def territory_of(s: Session, departement: str) -> tuple[str, ...] | None:
    """The départements of the coordinations covering this one (None: no coordination, plan everywhere)."""
    covered: set[str] = set()
    for organisation in s.exec(select(Organisation).where(Organisation.kind == "coordination")).all():
        if departement in (organisation.territory or []):
            covered |= set(organisation.territory)
    return tuple(sorted(covered)) if covered else None


def territory_of_lines(s: Session, line_ids: set[int]) -> tuple[str, ...] | None:
    """The territory that covers these lines' requesters (None: everywhere)."""
    departements = {org.departement for org in s.exec(
        select(Organisation).join(Request, Request.organisation_id == Organisation.id)
        .join(RequestLine, RequestLine.request_id == Request.id)
        .where(among(s, RequestLine.id, line_ids))).all()}
    territory = None
    for departement in departements:
        covered = territory_of(s, departement)
        territory = None if covered is None else tuple(sorted(set(territory or ()) | set(covered)))
    return territory
