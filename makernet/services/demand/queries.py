"""Requests as they are read: one, a list, a request's page with its timeline."""
from __future__ import annotations

from sqlalchemy import case
from sqlmodel import Session, select

from makernet.domain.states import RequestStatus
from makernet.models import AuditEntry, Delivery, Item, Organisation, Request, RequestLine, User
from makernet.services.access import Actor, visible_request
from makernet.services.audit import CHANGE_ASKED
from makernet.services.context import Context
from makernet.services.deliveries.queries import under_way_by_line
from makernet.services.deliveries.views import delivery_view
from makernet.services.demand.operations import CHANGEABLE, production_started
from makernet.services.demand.views import lines_of, request_view
from makernet.services.listing import Filters, Rows, Window, filtered, page_of, requests_seen
from makernet.services.demand.views import RequestView


def get_request(ctx: Context, actor: Actor, request_id: int) -> RequestView:
    """One request with its lines and running counts."""
    with ctx.db.reading() as s:
        return request_view(s, visible_request(s, actor, request_id))


STATUSES = tuple(status.value for status in RequestStatus)   # what a list of requests filters on


def list_requests(ctx: Context, actor: Actor, filters: Filters | None = None,
                  window: Window | None = None) -> Rows[RequestView]:
    """The requests this actor may see, newest first, narrowed by state and the days they were sent: one page of
    them, or all without a window."""
    with ctx.db.reading() as s:
        query = select(Request).order_by(Request.id.desc())  # type: ignore[union-attr]
        query = requests_seen(query.join(Organisation, Organisation.id == Request.organisation_id), actor)
        query = filtered(s, actor, query, filters or Filters(), STATUSES, status=Request.status, place=None,
                         moment=Request.created_at)
        lines: dict[int, list] = {}
        return page_of(s, query, window, lambda r: request_view(s, r, lines[r.id]),
                       first=lambda rows: lines.update(lines_of(s, [r.id for r in rows])))


def triage_queue(ctx: Context, actor: Actor, window: Window | None = None) -> Rows[dict]:
    """The requests a coordinator decides on (submitted, then approved ones awaiting a place), the soonest
    needed first, each with its organisation's name and its lines' item names: one page of them, or all without
    a window. Narrowed, sorted and cut in the database: the triage never reads the whole history."""
    with ctx.db.reading() as s:
        query = requests_seen(select(Request).join(Organisation, Organisation.id == Request.organisation_id)
                              .where(Request.status.in_(("submitted", "approved"))), actor)  # type: ignore[attr-defined]
        query = query.order_by(case((Request.status == "submitted", 0), else_=1), Request.needed_by, Request.id)
        lines: dict[int, list] = {}
        organisations: dict[int, str] = {}

        def first(rows: list[Request]) -> None:
            lines.update(lines_of(s, [r.id for r in rows]))
            organisations.update(s.exec(select(Organisation.id, Organisation.name).where(
                Organisation.id.in_({r.organisation_id for r in rows}))).all())  # type: ignore[union-attr]

        names = _item_names(s)
        return page_of(s, query, window, lambda r: _named(request_view(s, r, lines[r.id]), names)
                       | {"organisation_name": organisations[r.organisation_id]}, first=first)


def _item_names(s: Session) -> dict[int, str]:
    """Every item's name by its id."""
    return {item.id: item.name for item in s.exec(select(Item)).all()}


def _named(view: dict, names: dict[int, str]) -> dict:
    """A request's view with each line's item name."""
    for line in view["lines"]:
        line["item_name"] = names.get(line["item_id"], "?")
    return view


STEPS = ("submitted", "approved", "allocated", "in_production", "shipped", "closed")


def request_timeline(s: Session, request: Request) -> list[dict]:
    """The steps of a request so far, each with when it was reached, and the running counts."""
    reached: dict[str, object] = {}
    revised = False
    for entry in s.exec(select(AuditEntry).where(AuditEntry.entity == "request", AuditEntry.entity_id == request.id)
                        .order_by(AuditEntry.id)).all():  # type: ignore[arg-type]
        if entry.from_state is not None and entry.to_state == "submitted":
            reached, revised = {}, True   # changed by its requester: triage starts again
        elif entry.from_state in STEPS and entry.to_state in STEPS and \
                STEPS.index(entry.to_state) < STEPS.index(entry.from_state):
            for later in STEPS[STEPS.index(entry.to_state) + 1:]:   # back a step (a delivery refused): to reach again
                reached.pop(later, None)
        reached.setdefault(entry.to_state, entry.at)
    lines = s.exec(select(RequestLine).where(RequestLine.request_id == request.id)).all()
    counts = {key: sum(getattr(line, key) for line in lines)
              for key in ("quantity", "units_made", "units_delivered", "units_received")}
    counts["units_shipped"] = counts["units_delivered"] - sum(under_way_by_line(s, request.id)[0].values())
    # a delivery prepared has not left yet: the request ships when one is picked up or handed over
    evidence = {"in_production": counts["units_made"] > 0, "shipped": request.status == "shipped",
                "closed": request.status == "closed"}
    steps, furthest = [], max((STEPS.index(state) for state in reached if state in STEPS), default=0)
    for index, key in enumerate(STEPS):
        done = key in reached or index <= furthest or evidence.get(key, False)
        steps.append({"key": key, "done": bool(done), "at": reached.get(key),
                      "revised": revised and key == "submitted"})
    if request.status in ("rejected", "cancelled"):
        steps = [step for step in steps if step["done"]]
        steps.append({"key": request.status, "done": True, "at": reached.get(request.status),
                      "reason": request.status_reason})
    return [step | {"counts": counts} for step in steps]


def request_changes(s: Session, request: Request) -> list[dict]:
    """What was changed on a request by its requester, and what they asked the coordination, oldest first."""
    entries = s.exec(select(AuditEntry).where(
        AuditEntry.entity.in_(("request", CHANGE_ASKED)), AuditEntry.entity_id == request.id)  # type: ignore[attr-defined]
        .order_by(AuditEntry.id)).all()
    names = dict(s.exec(select(User.id, User.name).where(
        User.id.in_({e.user_id for e in entries if e.user_id}))).all())  # type: ignore[union-attr]
    changes = []
    for entry in entries:
        if entry.entity == CHANGE_ASKED:
            kind = "asked"
        elif entry.from_state is not None and entry.to_state == "submitted":
            kind = "changed"
        else:
            continue
        changes.append({"kind": kind, "at": entry.at, "note": entry.note, "by": names.get(entry.user_id, "")})
    return changes


def change_asks(ctx: Context, actor: Actor) -> list[dict]:
    """Requesters' asks for a change on requests still under way, that the coordination sees, newest first."""
    actor.require("coordinator")
    with ctx.db.reading() as s:
        query = (select(AuditEntry, Request, Organisation).join(Request, Request.id == AuditEntry.entity_id)
                 .join(Organisation, Organisation.id == Request.organisation_id)
                 .where(AuditEntry.entity == CHANGE_ASKED, Request.status.not_in(("closed", "cancelled", "rejected")))
                 .order_by(AuditEntry.id.desc()))  # type: ignore[union-attr]
        return [{"request_id": request.id, "organisation_name": organisation.name, "status": request.status,
                 "at": entry.at, "message": entry.note}
                for entry, request, organisation in s.exec(requests_seen(query, actor).limit(100)).all()]


def request_page(ctx: Context, actor: Actor, request_id: int) -> dict:
    """A request with its organisation, item names, timeline and deliveries, for its page."""
    with ctx.db.reading() as s:
        request = visible_request(s, actor, request_id)
        view = _named(request_view(s, request), _item_names(s))
        view["organisation_name"] = s.get(Organisation, request.organisation_id).name
        view["timeline"] = request_timeline(s, request)
        view["changes"] = request_changes(s, request)
        view["production_started"] = production_started(s, request.id)
        view["changeable"] = request.status in CHANGEABLE and not view["production_started"]
        view["deliveries"] = [delivery_view(s, d) for d in s.exec(
            select(Delivery).where(Delivery.request_id == request.id).order_by(Delivery.id)).all()]  # type: ignore[arg-type]
        return view
