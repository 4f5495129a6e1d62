"""Work orders: a coordinator allocates, the place accepts, declines or accepts part."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from makernet.domain.planning import RELEASE_DAYS
from makernet.domain.states import RequestStatus, WorkOrderStatus
from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import DesignVersion, Item, Organisation, Place, Request, RequestLine, WorkOrder
from makernet.models.planning import PlanningRule, PlanRun
from makernet.models.base import utcnow
from makernet.services.accounts import Actor
from makernet.services.context import Context
from makernet.services.transitions import created, move

OPEN_WORK = ("proposed", "accepted", "done")
MAX_RELEASE_DAYS = 120


def allocate(ctx: Context, actor: Actor, *, request_line_id: int, place_id: int, quantity: int,
             design_version_id: int | None = None, reason: str = "") -> dict:
    """Propose part of a request line to a place; a place that chose auto-accept takes it at once."""
    actor.require("coordinator")
    from makernet.services.demand import visible_request
    from makernet.services.production import start_work_order

    with ctx.db.transaction() as tx:
        s = tx.session
        line = s.get(RequestLine, request_line_id)
        if line is None:
            raise NotFound(f"Request line {request_line_id} not found.")
        request = visible_request(s, actor, line.request_id)
        if request.status not in ("approved", "allocated", "in_production", "shipped"):
            raise Conflict(f"Request {request.id} is {request.status}; approve it before allocating.")
        place = _allocatable_place(s, actor, place_id, line.item_id)
        free = line.quantity - allocated_quantity(s, line.id)
        if quantity <= 0 or quantity > free:
            raise InvalidInput(f"The quantity must be between 1 and {free} (what is left to allocate on this line).",
                               field="quantity")
        if place.batch_limit is not None and quantity > place.batch_limit:
            raise InvalidInput(f"{place.name} accepts at most {place.batch_limit} units per work order.",
                               field="quantity")
        design = _validated_design(s, line.item_id, request, design_version_id)
        order = WorkOrder(request_line_id=line.id, place_id=place.id, design_version_id=design.id,
                          quantity=quantity, reason=reason.strip(), created_by=actor.user_id)
        s.add(order)
        s.flush()
        created(s, WorkOrder, order.id, order.status, user_id=actor.user_id, note=f"{quantity} units")
        move(s, Request, RequestStatus, request.id, "allocated", user_id=actor.user_id,
             only_from=frozenset({"approved"}))
        if place.auto_accept:
            _accept(s, order, quantity, None, "auto-accepted by the place's conditions")
            start_work_order(ctx, tx, order)
        s.flush()
        return work_order_view(s, order)


def _allocatable_place(s: Session, actor: Actor, place_id: int, item_id: int) -> Place:
    """The place, if active, in the coordinator's territory and accepting this item."""
    place = s.get(Place, place_id)
    if place is None or not actor.sees_departement(place.departement):
        raise NotFound(f"Place {place_id} not found.")
    if not place.active:
        raise Conflict(f"{place.name} is not taking work at the moment.")
    if place.accepted_item_ids and item_id not in place.accepted_item_ids:
        raise Conflict(f"{place.name} does not make this item.")
    return place


def _validated_design(s: Session, item_id: int, request: Request, design_version_id: int | None) -> DesignVersion:
    """The design version to produce: validated for this kind of requester, the newest by default."""
    kind = s.get(Organisation, request.organisation_id).kind
    query = select(DesignVersion).where(DesignVersion.item_id == item_id, DesignVersion.validated == True)  # noqa: E712
    if design_version_id is not None:
        query = query.where(DesignVersion.id == design_version_id)
    for design in s.exec(query.order_by(DesignVersion.id.desc())).all():  # type: ignore[union-attr]
        if not design.validated_for or kind in design.validated_for:
            return design
    item = s.get(Item, item_id)
    raise Conflict(f"No design version of {item.name} is validated for a requester of kind {kind}.")


def allocated_quantity(s: Session, request_line_id: int) -> int:
    """Units of a line already proposed, accepted or made elsewhere."""
    proposed = s.exec(select(func.coalesce(func.sum(WorkOrder.quantity), 0)).where(
        WorkOrder.request_line_id == request_line_id, WorkOrder.status == "proposed")).one()
    accepted = s.exec(select(func.coalesce(func.sum(WorkOrder.accepted_quantity), 0)).where(
        WorkOrder.request_line_id == request_line_id, WorkOrder.status.in_(("accepted", "done")))).one()  # type: ignore[attr-defined]
    return int(proposed) + int(accepted)


def accept_work_order(ctx: Context, actor: Actor, work_order_id: int, quantity: int | None = None,
                      today: date | None = None) -> dict:
    """The place accepts all of a proposed work order, or part of it (the rest is planned again)."""
    actor.require("operator")
    from makernet.services.production import start_work_order

    with ctx.db.transaction() as tx:
        order = _own_work_order(tx.session, actor, work_order_id)
        quantity = order.quantity if quantity is None else quantity
        if quantity <= 0 or quantity > order.quantity:
            raise InvalidInput(f"Accept between 1 and {order.quantity} units.", field="quantity")
        if order.status != "proposed":
            raise Conflict(f"Work order {work_order_id} is {order.status}; only a proposed one can be accepted.")
        note = "accepted" if quantity == order.quantity else f"accepted {quantity} of {order.quantity}"
        if not _accept(tx.session, order, quantity, actor.user_id, note):
            raise Conflict(f"Work order {work_order_id} was decided meanwhile.")
        start_work_order(ctx, tx, order)
        view = work_order_view(tx.session, order)
    if quantity < view["quantity"] and view["plan_run_id"] is not None:
        _replan_refused(ctx, view, "partial", f"acceptée en partie : {quantity} sur {view['quantity']}", actor, today)
    return view


def _accept(s: Session, order: WorkOrder, quantity: int, user_id: int | None, note: str) -> bool:
    """Guarded move to accepted with the accepted quantity."""
    done = move(s, WorkOrder, WorkOrderStatus, order.id, "accepted", user_id=user_id, note=note,
                accepted_quantity=quantity, decided_at=utcnow())
    return done is not None


def decline_work_order(ctx: Context, actor: Actor, work_order_id: int, reason: str, today: date | None = None) -> dict:
    """The place declines proposed work; the units go back to be allocated (planner work: at once)."""
    actor.require("operator")
    if not reason.strip():
        raise InvalidInput("Say why the work is declined.", field="reason")
    with ctx.db.transaction() as tx:
        order = _own_work_order(tx.session, actor, work_order_id)
        if move(tx.session, WorkOrder, WorkOrderStatus, order.id, "declined", user_id=actor.user_id,
                note=reason, reason=reason.strip(), decided_at=utcnow()) is None:
            raise Conflict(f"Work order {work_order_id} is {order.status}; only a proposed one can be declined.")
        view = work_order_view(tx.session, order)
    if view["plan_run_id"] is not None:
        _replan_refused(ctx, view, "decline", f"refusée : {reason.strip()}", actor, today)
    return view


def _replan_refused(ctx: Context, view: dict, trigger: str, what: str, actor: Actor, today: date | None) -> None:
    """Planner work a place refused, wholly or in part, is planned again elsewhere at once."""
    from makernet.services.planning_runs import replan_lines

    replan_lines(ctx, {view["request_line_id"]}, trigger,
                 f"Proposition {view['id']} {what}", user_id=actor.user_id, today=today)


def _own_work_order(s: Session, actor: Actor, work_order_id: int) -> WorkOrder:
    """A work order of one of the actor's places (any, for admins)."""
    order = s.get(WorkOrder, work_order_id)
    if order is None or not can_see_work_order(s, actor, order):
        raise NotFound(f"Work order {work_order_id} not found.")
    if actor.role != "admin" and s.get(Place, order.place_id).organisation_id != actor.organisation_id:
        raise NotFound(f"Work order {work_order_id} not found.")
    return order


def can_see_work_order(s: Session, actor: Actor, order: WorkOrder) -> bool:
    """Operators see their places' work orders, coordinators their territory's."""
    place = s.get(Place, order.place_id)
    return place.organisation_id == actor.organisation_id or actor.sees_departement(place.departement)


def operator_works_on_request(s: Session, actor: Actor, request_id: int, place_id: int | None = None) -> bool:
    """Whether one of the actor's places (or the given one) has work on a request."""
    query = (select(WorkOrder.id).join(RequestLine, RequestLine.id == WorkOrder.request_line_id)
             .join(Place, Place.id == WorkOrder.place_id).where(RequestLine.request_id == request_id))
    if place_id is not None:
        query = query.where(WorkOrder.place_id == place_id)
    if actor.role != "admin":
        query = query.where(Place.organisation_id == actor.organisation_id)
    return s.exec(query).first() is not None


def get_work_order(ctx: Context, actor: Actor, work_order_id: int) -> dict:
    """One work order the actor may see."""
    with ctx.db.reading() as s:
        order = s.get(WorkOrder, work_order_id)
        if order is None or not can_see_work_order(s, actor, order):
            raise NotFound(f"Work order {work_order_id} not found.")
        return work_order_view(s, order)


def list_work_orders(ctx: Context, actor: Actor, status: str | None = None) -> list[dict]:
    """Work orders of the actor's places (operators) or territory (coordinators)."""
    if status is not None and status not in {st.value for st in WorkOrderStatus}:
        raise InvalidInput(f"Unknown status {status!r}.", field="status")
    with ctx.db.reading() as s:
        query = select(WorkOrder).join(Place, Place.id == WorkOrder.place_id).order_by(WorkOrder.id.desc())  # type: ignore[union-attr]
        if status:
            query = query.where(WorkOrder.status == status)
        if actor.role == "coordinator":
            query = query.where(Place.departement.in_(actor.territory))  # type: ignore[attr-defined]
        elif actor.role != "admin":
            query = query.where(Place.organisation_id == actor.organisation_id)
        return [work_order_view(s, o) for o in s.exec(query.limit(500)).all()]


def work_order_view(s: Session, order: WorkOrder) -> dict:
    """A work order as plain data."""
    s.refresh(order)
    line = s.get(RequestLine, order.request_line_id)
    return {
        "id": order.id, "request_id": line.request_id, "request_line_id": order.request_line_id,
        "item_id": line.item_id, "place_id": order.place_id, "design_version_id": order.design_version_id,
        "quantity": order.quantity, "accepted_quantity": order.accepted_quantity,
        "units_made": order.units_made, "units_rejected": order.units_rejected,
        "status": order.status, "reason": order.reason, "plan_run_id": order.plan_run_id,
        "explanation": order.explanation, "distance_km": order.distance_km,
        "ready_by": order.ready_by.isoformat() if order.ready_by else None,
    }


def run_plan(ctx: Context, actor: Actor, *, strategy: str = "planner", today: date | None = None,
             release_days: int | None = RELEASE_DAYS) -> dict:
    """A coordinator runs the planner over the approved lines and places of their territory.

    Work places would start within `release_days` is proposed; the rest is planned and held
    for the next run (run it daily), or proposed at once with `release_days=None`.
    """
    actor.require("coordinator")
    from makernet.services.planning_runs import propose

    if release_days is not None and not 0 <= release_days <= MAX_RELEASE_DAYS:
        raise InvalidInput(f"The release window is between 0 and {MAX_RELEASE_DAYS} days.", field="release_days")
    territory = None if actor.role == "admin" else tuple(actor.territory)
    return propose(ctx, user_id=actor.user_id, territory=territory, trigger="manual",
                   reason="lancé par la coordination", today=today, strategy=strategy, release_days=release_days)


def get_plan_run(ctx: Context, actor: Actor, run_id: int) -> dict:
    """One planner run: what it proposed, changed and left over, and why."""
    actor.require("coordinator")
    from makernet.services.planning_runs import plan_run_view

    with ctx.db.reading() as s:
        run = s.get(PlanRun, run_id)
        if run is None or not _covers(actor, run.territory):
            raise NotFound(f"Plan run {run_id} not found.")
        return plan_run_view(run)


def list_plan_runs(ctx: Context, actor: Actor) -> list[dict]:
    """The latest planner runs the coordinator may see, newest first."""
    actor.require("coordinator")
    from makernet.services.planning_runs import plan_run_view

    with ctx.db.reading() as s:
        runs = s.exec(select(PlanRun).order_by(PlanRun.id.desc()).limit(200)).all()  # type: ignore[union-attr]
        return [plan_run_view(r) for r in runs if _covers(actor, r.territory)]


def _covers(actor: Actor, territory: list[str]) -> bool:
    """Whether a run's territory (empty: everywhere) is within the coordinator's."""
    return actor.role == "admin" or bool(territory) and all(actor.sees_departement(d) for d in territory)


def add_rule(ctx: Context, actor: Actor, *, kind: str, request_line_id: int, place_id: int,
             quantity: int | None = None, note: str = "", today: date | None = None) -> dict:
    """Pin a line to a place or forbid the pair; the line is planned again at once."""
    actor.require("coordinator")
    from makernet.services.demand import visible_request
    from makernet.services.planning_runs import propose

    if kind not in ("pin", "forbid"):
        raise InvalidInput("A rule is either 'pin' or 'forbid'.", field="kind")
    if quantity is not None and (kind == "forbid" or quantity <= 0):
        raise InvalidInput("Only a pin takes a quantity, of at least 1.", field="quantity")
    with ctx.db.transaction() as tx:
        s = tx.session
        line = s.get(RequestLine, request_line_id)
        if line is None:
            raise NotFound(f"Request line {request_line_id} not found.")
        visible_request(s, actor, line.request_id)
        place = _allocatable_place(s, actor, place_id, line.item_id) if kind == "pin" else _seen_place(s, actor, place_id)
        rule = PlanningRule(kind=kind, request_line_id=line.id, place_id=place.id, quantity=quantity,
                            note=note.strip()[:500], created_by=actor.user_id)
        s.add(rule)
        s.flush()
        changes = _release_for_rule(s, rule, actor.user_id)
        view = rule_view(rule)
    words = "épinglée à" if kind == "pin" else "interdite pour"
    run = propose(ctx, user_id=actor.user_id, territory=None if actor.role == "admin" else tuple(actor.territory),
                  trigger="rule", reason=f"Ligne {line.id} {words} {place.name}", line_ids={line.id}, today=today,
                  changes=changes)
    return view | {"plan_run": run}


def _seen_place(s: Session, actor: Actor, place_id: int) -> Place:
    """A place of the coordinator's territory."""
    place = s.get(Place, place_id)
    if place is None or not actor.sees_departement(place.departement):
        raise NotFound(f"Place {place_id} not found.")
    return place


def _release_for_rule(s: Session, rule: PlanningRule, user_id: int | None) -> list[dict]:
    """Proposals the new rule overrides (all of the line's for a pin, the pair's for a forbid) are withdrawn."""
    query = select(WorkOrder).where(WorkOrder.request_line_id == rule.request_line_id, WorkOrder.status == "proposed")
    if rule.kind == "forbid":
        query = query.where(WorkOrder.place_id == rule.place_id)
    changes = []
    for order in s.exec(query).all():
        why = "épinglage de la coordination" if rule.kind == "pin" else "affectation interdite par la coordination"
        if move(s, WorkOrder, WorkOrderStatus, order.id, "cancelled", user_id=user_id, note=why) is not None:
            changes.append({"work_order_id": order.id, "request_line_id": order.request_line_id,
                            "place_id": order.place_id, "quantity": order.quantity, "what": "retiré",
                            "why": f"Proposition retirée : {why}."})
    return changes


def lift_rule(ctx: Context, actor: Actor, rule_id: int) -> dict:
    """Lift a pin or a forbid; it no longer weighs on the next runs."""
    actor.require("coordinator")
    with ctx.db.transaction() as tx:
        rule = tx.session.get(PlanningRule, rule_id)
        if rule is None or not rule.active or not _seen_place_or_none(tx.session, actor, rule.place_id):
            raise NotFound(f"Rule {rule_id} not found.")
        rule.active = False
        tx.session.add(rule)
        tx.session.flush()
        return rule_view(rule)


def _seen_place_or_none(s: Session, actor: Actor, place_id: int) -> bool:
    place = s.get(Place, place_id)
    return place is not None and actor.sees_departement(place.departement)


def list_rules(ctx: Context, actor: Actor) -> list[dict]:
    """The coordinator's active pins and forbids."""
    actor.require("coordinator")
    with ctx.db.reading() as s:
        rules = s.exec(select(PlanningRule).where(PlanningRule.active == True)  # noqa: E712
                       .order_by(PlanningRule.id)).all()  # type: ignore[arg-type]
        return [rule_view(r) for r in rules if _seen_place_or_none(s, actor, r.place_id)]


def rule_view(rule: PlanningRule) -> dict:
    """A pin or forbid as plain data."""
    return {"id": rule.id, "kind": rule.kind, "request_line_id": rule.request_line_id, "place_id": rule.place_id,
            "quantity": rule.quantity, "note": rule.note, "active": rule.active}
