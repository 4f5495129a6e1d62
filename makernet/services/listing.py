"""Lists as people read them: narrowed in the database to what the actor may see, then cut in pages that say
how many rows there are — never cut silently.

Every list of requests, plates, deliveries and supply requests goes through here: `*_seen` narrows a query with
the same rules as the one-by-one checks of `access` (a unit test compares them), `page_of` counts the rows and
returns one page of them, with the total. The API gives the page and its size as `page` and `per_page` and
answers the total in `X-Total-Count` and the next pages in a `Link` header; pages show "n de m" with links.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, false, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from makernet.errors import InvalidInput
from makernet.models import Delivery, Job, Organisation, Place, Request, RequestLine, SupplyRequest, WorkOrder
from makernet.services.access import Actor

MAX_PER_PAGE = 500


@dataclass(frozen=True)
class Window:
    """One page of a list: its number (from 1) and how many rows a page holds."""

    page: int = 1
    per_page: int = 100

    @classmethod
    def of(cls, page: object, per_page: object, default: int = 100) -> Window:
        """From query-string values (None: the first page, `default` rows); a coded refusal for anything else."""
        return cls(_whole("page", page, 1, 1, 10**9), _whole("per_page", per_page, default, 1, MAX_PER_PAGE))

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


class Rows(list):
    """One page of a list (its rows, in order), with the list's total and the window it was cut with."""

    def __init__(self, rows: list, total: int, window: Window) -> None:
        super().__init__(rows)
        self.total, self.window = total, window

    @property
    def pages(self) -> int:
        """How many pages the whole list makes (at least one, empty)."""
        return max(1, -(-self.total // self.window.per_page))

    @property
    def has_next(self) -> bool:
        return self.window.page < self.pages


def page_of(s: Session, query: Select, window: Window | None, view: Callable[[Any], dict]) -> Rows:
    """The views of one window of a query's rows, with how many rows the whole query has; of all its rows
    without a window."""
    if window is None:
        rows = list(s.exec(query).all())
        return Rows([view(row) for row in rows], len(rows), Window(1, max(1, len(rows))))
    total = s.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    rows = list(s.exec(query.offset(window.offset).limit(window.per_page)).all())
    return Rows([view(row) for row in rows], int(total), window)


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
