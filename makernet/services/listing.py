"""Lists as people read them: narrowed in the database to what the actor may see, then cut in pages that say
how many rows there are — never cut silently.

Every list of requests, plates, deliveries and supply requests goes through here: `*_seen` narrows a query with
the same rules as the one-by-one checks of `access` (a unit test compares them), `page_of` counts the rows and
returns one page of them, with the total. The API gives the page and its size as `page` and `per_page` and
answers the total in `X-Total-Count` (counted up to 10,000 rows, which keeps a region's lists fast) and the next
pages in a `Link` header; pages show "n de m" with links.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, exists, false, func, literal, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from makernet.errors import InvalidInput
from makernet.models import (Delivery, Job, Organisation, Place, PlanRun, Request, RequestLine, SupplyRequest,
                             WorkOrder)
from makernet.services.access import Actor, sees_place
from makernet.services.fields import MAX_ID

MAX_PER_PAGE = 500


@dataclass(frozen=True)
class Window:
    """One page of a list: its number (from 1) and how many rows a page holds."""

    page: int = 1
    per_page: int = 100
    counted_up_to: int | None = None     # count the whole list only this far (None: all of it)

    @classmethod
    def of(cls, page: object, per_page: object, default: int = 100, counted_up_to: int | None = None) -> Window:
        """From query-string values (None: the first page, `default` rows); a coded refusal for anything else."""
        return cls(_whole("page", page, 1, 1, 10**9), _whole("per_page", per_page, default, 1, MAX_PER_PAGE),
                   counted_up_to)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def _whole(name: str, raw: object, default: int, least: int, most: int) -> int:
    if raw is None or raw == "":
        return default
    text = str(raw)
    if not text.isdigit() or not least <= int(text) <= most:
        raise InvalidInput("paging.out_of_range", field=name, name=name, least=least, most=most)
    return int(text)


Row = TypeVar("Row")


class Rows(list[Row], Generic[Row]):
    """One page of a list (its rows, in order), with the list's total and the window it was cut with; `Rows[View]`
    says what each row is (the API documents the page as a list of them)."""

    def __init__(self, rows: list[Row], total: int, window: Window, more: bool = False) -> None:
        super().__init__(rows)
        self.total, self.window, self.more = total, window, more   # more: longer than `total`, not counted further

    @property
    def pages(self) -> int:
        """How many pages the whole list makes (at least one, empty); of a list not counted to its end, those
        counted and this one, and the next while this one is full."""
        counted = max(1, -(-self.total // self.window.per_page))
        return max(counted, self.window.page + (1 if self.has_next else 0)) if self.more else counted

    @property
    def has_next(self) -> bool:
        if self.more:
            return len(self) == self.window.per_page
        return self.window.page < self.pages


def page_of(s: Session, query: Select, window: Window | None, view: Callable[[Any], Row], *,
            first: Callable[[list], None] | None = None) -> Rows[Row]:
    """The views of one window of a query's rows, with how many rows the whole query has; of all its rows
    without a window. `first` is given the window's rows before any is viewed: what every view needs is read
    there in one query, not once per row."""
    if window is None:
        rows = list(s.exec(query).all())
        total, window = len(rows), Window(1, max(1, len(rows)))
    else:
        counted = query.order_by(None) if window.counted_up_to is None else \
            query.order_by(None).limit(window.counted_up_to + 1)   # a long list is not counted to its end
        total = int(s.exec(select(func.count()).select_from(counted.subquery())).one())
        rows = list(s.exec(query.offset(window.offset).limit(window.per_page)).all())
    more = window.counted_up_to is not None and total > window.counted_up_to
    if first is not None:
        first(rows)
    return Rows([view(row) for row in rows], min(total, window.counted_up_to or total), window, more)


def loaded(s: Session, model: type, ids: Collection[int]) -> list:
    """The rows of `model` with these ids, read in one query. While the caller keeps the list, `s.get` finds each
    of them without a query: what a page's rows name, read once for the page."""
    return list(s.exec(select(model).where(model.id.in_(set(ids)))).all())  # type: ignore[attr-defined]


def page_list(rows: list[Row], window: Window) -> Rows[Row]:
    """One window of a list worked out whole (bounded by what is open or configured, not by history)."""
    return Rows(rows[window.offset:window.offset + window.per_page], len(rows), window)


DAYS_IN = ZoneInfo("Europe/Paris")   # a filter's days are the days pages show times in


@dataclass(frozen=True)
class Filters:
    """What a list is narrowed to: one state, one place, the days from `since` to `until` (both included)."""

    status: str | None = None
    place_id: int | None = None
    since: date | None = None
    until: date | None = None

    @classmethod
    def of(cls, args: Mapping[str, Any]) -> Filters:
        """From query-string values (missing or empty: not narrowed); a coded refusal for a malformed one."""
        since, until = _day("since", args.get("since")), _day("until", args.get("until"))
        if since is not None and until is not None and until < since:
            raise InvalidInput("filter.period_reversed", field="until", since=since.isoformat(),
                               until=until.isoformat())
        place = args.get("place_id") or None
        if place is not None and not (str(place).isdigit() and 0 < int(place) <= MAX_ID):
            raise InvalidInput("query.not_whole_number", field="place_id", name="place_id")
        return cls(str(args.get("status") or "").strip() or None, int(place) if place else None, since, until)

    @property
    def active(self) -> bool:
        """Whether the list is narrowed at all."""
        return any(value is not None for value in (self.status, self.place_id, self.since, self.until))

    def args(self) -> dict[str, str]:
        """The filters as query-string values, for the links of a filtered list's pages."""
        values = {"status": self.status, "place_id": self.place_id, "since": self.since, "until": self.until}
        return {name: str(value) for name, value in values.items() if value is not None}


def _day(name: str, raw: object) -> date | None:
    if raw is None or raw == "":
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput("query.not_date", field=name, name=name) from None


def _day_start(day: date) -> datetime:
    """When a day begins where people live, in UTC as times are stored (the calendar's first and last days, which
    no time zone can move, stand for all time before or after)."""
    try:
        return datetime.combine(day, time.min, DAYS_IN).astimezone(UTC)
    except OverflowError:
        return (datetime.min if day.year == 1 else datetime.max).replace(tzinfo=UTC)


def filtered(s: Session, actor: Actor, query: Select, filters: Filters, statuses: Collection[str], *,
             status: Any, place: Any, moment: Any) -> Select:
    """Narrow a query already narrowed to what the actor sees by the filters, on its `status`, `place` and
    `moment` columns (a list without states or places has None); an unknown state, or a place the actor neither
    sees nor has rows of, is refused."""
    if filters.status is not None:
        if filters.status not in statuses:
            raise InvalidInput("filter.status_unknown", field="status", value=filters.status)
        query = query.where(status == filters.status)
    if filters.since is not None:
        query = query.where(moment >= _day_start(filters.since))
    if filters.until is not None:
        query = query.where(moment < _day_start(filters.until + timedelta(days=1))) if filters.until < date.max \
            else query
    if filters.place_id is not None:
        chosen = s.get(Place, filters.place_id) if place is not None else None
        query = query.where(place == filters.place_id) if place is not None else query
        if chosen is None or not (sees_place(actor, chosen)
                                  or s.execute(select(query.order_by(None).exists())).scalar()):
            raise InvalidInput("filter.place_unknown", field="place_id", value=filters.place_id)
    return query


def _territory(actor: Actor, departement: object) -> object:
    """A coordinator's territory as a condition on a département column (false for everyone else)."""
    return departement.in_(actor.territory) if actor.role == "coordinator" else false()  # type: ignore[attr-defined]


def requests_seen(query: Select, actor: Actor) -> Select:
    """Narrow a query of requests (joined to their organisation) to those the actor may see: its organisation's,
    a coordinator's territory's, those an operator's places have work on."""
    if actor.role == "admin":
        return query
    worked_on = (select(RequestLine.request_id).join(WorkOrder, WorkOrder.request_line_id == RequestLine.id)
                 .join(Place, Place.id == WorkOrder.place_id).where(Place.organisation_id == actor.organisation_id))
    return query.where(or_(Request.organisation_id == actor.organisation_id,
                           _territory(actor, Organisation.departement),
                           Request.id.in_(worked_on) if actor.role == "operator" else false()))  # type: ignore[union-attr]


def work_orders_seen(query: Select, actor: Actor) -> Select:
    """Narrow a query of work orders (or plates, joined to their work order) joined to their place to those of
    the actor's places or territory."""
    if actor.role == "admin":
        return query
    return query.where(or_(Place.organisation_id == actor.organisation_id, _territory(actor, Place.departement)))


def jobs_seen(query: Select, actor: Actor) -> Select:
    """Narrow a query of plates and batches to those of work orders the actor may see."""
    return work_orders_seen(query.join(WorkOrder, WorkOrder.id == Job.work_order_id)
                            .join(Place, Place.id == WorkOrder.place_id), actor)


def deliveries_seen(query: Select, actor: Actor) -> Select:
    """Narrow a query of deliveries to those of the actor's places or requests, or of a coordinator's territory."""
    query = query.join(Place, Place.id == Delivery.place_id).join(Request, Request.id == Delivery.request_id)
    if actor.role == "admin":
        return query
    return query.where(or_(Place.organisation_id == actor.organisation_id,
                           Request.organisation_id == actor.organisation_id, _territory(actor, Place.departement)))


def supply_seen(query: Select, actor: Actor) -> Select:
    """Narrow a query of supply requests to those of the actor's places, of a place supplying them, or of a
    coordinator's territory."""
    supplier = aliased(Place)
    query = (query.join(Place, Place.id == SupplyRequest.place_id)
             .outerjoin(supplier, supplier.id == SupplyRequest.supplier_place_id))
    if actor.role == "admin":
        return query
    return query.where(or_(Place.organisation_id == actor.organisation_id,
                           supplier.organisation_id == actor.organisation_id, _territory(actor, Place.departement)))


def plan_runs_seen(s: Session, query: Select, actor: Actor) -> Select:
    """Narrow a query of planner runs to those whose territory lies within a coordinator's (admins: all)."""
    if actor.role == "admin":
        return query
    if s.get_bind().dialect.name == "postgresql":
        each = func.json_array_elements_text(PlanRun.territory).table_valued("value")
    else:
        each = func.json_each(PlanRun.territory).table_valued("value")
    outside = select(literal(1)).select_from(each).where(each.c.value.not_in(actor.territory or ("",)))
    return query.where(and_(func.json_array_length(PlanRun.territory) > 0, ~exists(outside)))
