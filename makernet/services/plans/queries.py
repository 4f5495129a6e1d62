"""Planner runs as they are read: the coordinators' screen, one run with its reasons, rules."""
from __future__ import annotations

from functools import partial

from sqlalchemy import case, func
from sqlmodel import Session, select

from makernet.db import among
from makernet.errors import NotFound
from makernet.messages import render_words
from makernet.models import Item, Organisation, Place, Request, RequestLine, WorkOrder
from makernet.models.plans import PlanningRule, PlanRun
from makernet.services.access import Actor, covers_territory, sees_territory_place, territory_scope
from makernet.services.context import Context
from makernet.services.listing import Filters, Rows, Window, filtered, page_of, plan_runs_seen
from makernet.services.plans.inputs import PLANNABLE_REQUESTS
from makernet.services.plans.views import plan_run_view, rule_view
from makernet.services.plans.views import PlanRunView, RuleView


def get_plan_run(ctx: Context, actor: Actor, run_id: int) -> PlanRunView:
    """One planner run: how far it has gone (a run silent too long shown failed), what it proposed, changed and
    left over, and why."""
    actor.require("coordinator")

    with ctx.db.reading() as s:
        run = s.get(PlanRun, run_id)
        if run is None or not covers_territory(actor, run.territory):
            raise NotFound("plans.run_not_found", id=run_id)
        return plan_run_view(run, ctx.settings.plan_run_timeout)


def list_plan_runs(ctx: Context, actor: Actor, filters: Filters | None = None, window: Window | None = None) -> Rows[PlanRunView]:
    """The planner runs the coordinator may see, newest first, narrowed to the days they ran: one page of them, or
    all without a window."""
    actor.require("coordinator")
    with ctx.db.reading() as s:
        query = plan_runs_seen(s, select(PlanRun).order_by(PlanRun.id.desc()), actor)  # type: ignore[union-attr]
        query = filtered(s, actor, query, filters or Filters(), (), status=None, place=None,
                         moment=PlanRun.created_at)
        return page_of(s, query, window, partial(plan_run_view, silent_after=ctx.settings.plan_run_timeout))


def list_rules(ctx: Context, actor: Actor) -> list[RuleView]:
    """The coordinator's active pins and forbids."""
    actor.require("coordinator")
    with ctx.db.reading() as s:
        rules = s.exec(select(PlanningRule).where(PlanningRule.active == True)  # noqa: E712
                       .order_by(PlanningRule.id)).all()  # type: ignore[arg-type]
        return [rule_view(r) for r in rules if sees_territory_place(s, actor, r.place_id)]


SHOWN_RUNS = 30
SHOWN_LINES = 200   # open lines listed (and offered to a pin or a forbid), the soonest needed first; a run's
# lines held or left over shown on its page (the API gives them all)


def _line_labels(s: Session, line_ids: set[int]) -> dict[int, dict]:
    """Each line's request, item, quantity and requester, for labels (the columns only, in one query)."""
    if not line_ids:
        return {}
    rows = s.exec(select(RequestLine.id, Request.id, Item.name, RequestLine.quantity, Organisation.name,
                         Request.needed_by, Request.priority, Request.delivery_point)
                  .join(Request, Request.id == RequestLine.request_id).join(Item, Item.id == RequestLine.item_id)
                  .join(Organisation, Organisation.id == Request.organisation_id)
                  .where(among(s, RequestLine.id, line_ids))).all()
    return {line_id: {"request_id": request_id, "item_name": item, "quantity": quantity, "requester": requester,
                      "needed_by": needed_by, "priority": priority, "delivery_point": point}
            for line_id, request_id, item, quantity, requester, needed_by, priority, point in rows}


def _place_names(s: Session) -> dict[int, str]:
    """Every place's name by id."""
    return {p.id: p.name for p in s.exec(select(Place)).all()}


def planning_screen(ctx: Context, actor: Actor, window: Window | None = None) -> dict:
    """A page of the runs (the latest first), the active pins and forbids, and the lines and places a rule may
    name."""
    runs = list_plan_runs(ctx, actor, None, window or Window(1, SHOWN_RUNS))
    rules = list_rules(ctx, actor)
    with ctx.db.reading() as s:
        every = _open_lines(s, actor)
        lines = every[:SHOWN_LINES]
        labels = _line_labels(s, {r["request_line_id"] for r in rules} | {ln["id"] for ln in lines})
        names = _place_names(s)
        active = select(Place).where(Place.active == True).order_by(Place.name)  # type: ignore[arg-type]  # noqa: E712
        places = [{"id": p.id, "name": p.name, "departement": p.departement}
                  for p in s.exec(active).all() if actor.sees_departement(p.departement)]
    for rule in rules:
        rule.update(line=labels.get(rule["request_line_id"]), place_name=names.get(rule["place_id"], "?"))
    for line in lines:
        line.update(labels[line["id"]])
    return {"runs": runs, "rules": rules, "lines": lines, "places": places, "open_lines": len(every),
            "units_to_plan": sum(max(ln["left"], 0) for ln in every)}


def _open_lines(s: Session, actor: Actor) -> list[dict]:
    """Lines of approved requests in the territory with units not yet accepted by a place, the soonest needed
    first: one query, what is proposed and accepted of each line summed in the database beside it."""
    scope = territory_scope(actor)
    taken = case((WorkOrder.status == "proposed", WorkOrder.quantity),
                 (WorkOrder.status.in_(("accepted", "done")), WorkOrder.accepted_quantity), else_=0)  # type: ignore[attr-defined]
    waiting = case((WorkOrder.status == "proposed", WorkOrder.quantity), else_=0)
    query = (select(RequestLine.id, RequestLine.quantity - func.coalesce(func.sum(taken), 0),
                    func.coalesce(func.sum(waiting), 0))
             .join(Request, Request.id == RequestLine.request_id)
             .outerjoin(WorkOrder, WorkOrder.request_line_id == RequestLine.id)
             .where(Request.status.in_(PLANNABLE_REQUESTS),  # type: ignore[attr-defined]
                    RequestLine.units_made < RequestLine.quantity)   # made in full: nothing to plan
             .group_by(RequestLine.id, Request.needed_by).order_by(Request.needed_by, RequestLine.id))
    if scope is not None:
        query = query.where(Request.organisation_id.in_(  # type: ignore[attr-defined]
            select(Organisation.id).where(Organisation.departement.in_(scope))))  # type: ignore[attr-defined]
    return [{"id": line_id, "left": int(left), "proposed": int(proposed)}
            for line_id, left, proposed in s.exec(query).all() if left > 0 or proposed > 0]


def plan_run_page(ctx: Context, actor: Actor, run_id: int) -> dict:
    """One run: what it changed and why, the work orders it proposed with their reasons, what it held and left over."""
    run = get_plan_run(ctx, actor, run_id)
    with ctx.db.reading() as s:
        orders = s.exec(select(WorkOrder).where(WorkOrder.plan_run_id == run_id)
                        .order_by(WorkOrder.id)).all()  # type: ignore[arg-type]
        run = run | {"held": run["held"][:SHOWN_LINES], "unplanned": run["unplanned"][:SHOWN_LINES],
                     "held_lines": len(run["held"]), "unplanned_lines": len(run["unplanned"])}
        line_ids = {o.request_line_id for o in orders} | {c["request_line_id"] for c in run["changes"]} \
            | {u["line_id"] for u in run["unplanned"]} | {h["line_id"] for h in run["held"]}
        labels, names = _line_labels(s, line_ids), _place_names(s)
        statuses = dict(s.exec(select(WorkOrder.id, WorkOrder.status).where(
            among(s, WorkOrder.id, {c["work_order_id"] for c in run["changes"]}))).all())
        proposals = [{"id": o.id, "request_line_id": o.request_line_id, "place_id": o.place_id,
                      "place_name": names.get(o.place_id, "?"), "quantity": o.quantity,
                      "accepted_quantity": o.accepted_quantity, "status": o.status,
                      "explanation": render_words(o.explanation_words, o.explanation),
                      "distance_km": o.distance_km, "ready_by": o.ready_by, "line": labels.get(o.request_line_id)}
                     for o in orders]
    changes = [c | {"place_name": names.get(c["place_id"], "?"), "line": labels.get(c["request_line_id"]),
                    "status": statuses.get(c["work_order_id"])} for c in run["changes"]]
    unplanned = [u | {"line": labels.get(u["line_id"])} for u in run["unplanned"]]
    held = [h | {"line": labels.get(h["line_id"]), "place_name": names.get(h["place_id"], "?")} for h in run["held"]]
    return run | {"changes": changes, "proposals": proposals, "unplanned": unplanned, "held": held}
