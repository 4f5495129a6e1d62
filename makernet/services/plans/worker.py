"""Planner runs made by workers, step by step, and re-plans of what a disruption released.

A run is recorded in its territory's turn (`operations.open_run`) and posted to a worker (`execute_run`): it
reads the requests and places, solves, then writes its proposals in one transaction, telling each step on the run;
a failure writes nothing and says why. `propose` makes a run at once in the calling process (the simulator, the
benchmarks) through the same record and turn. `plan_daily` is the morning run; `replan_place` (a printer down, a
stock-out, a place dropping out) and `replan_lines` re-plan, their runs waiting their turn behind one in progress.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from time import perf_counter

from sqlalchemy import update
from sqlmodel import Session, select

from makernet.db import Transaction, among
from makernet.domain.explanations import PROPOSED, Words, french, stored
from makernet.domain.planning import RELEASE_DAYS, day_of
from makernet.errors import Conflict, InvalidInput, MakerNetError, NotFound
from makernet.models import AuditEntry, Organisation, Place, Request, RequestLine, WorkOrder
from makernet.models.base import utcnow
from makernet.models.plans import PlanRun
from makernet.planner import plan, plan_baseline
from makernet.planner.model import Proposal
from makernet.services.context import Context
from makernet.services.events import PlanProposed, WorkAccepted, WorkProposed, record
from makernet.services.planning.operations import accept_order
from makernet.services.plans.inputs import allocated_by_line, plan_input
from makernet.services.plans.operations import (finish_run, next_in_line, open_run, post, release_accepted,
                                              release_overdue, territory_of, territory_of_lines, withdraw_proposals,
                                              withdraw_replaced)
from makernet.services.plans.views import PlanRunProgress, PlanRunResult, plan_run_progress, plan_run_view
from makernet.services.production.operations import start_work_order
from makernet.services.transitions import created

log = logging.getLogger(__name__)
TRIGGERS = ("manual", "daily", "decline", "partial", "printer_down", "stock_out", "place_out", "rule", "taken_back")


STRATEGIES = {"planner": plan, "baseline": plan_baseline}


def start(ctx: Context, *, wait: bool, territory: tuple[str, ...] | None, trigger: str, reason: str | Words = "",
          user_id: int | None = None, line_ids: set[int] | None = None, today: date | None = None,
          strategy: str = "planner", release_days: int | None = RELEASE_DAYS) -> PlanRunProgress:
    """Record a run in its territory's turn and post it to a worker: how far it is (queued, or waiting if `wait`)."""
    check_strategy(strategy)
    with ctx.db.transaction() as tx:
        run = open_run(tx.session, ctx.settings.plan_run_timeout, wait=wait, territory=territory, trigger=trigger,
                       reason=reason, user_id=user_id, strategy=strategy, today=today or date.today(),
                       line_ids=line_ids, release_days=release_days)
        post(ctx, tx, run.id)
        return plan_run_progress(run)


def check_strategy(strategy: str) -> None:
    """A strategy the planner knows, else refused before anything is written."""
    if strategy not in STRATEGIES:
        raise InvalidInput("plans.strategy_unknown", field="strategy", value=strategy, allowed=list(STRATEGIES))


def propose(ctx: Context, *, user_id: int | None, territory: tuple[str, ...] | None, trigger: str,
            reason: str | Words = "", line_ids: set[int] | None = None, today: date | None = None,
            strategy: str = "planner", changes: list[dict] | None = None,
            release_days: int | None = RELEASE_DAYS) -> PlanRunResult:
    """Run the planner now, in this process, on open lines and write its proposals as work orders at once.

    The same run record and turn as a worker's: refused while a run of its territory is in progress. Work a
    place would start only after `release_days` is planned but held for a later run (None: propose everything
    now); the run lists what it held and why.
    """
    check_strategy(strategy)
    with ctx.db.transaction() as tx:
        run = open_run(tx.session, ctx.settings.plan_run_timeout, wait=False, territory=territory, trigger=trigger,
                       reason=reason, user_id=user_id, strategy=strategy, today=today or date.today(),
                       line_ids=line_ids, release_days=release_days, changes=changes)
    try:
        made = _make(ctx, run.id)
    except Exception as error:
        _fail(ctx, run.id, error)
        raise
    finally:
        _next(ctx)
    assert made is not None   # recorded queued just now, by this process
    return made


def execute_run(ctx: Context, run_id: int) -> str:
    """A worker makes a run posted to it (a repeated message does nothing): its status after.

    "waiting": its territory is still busy, ask again later. A run that fails is marked failed with why; nothing
    it would have proposed is written.
    """
    with ctx.db.transaction() as tx:
        run = tx.session.get(PlanRun, run_id)
        if run is not None and run.status == "waiting":
            next_in_line(tx.session, ctx.settings.plan_run_timeout, run_id)
        status = run.status if run is not None else "missing"
    if status != "queued":
        return status
    try:
        _make(ctx, run_id)
    except Exception as error:   # noqa: BLE001 - whatever stopped it, the run says it failed and the worker goes on
        log.exception("planner run %s failed", run_id)
        _fail(ctx, run_id, error)
    _next(ctx)
    with ctx.db.reading() as s:
        return s.get(PlanRun, run_id).status  # type: ignore[union-attr]


def _make(ctx: Context, run_id: int) -> PlanRunResult | None:
    """Claim a queued run, read its input, solve, and write its proposals in one transaction, telling each step."""
    started = perf_counter()
    run = _tell(ctx, run_id, "reading", claim=True)
    if run is None:
        return None   # another worker took it
    territory = None if run.territory_key == "*" else tuple(run.territory)
    with ctx.db.reading() as s:
        inp = replace(plan_input(s, run.plan_day or date.today(), territory,
                                 set(run.line_ids) if run.line_ids is not None else None,
                                 ctx.settings.shuttle_weekdays),
                      release_days=run.release_days)
    _tell(ctx, run_id, "solving")
    result = STRATEGIES[run.strategy](inp)
    _tell(ctx, run_id, "writing")
    with ctx.db.transaction() as tx:
        s = tx.session
        run = _tell(ctx, run_id, "writing", session=s)   # still ours: held until the proposals are written
        written, accepting = _write_all(ctx, tx, run, result.proposals, inp.today)
        view = plan_run_view(finish_run(s, run, result, written, inp.today))
    return view | {"service_seconds": round(perf_counter() - started, 4), "auto_accept_seconds": round(accepting, 4),
                   "relaxed_on_time_units": round(result.relaxed_on_time, 2),
                   "planned_on_time_units": result.planned_on_time}


def _tell(ctx: Context, run_id: int, step: str, *, claim: bool = False, session: Session | None = None) -> PlanRun | None:
    """Say which step the run is at (claiming it from the queue first: None if another worker did); a run given up
    meanwhile stops here. With a `session`, in its transaction, whose row lock then keeps the run ours."""
    now = utcnow()
    query = update(PlanRun).where(PlanRun.id == run_id, PlanRun.status == ("queued" if claim else "running")).values(
        status="running", step=step, updated_at=now, **({"started_at": now} if claim else {}))
    if session is None:
        with ctx.db.transaction() as tx:
            return _tell(ctx, run_id, step, claim=claim, session=tx.session)
    if not session.execute(query).rowcount:  # type: ignore[attr-defined]
        if claim:
            return None
        raise Conflict("plans.run_stale")
    return session.get(PlanRun, run_id)


def _fail(ctx: Context, run_id: int, error: Exception) -> None:
    """The run failed: say why on it (a run given up meanwhile keeps its own reason)."""
    code, params = (error.code, error.params) if isinstance(error, MakerNetError) else ("plans.run_failed", {})
    now = utcnow()
    with ctx.db.transaction() as tx:
        tx.session.execute(update(PlanRun).where(PlanRun.id == run_id, PlanRun.status.in_(("queued", "running")))  # type: ignore[attr-defined]
                           .values(status="failed", step="", error=code, finished_at=now, updated_at=now,
                                   error_params={k: v if v is None or isinstance(v, (int, float, str, bool, list))
                                                 else str(v) for k, v in params.items()}))


def _next(ctx: Context) -> None:
    """Runs that waited for a territory this run held are posted now."""
    with ctx.db.transaction() as tx:
        for run_id in next_in_line(tx.session, ctx.settings.plan_run_timeout):
            post(ctx, tx, run_id)


def _write_all(ctx: Context, tx: Transaction, run: PlanRun, proposals: tuple[Proposal, ...],
               today: date) -> tuple[list[dict], float]:
    """The proposals as work orders, written together; auto-accepting places take theirs at once. Returns the
    changes, and the seconds the auto-accepting places took to queue their plates."""
    s = tx.session
    proposals, withdrawn = withdraw_replaced(s, proposals, run.created_by)   # waiting proposals moved nearer
    orders = _work_orders(s, run, proposals, today)
    s.add_all([order for _, order in orders])
    s.flush()
    for _, order in orders:
        created(s, WorkOrder, order.id, order.status, user_id=run.created_by, note=f"plan {run.id}: {order.quantity} units")
    if orders:
        record(ctx, tx, WorkProposed(tuple(order.id for _, order in orders)))
        record(ctx, tx, PlanProposed(run.id, tuple(order.id for _, order in orders)))
    requests = s.exec(select(RequestLine.request_id).where(
        among(s, RequestLine.id, {o.request_line_id for _, o in orders}))).all() if orders else []
    _mark_allocated(s, set(requests), run.created_by)
    automatic = set(s.exec(select(Place.id).where(Place.id.in_({o.place_id for _, o in orders}),  # type: ignore[union-attr]
                                                   Place.auto_accept == True)).all()) if orders else set()  # noqa: E712
    changes, accepting = [], 0.0
    for proposal, order in orders:
        started = perf_counter()
        what = "accepté automatiquement" if order.place_id in automatic and _auto_accept(ctx, tx, order) else "proposé"
        accepting += perf_counter() - started
        changes.append({"work_order_id": order.id, "request_line_id": order.request_line_id, "place_id": order.place_id,
                        "quantity": order.quantity, "what": what, "why": order.explanation, "words": order.explanation_words})
    return withdrawn + changes, accepting


def _work_orders(s: Session, run: PlanRun, proposals: tuple[Proposal, ...],
                 today: date) -> list[tuple[Proposal, WorkOrder]]:
    """A work order per proposal, never more than its line still has unallocated (one read for all lines)."""
    ids = {p.line_id for p in proposals}
    quantities = dict(s.exec(select(RequestLine.id, RequestLine.quantity).where(
        among(s, RequestLine.id, ids))).all()) if ids else {}
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
            quantity=quantity, reason=french(PROPOSED), reason_words=stored(PROPOSED), created_by=run.created_by,
            plan_run_id=run.id, explanation=proposal.explanation, explanation_words=stored(proposal.words),
            distance_km=proposal.distance_km, due_by=day_of(proposal.last_day, today),
            ready_by=day_of(proposal.ready_day, today) if proposal.ready_day is not None else None)))
    return orders


def _mark_allocated(s: Session, request_ids: set[int], user_id: int | None) -> None:
    """Approved requests that got work are now allocated: one guarded update, one audit entry each."""
    if not request_ids:
        return
    moved = s.execute(update(Request).where(among(s, Request.id, request_ids), Request.status == "approved")
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


def plan_daily(ctx: Context, today: date | None = None) -> list[PlanRunProgress]:
    """The morning run (beat): a run posted for each coordination's territory (waiting its turn behind a run in
    progress), held work proposed as places near it. Without any coordination, the whole installation at once.
    """
    with ctx.db.reading() as s:
        territories = sorted({tuple(sorted(o.territory)) for o in s.exec(
            select(Organisation).where(Organisation.kind == "coordination")).all() if o.territory})
    return [start(ctx, wait=True, territory=territory, trigger="daily", reason=(("explain.run_daily", {}),),
                  today=today) for territory in territories or [None]]


def replan_place(ctx: Context, place_id: int, reason: str | Words, trigger: str = "printer_down",
                 today: date | None = None, user_id: int | None = None,
                 give_back_late: bool = False) -> PlanRunProgress | None:
    """A place can do less than planned (printer down, stock-out, dropping out): re-plan its open work.

    Its proposals not yet accepted are withdrawn. If it can no longer work at all, the accepted units no machine
    has started are released too; if it still works and someone reported the loss (`give_back_late`: the place's
    operator or a coordinator, not a printer the poll found silent, whose plates wait for it), the accepted plates it
    would now finish too late to be carried on time (operations.release_overdue), for the run to give where they
    still can be. In the same transaction a run of those lines is recorded (waiting its turn if need be) and
    posted; it records what changed and why.
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
        elif give_back_late:
            changes += release_overdue(s, place, today or date.today(), reason, user_id)
        lines = {c["request_line_id"] for c in changes}
        if not lines:
            return None
        run = open_run(s, ctx.settings.plan_run_timeout, wait=True, territory=territory_of(s, place.departement),
                       trigger=trigger, reason=reason, user_id=user_id, strategy="planner",
                       today=today or date.today(), line_ids=lines, release_days=RELEASE_DAYS, changes=changes)
        post(ctx, tx, run.id)
        return plan_run_progress(run)


def replan_lines(ctx: Context, line_ids: set[int], trigger: str, reason: str | Words, user_id: int | None = None,
                 today: date | None = None) -> PlanRunProgress:
    """Plan again lines whose work a place refused (declined, accepted only in part) or a coordinator took back."""
    with ctx.db.reading() as s:
        territory = territory_of_lines(s, line_ids)
    return start(ctx, wait=True, territory=territory, trigger=trigger, reason=reason, user_id=user_id,
                 line_ids=line_ids, today=today)
