"""What a place's delivery runs are worked out from, read in one go: its runners, where it is, and per request the
finished units made there and not shipped yet (the count a delivery's lines are checked against)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from makernet.domain.planning import PRIORITY_WEIGHTS, URGENCY_DAYS
from makernet.domain.transport import Runners, runners_of
from makernet.models import Delivery, DeliveryLine, Place, Request, RequestLine, WorkOrder
from makernet.models.deliveries import DeliveryRun
from makernet.planner.routes import Stop

# a request in these states may still receive units (a closed or called-off one never does)
SHIPPABLE = ("allocated", "in_production", "shipped")


@dataclass(frozen=True)
class Waiting:
    """Units of one request ready at the place: where they go, and how many of each line."""

    request_id: int
    destination: str
    latitude: float | None
    longitude: float | None
    lines: list[tuple[int, int]]   # (request line id, units ready), oldest line first
    weight: float                  # priority times urgency: what goes first when not all can

    @property
    def units(self) -> int:
        """Units ready for this request."""
        return sum(units for _line, units in self.lines)

    def stop(self) -> Stop | None:
        """The stop the routing sees (None without coordinates: such units cannot be routed)."""
        if self.latitude is None or self.longitude is None:
            return None
        return Stop(self.request_id, self.latitude, self.longitude, self.units, self.weight)


@dataclass(frozen=True)
class RunInput:
    """A place's day: its runners, where its runs start, and what waits to leave."""

    place_id: int
    day: date
    depot: tuple[float, float] | None
    runners: Runners
    waiting: list[Waiting]
    gone: frozenset[tuple[int, int]] = frozenset()   # (runner, leg) of the day's runs already under way or done

    def free_runs(self) -> list[tuple[int, int]]:
        """The day's runs still to send out, as (runner, leg): each runner's first run, then their second…"""
        return [(runner, leg) for leg in range(1, self.runners.runs_per_day + 1)
                for runner in range(1, self.runners.count + 1) if (runner, leg) not in self.gone]


def ready_by_line(s: Session, place_id: int) -> dict[int, int]:
    """Units made at the place and not shipped yet (refused deliveries gave theirs back), per request line."""
    made = dict(s.exec(select(WorkOrder.request_line_id, func.sum(WorkOrder.units_made))
                       .where(WorkOrder.place_id == place_id).group_by(WorkOrder.request_line_id)).all())
    shipped = dict(s.exec(select(DeliveryLine.request_line_id, func.sum(DeliveryLine.quantity))
                          .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
                          .where(Delivery.place_id == place_id, Delivery.status != "refused")
                          .group_by(DeliveryLine.request_line_id)).all())
    return {line: int(units or 0) - int(shipped.get(line, 0)) for line, units in made.items()
            if int(units or 0) - int(shipped.get(line, 0)) > 0}


def run_input(s: Session, place: Place, day: date) -> RunInput:
    """Everything the routing of a place's day needs."""
    ready = ready_by_line(s, place.id)
    lines = s.exec(select(RequestLine).where(RequestLine.id.in_(list(ready)))  # type: ignore[union-attr]
                   .order_by(RequestLine.id)).all() if ready else []
    by_request: dict[int, list[tuple[int, int]]] = {}
    for line in lines:
        by_request.setdefault(line.request_id, []).append((line.id, ready[line.id]))
    requests = s.exec(select(Request).where(Request.id.in_(list(by_request)),  # type: ignore[union-attr]
                                            Request.status.in_(SHIPPABLE))  # type: ignore[attr-defined]
                      .order_by(Request.id)).all() if by_request else []
    waiting = [Waiting(r.id, r.delivery_point, r.latitude, r.longitude, by_request[r.id], stop_weight(r, day))
               for r in requests]
    depot = (place.latitude, place.longitude) if place.latitude is not None and place.longitude is not None else None
    gone = frozenset(s.exec(select(DeliveryRun.runner, DeliveryRun.leg).where(
        DeliveryRun.place_id == place.id, DeliveryRun.day == day,
        DeliveryRun.status.in_(("under_way", "done")))).all())  # type: ignore[attr-defined]
    return RunInput(place.id, day, depot, runners_of(place), waiting, gone)


def stop_weight(request: Request, day: date) -> float:
    """How much a unit of this request counts when not every unit can leave today: as the planner weighs it (the
    care staff's and what is due today first)."""
    days_left = max(0, (request.needed_by - day).days)
    return PRIORITY_WEIGHTS.get(request.priority, 1.0) * (1 + URGENCY_DAYS / (1 + days_left))
