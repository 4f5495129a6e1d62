"""Planner runs: propose work from the planner's result, and re-plan what a disruption released.

`plan_daily` is the morning run beat posts. The hooks other areas call when a place can
do less than planned: `replan_place(ctx, place_id, reason, trigger)` (a printer down, a stock-out) and
`withdraw_place(ctx, actor, place_id, reason)` (a place dropping out).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from time import perf_counter

from sqlalchemy import update
from sqlmodel import Session, select

from makernet.db import Transaction
from makernet.domain.planning import RELEASE_DAYS, day_of
from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import AuditEntry, Organisation, Place, Request, RequestLine, WorkOrder
from makernet.models.plans import PlanRun
from makernet.planner import plan, plan_baseline
from makernet.planner.model import Proposal
from makernet.services.context import Context
from makernet.services.events import PlanProposed, WorkAccepted, WorkProposed, record
from makernet.services.planning.operations import accept_order
from makernet.services.plans.inputs import allocated_by_line, plan_input
from makernet.services.plans.operations import release_accepted, withdraw_proposals
from makernet.services.plans.views import plan_run_view
from makernet.services.production.operations import start_work_order
from makernet.services.transitions import created
from makernet.services.plans.views import PlanRunResult

TRIGGERS = ("manual", "daily", "decline", "partial", "printer_down", "stock_out", "place_out", "rule", "taken_back")


STRATEGIES = {"planner": plan, "baseline": plan_baseline}


def propose(ctx: Context, *, user_id: int | None, territory: tuple[str, ...] | None, trigger: str,
            reason: str = "", line_ids: set[int] | None = None, today: date | None = None,
            strategy: str = "planner", changes: list[dict] | None = None,
            release_days: int | None = RELEASE_DAYS) -> PlanRunResult:
    """Run the planner on open lines and write its proposals as work orders, in one transaction.

    Work a place would start only after `release_days` is planned but held for a later
    run (None: propose everything now); the run lists what it held and why.
    """
    if strategy not in STRATEGIES:
        raise InvalidInput("plans.strategy_unknown", field="strategy", value=strategy, allowed=list(STRATEGIES))
    started = perf_counter()
    with ctx.db.transaction() as tx:
        s = tx.session
        inp = replace(plan_input(s, today or date.today(), territory, line_ids), release_days=release_days)
        result = STRATEGIES[strategy](inp)
        run = PlanRun(strategy=strategy, trigger=trigger, reason=reason[:1000], territory=list(territory or ()),
                      seconds=round(result.seconds, 4), created_by=user_id)
        s.add(run)
        s.flush()
        written, accepting = _write_all(ctx, tx, run, result.proposals, inp.today)
        changes = list(changes or []) + written
        run.changes = changes
        run.proposed_units = sum(c["quantity"] for c in changes if c["what"] in ("proposé", "accepté automatiquement"))
        run.unplanned = [{"line_id": u.line_id, "quantity": u.quantity, "reason": u.reason} for u in result.unplanned]
        run.unplanned_units = sum(u.quantity for u in result.unplanned)
        run.held = [{"line_id": h.line_id, "place_id": h.place_id, "quantity": h.quantity,
                     "start": day_of(h.start_day, inp.today).isoformat() if h.start_day is not None else None,
                     "on_time": h.on_time, "reason": h.reason} for h in result.held]
        run.held_units = sum(h.quantity for h in result.held)
        s.add(run)
        s.flush()
        view = plan_run_view(run)
    return view | {"service_seconds": round(perf_counter() - started, 4), "auto_accept_seconds": round(accepting, 4),
                   "relaxed_on_time_units": round(result.relaxed_on_time, 2),
                   "planned_on_time_units": result.planned_on_time}


def _write_all(ctx: Context, tx: Transaction, run: PlanRun, proposals: tuple[Proposal, ...],
               today: date) -> tuple[list[dict], float]:
    """The proposals as work orders, written together; auto-accepting places take theirs at once.

    Returns the changes, and the seconds the auto-accepting places took to queue their plates.
    """
    s = tx.session
    orders = _work_orders(s, run, proposals, today)
    s.add_all([order for _, order in orders])
    s.flush()
    for _, order in orders:
        created(s, WorkOrder, order.id, order.status, user_id=run.created_by, note=f"plan {run.id}: {order.quantity} units")
    if orders:
        record(ctx, tx, WorkProposed(tuple(order.id for _, order in orders)))
        record(ctx, tx, PlanProposed(run.id, tuple(order.id for _, order in orders)))
    requests = s.exec(select(RequestLine.request_id).where(
        RequestLine.id.in_({o.request_line_id for _, o in orders}))).all() if orders else []  # type: ignore[union-attr]
    _mark_allocated(s, set(requests), run.created_by)
    automatic = set(s.exec(select(Place.id).where(Place.id.in_({o.place_id for _, o in orders}),  # type: ignore[union-attr]
                                                   Place.auto_accept == True)).all()) if orders else set()  # noqa: E712
    changes, accepting = [], 0.0
    for proposal, order in orders:
        started = perf_counter()
        what = "accepté automatiquement" if order.place_id in automatic and _auto_accept(ctx, tx, order) else "proposé"
        accepting += perf_counter() - started
        changes.append({"work_order_id": order.id, "request_line_id": order.request_line_id, "place_id": order.place_id,
                        "quantity": order.quantity, "what": what, "why": proposal.explanation})
    return changes, accepting


def _work_orders(s: Session, run: PlanRun, proposals: tuple[Proposal, ...],
                 today: date) -> list[tuple[Proposal, WorkOrder]]:
    """A work order per proposal, never more than its line still has unallocated (one read for all lines)."""
    ids = {p.line_id for p in proposals}
    quantities = dict(s.exec(select(RequestLine.id, RequestLine.quantity).where(
        RequestLine.id.in_(ids))).all()) if ids else {}  # type: ignore[union-attr]
    taken = allocated_by_line(s, set(quantities))
    left = {line_id: quantity - taken.get(line_id, 0) for line_id, quantity in quantities.items()}
    orders = []
    for proposal in proposals:
        quantity = min(proposal.quantity, left.get(proposal.line_id, 0))
        if quantity <= 0:
            continue  # another run took these units meanwhile
        left[proposal.line_id] -= quantity
        orders.append((proposal, WorkOrder(
            request_line_id=proposal.line_id, place_id=proposal.place_id, design_version_id=proposal.design_version_id,
            quantity=quantity, reason="proposé par le planificateur", created_by=run.created_by, plan_run_id=run.id,
            explanation=proposal.explanation, distance_km=proposal.distance_km,
            ready_by=day_of(proposal.ready_day, today) if proposal.ready_day is not None else None)))
    return orders


def _mark_allocated(s: Session, request_ids: set[int], user_id: int | None) -> None:
    """Approved requests that got work are now allocated: one guarded update, one audit entry each."""
    if not request_ids:
        return
    moved = s.execute(update(Request).where(Request.id.in_(request_ids), Request.status == "approved")  # type: ignore[union-attr]
                      .values(status="allocated").returning(Request.id)).scalars().all()
    s.add_all([AuditEntry(entity=Request.__tablename__, entity_id=request_id, from_state="approved",
                          to_state="allocated", user_id=user_id) for request_id in moved])


def _auto_accept(ctx: Context, tx: Transaction, order: WorkOrder) -> bool:
    """A place that chose auto-accept takes the work at once, unless no machine of it can (then it waits)."""
    savepoint = tx.session.begin_nested()
    try:
        accept_order(tx.session, order, order.quantity, None, "auto-accepted by the place's conditions")
        start_work_order(ctx, tx, order)
        savepoint.commit()
        record(ctx, tx, WorkAccepted(order.id, order.quantity))
        return True
    except Conflict:
        savepoint.rollback()  # no machine can take it as things stand: it waits for the place
        return False


def plan_daily(ctx: Context, today: date | None = None) -> list[dict]:
    """The morning run (beat): each coordination's territory planned, held work proposed as places near it.

    Without any coordination, the whole installation is planned once.
    """
    with ctx.db.reading() as s:
        territories = sorted({tuple(sorted(o.territory)) for o in s.exec(
            select(Organisation).where(Organisation.kind == "coordination")).all() if o.territory})
    return [propose(ctx, user_id=None, territory=territory, trigger="daily", reason="passage quotidien du matin",
                    today=today) for territory in territories or [None]]


def replan_place(ctx: Context, place_id: int, reason: str, trigger: str = "printer_down",
                 today: date | None = None, user_id: int | None = None) -> PlanRunResult | None:
    """A place can do less than planned (printer down, stock-out, dropping out): re-plan its open work.

    Its proposals not yet accepted are withdrawn; if it can no longer work at all, the
    accepted units no machine has started are released too. Then the lines are planned
    again; the run records what changed and why.
    """
    if trigger not in TRIGGERS:
        raise InvalidInput("plans.trigger_unknown", field="trigger", value=trigger)
    with ctx.db.transaction() as tx:
        s = tx.session
        place = s.get(Place, place_id)
        if place is None:
            raise NotFound("place.not_found", id=place_id)
        changes = withdraw_proposals(s, place, reason, user_id)
        if not place.active:
            changes += release_accepted(s, place, reason, user_id)
        territory = territory_of(s, place.departement)
    lines = {c["request_line_id"] for c in changes}
    if not lines:
        return None
    return propose(ctx, user_id=user_id, territory=territory, trigger=trigger, reason=reason, line_ids=lines,
                   today=today, changes=changes)


def replan_lines(ctx: Context, line_ids: set[int], trigger: str, reason: str, user_id: int | None = None,
                 today: date | None = None) -> dict:
    """Plan again lines whose work a place refused (declined, or accepted only in part)."""
    with ctx.db.reading() as s:
        departements = {org.departement for org in s.exec(
            select(Organisation).join(Request, Request.organisation_id == Organisation.id)
            .join(RequestLine, RequestLine.request_id == Request.id)
            .where(RequestLine.id.in_(line_ids))).all()}  # type: ignore[union-attr]
        territory = None
        for departement in departements:
            covered = territory_of(s, departement)
            territory = None if covered is None else tuple(sorted(set(territory or ()) | set(covered)))
    return propose(ctx, user_id=user_id, territory=territory, trigger=trigger, reason=reason, line_ids=line_ids,
                   today=today)


def territory_of(s: Session, departement: str) -> tuple[str, ...] | None:
    """The départements of the coordinations covering this one (None: no coordination, plan everywhere)."""
    covered: set[str] = set()
    for organisation in s.exec(select(Organisation).where(Organisation.kind == "coordination")).all():
        if departement in (organisation.territory or []):
            covered |= set(organisation.territory)
    return tuple(sorted(covered)) if covered else None
