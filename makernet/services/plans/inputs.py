"""What the planner is given: open lines, places with their capacity, stock and rules, read in one go."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, select

from makernet.db import among

from makernet.domain.planning import day_offset
from makernet.domain.transport import SHUTTLE_WEEKDAYS, runners_of
from makernet.models import (BomLine, DesignVersion, Item, Organisation, Place, Request, RequestLine, StockDay,
                             SupplyRequest, WorkOrder)
from makernet.models.plans import PlanningRule
from makernet.planner.model import DemandLine, PlaceSupply, PlanInput, Rule, Waiting
from makernet.services.demand.operations import NOT_DEMAND
from makernet.services.places.operations import (item_capacity, place_capacity, plate_layouts, validated_designs,
                                                 working_machines)

PLANNABLE_REQUESTS = ("approved", "allocated", "in_production", "shipped")


MIN_HORIZON, MAX_HORIZON = 14, 120
# Demand expected soon, read from the requests sent lately (PlanInput.expected): requests sent within
# EXPECTED_CELL degrees of one another (about 10 km) in the last EXPECTED_LOOKBACK days, each counted up to
# EXPECTED_LARGEST units (an institution's order of thousands is not a trend), stand for as many per day
# over the next EXPECTED_AHEAD days, needed as long after they come as those were.
EXPECTED_LOOKBACK, EXPECTED_AHEAD, EXPECTED_CELL, EXPECTED_LARGEST = 7, 3, 0.1, 500


def plan_input(s: Session, today: date, territory: tuple[str, ...] | None,
               line_ids: set[int] | None = None, shuttle_weekdays: tuple[int, ...] = SHUTTLE_WEEKDAYS) -> PlanInput:
    """The planner's view of a territory (None: everywhere), optionally of some lines only; the regional
    shuttle runs on `shuttle_weekdays` (the installation's MAKERNET_SHUTTLE_DAYS)."""
    designs, bills = validated_designs(s), _bills(s)
    lines = _open_lines(s, today, territory, line_ids, designs, bills)
    waiting = _waiting(s, today, territory, bills) if line_ids is None else []
    horizon = max([MIN_HORIZON] + [ln.needed_by + 7 for ln in lines])
    places = _places(s, today, territory, min(horizon, MAX_HORIZON), designs, bills)
    ids = {ln.line_id for ln in lines} | {w.line.line_id for w in waiting}
    rules = [Rule(r.kind, r.request_line_id, r.place_id, r.quantity) for r in s.exec(
        select(PlanningRule).where(PlanningRule.active == True)).all() if r.request_line_id in ids]  # noqa: E712
    rules += [Rule("forbid", line_id, place_id, why=why) for (line_id, place_id), why in refused_pairs(s, ids).items()]
    names = {i.id: i.name for i in s.exec(select(Item)).all()}
    expected = _expected_lines(s, today, territory, designs) if line_ids is None else []
    return PlanInput(today=today, places=tuple(places), lines=tuple(lines), rules=tuple(rules), item_names=names,
                     shuttle_weekdays=shuttle_weekdays, expected=tuple(expected), waiting=tuple(waiting))


def refused_pairs(s: Session, line_ids: set[int]) -> dict[tuple[int, int], str]:
    """Lines a place declined ("declined"), or accepted only part of ("partial"): not proposed to it again.

    Read for the requests still plannable only: the history of closed requests is never scanned."""
    rows = s.exec(select(WorkOrder.request_line_id, WorkOrder.place_id, WorkOrder.status, WorkOrder.quantity,
                         WorkOrder.accepted_quantity)
                  .join(RequestLine, RequestLine.id == WorkOrder.request_line_id)
                  .join(Request, Request.id == RequestLine.request_id)
                  .where(Request.status.in_(PLANNABLE_REQUESTS),  # type: ignore[attr-defined]
                         WorkOrder.status.in_(("declined", "accepted", "done")))).all()  # type: ignore[attr-defined]
    refused: dict[tuple[int, int], str] = {}
    for ln, p, status, quantity, accepted in rows:
        if ln in line_ids and status == "declined":
            refused[ln, p] = "declined"
        elif ln in line_ids and accepted < quantity:
            refused.setdefault((ln, p), "partial")
    return refused


def design_for(designs: dict[int, list[DesignVersion]], item_id: int, kind: str) -> DesignVersion | None:
    """The newest design version of an item validated for this kind of requester."""
    return next((d for d in designs.get(item_id, []) if not d.validated_for or kind in d.validated_for), None)


def _open_lines(s: Session, today: date, territory: tuple[str, ...] | None, line_ids: set[int] | None,
                designs: dict[int, list[DesignVersion]], bills: dict[int, dict[int, int]]) -> list[DemandLine]:
    """Approved lines with units not yet allocated, each with the design it would be made to.

    One statement whatever the history: the units taken per line are summed in the database, for the
    requests still plannable only, and lines with nothing left are dropped there."""
    taken = _taken_by_line(s)
    left = (RequestLine.quantity - func.coalesce(taken.c.taken, 0)).label("left")
    query = (_line_query(left).outerjoin(taken, taken.c.line_id == RequestLine.id)
             .where(Request.status.in_(PLANNABLE_REQUESTS), left > 0))  # type: ignore[attr-defined]
    if territory is not None:
        query = query.where(Organisation.departement.in_(territory))  # type: ignore[attr-defined]
    if line_ids is not None:
        query = query.where(among(s, RequestLine.id, line_ids))
    lines = []
    for row in s.exec(query.order_by(RequestLine.id)).all():
        design = design_for(designs, row[1], row[7])
        lines.append(_demand_line(row, today, int(row[-1]), design.id if design else None,
                                  bills.get(design.id, {}) if design else {}))
    return lines


def _waiting(s: Session, today: date, territory: tuple[str, ...] | None,
             bills: dict[int, dict[int, int]]) -> list[Waiting]:
    """The planner's proposals still waiting for their place's answer, each with its line and units (an
    allocation by hand is the coordinator's word: it stays where it is)."""
    query = (_line_query(WorkOrder.id, WorkOrder.place_id, WorkOrder.design_version_id, WorkOrder.quantity)
             .join(WorkOrder, WorkOrder.request_line_id == RequestLine.id)
             .where(WorkOrder.status == "proposed", WorkOrder.plan_run_id.is_not(None),  # type: ignore[union-attr]
                    Request.status.in_(PLANNABLE_REQUESTS)))  # type: ignore[attr-defined]
    if territory is not None:
        query = query.where(Organisation.departement.in_(territory))  # type: ignore[attr-defined]
    return [Waiting(order_id, place_id, _demand_line(row, today, quantity, design_id, bills.get(design_id, {})))
            for *row, order_id, place_id, design_id, quantity in s.exec(query.order_by(WorkOrder.id)).all()]


def _line_query(*more):  # noqa: ANN202 - a select
    """A request line with what the planner needs of its request and requester, and `more` columns after."""
    return (select(RequestLine.id, RequestLine.item_id, Request.id, Request.needed_by, Request.priority,
                   Request.latitude, Request.longitude, Organisation.kind, Organisation.latitude,
                   Organisation.longitude, Organisation.departement, *more)
            .join(Request, Request.id == RequestLine.request_id)
            .join(Organisation, Organisation.id == Request.organisation_id))


def _demand_line(row, today: date, units: int, design_id: int | None,  # noqa: ANN001 - a row of _line_query
                 bill: dict[int, int]) -> DemandLine:
    """A line as the planner sees it, with `units` to place."""
    line_id, item_id, request_id, needed_by, priority, lat, lon, kind, org_lat, org_lon, dep = tuple(row)[:11]
    return DemandLine(line_id=line_id, request_id=request_id, item_id=item_id, quantity=units,
                      needed_by=day_offset(needed_by, today), priority=priority,
                      latitude=lat if lat is not None else org_lat or 0.0,
                      longitude=lon if lon is not None else org_lon or 0.0, design_version_id=design_id, bill=bill,
                      requester_kind=kind, order=request_id, departement=dep or "")


def _expected_lines(s: Session, today: date, territory: tuple[str, ...] | None,
                    designs: dict[int, list[DesignVersion]]) -> list[DemandLine]:
    """Demand expected over the next days where requests were sent lately (see EXPECTED_LOOKBACK), one line per
    item and area, at the units' mean position; never proposed (PlanInput.expected)."""
    since = datetime.combine(today - timedelta(days=EXPECTED_LOOKBACK - 1), time(), UTC)
    query = (select(RequestLine.item_id, RequestLine.quantity, Request.needed_by, Request.created_at,
                    func.coalesce(Request.latitude, Organisation.latitude),
                    func.coalesce(Request.longitude, Organisation.longitude), Organisation.kind,
                    Organisation.departement)
             .join(Request, Request.id == RequestLine.request_id)
             .join(Organisation, Organisation.id == Request.organisation_id)
             .where(Request.created_at >= since,
                    Request.created_at < datetime.combine(today + timedelta(days=1), time(), UTC),
                    Request.status.not_in((*NOT_DEMAND, "submitted"))))  # type: ignore[attr-defined]
    if territory is not None:
        query = query.where(Organisation.departement.in_(territory))  # type: ignore[attr-defined]
    areas: dict[tuple[int, int, int], list[tuple]] = defaultdict(list)
    for item_id, quantity, needed_by, sent, lat, lon, kind, dep in s.exec(query).all():
        if lat is not None and lon is not None:
            areas[item_id, round(lat / EXPECTED_CELL), round(lon / EXPECTED_CELL)].append(
                (min(quantity, EXPECTED_LARGEST), (needed_by - sent.date()).days, lat, lon, kind, dep or ""))
    expected = []
    for (item_id, _, _), sent in sorted(areas.items()):
        units = sum(r[0] for r in sent)
        quantity = round(units * EXPECTED_AHEAD / EXPECTED_LOOKBACK)
        design = design_for(designs, item_id, Counter(r[4] for r in sent).most_common(1)[0][0])
        if quantity < 1 or design is None:
            continue
        lead = sum(r[0] * r[1] for r in sent) / units
        expected.append(DemandLine(
            line_id=-1 - len(expected), request_id=0, item_id=item_id, quantity=quantity,
            needed_by=max(1, round(lead + (EXPECTED_AHEAD + 1) / 2)), priority="normal",
            latitude=sum(r[0] * r[2] for r in sent) / units, longitude=sum(r[0] * r[3] for r in sent) / units,
            design_version_id=design.id, departement=Counter(r[5] for r in sent).most_common(1)[0][0],
            expected=True))
    return expected


def _taken_by_line(s: Session):  # noqa: ANN202 - a subquery
    """Units of each plannable line proposed, accepted or made somewhere, summed in the database."""
    return (_taken().join(RequestLine, RequestLine.id == WorkOrder.request_line_id)
            .join(Request, Request.id == RequestLine.request_id)
            .where(Request.status.in_(PLANNABLE_REQUESTS)).subquery())  # type: ignore[attr-defined]


def allocated_by_line(s: Session, line_ids: set[int]) -> dict[int, int]:
    """Units of each of these lines proposed, accepted or made somewhere."""
    taken: dict[int, int] = defaultdict(int)
    if line_ids:
        taken.update((line_id, int(units)) for line_id, units in s.exec(
            _taken().where(among(s, WorkOrder.request_line_id, line_ids))).all())
    return taken


def _taken():  # noqa: ANN202 - a select
    """Units taken per line, the rule of allocated_quantity: a proposal counts its quantity, accepted and made
    work what was accepted."""
    units = case((WorkOrder.status == "proposed", WorkOrder.quantity), else_=WorkOrder.accepted_quantity)
    return (select(WorkOrder.request_line_id.label("line_id"), func.sum(units).label("taken"))
            .where(WorkOrder.status.in_(("proposed", "accepted", "done")))  # type: ignore[attr-defined]
            .group_by(WorkOrder.request_line_id))


def _bills(s: Session) -> dict[int, dict[int, int]]:
    """Material per unit of every design version."""
    bills: dict[int, dict[int, int]] = defaultdict(dict)
    for bom in s.exec(select(BomLine)).all():
        bills[bom.design_version_id][bom.material_id] = bom.quantity
    return bills


def _places(s: Session, today: date, territory: tuple[str, ...] | None, horizon: int,
            designs: dict[int, list[DesignVersion]], bills: dict[int, dict[int, int]]) -> list[PlaceSupply]:
    """Active places with their capacity per item and day, backlog and unreserved material (`bills`: each design
    version's material per unit)."""
    places = [p for p in s.exec(select(Place).where(Place.active == True).order_by(Place.id)).all()  # noqa: E712
              if territory is None or p.departement in territory]
    machines = working_machines(s)
    layouts = plate_layouts(s, designs)
    items = s.exec(select(Item).where(Item.active == True)).all()  # noqa: E712
    backlog, reserved, due, carried = _backlog_and_reservations(s, today, bills)
    levels = _stock_levels(s)
    promised = _promised_material(s, today)
    supplies = []
    for place in places:
        capacity = {item.id: item_capacity(place, machines[place.id], item, layouts.get(item.id, {}), today, horizon)
                    for item in items if not place.accepted_item_ids or item.id in place.accepted_item_ids}
        free = {m: level - reserved.get((place.id, m), 0) for (p, m), level in levels.items() if p == place.id}
        runners = runners_of(place)
        supplies.append(PlaceSupply(
            place_id=place.id, name=place.name, latitude=place.latitude or 0.0, longitude=place.longitude or 0.0,
            daily_capacity={i: c.days for i, c in capacity.items() if any(c.days)},
            machines={i: (c.printers, c.stations) for i, c in capacity.items() if any(c.days)},
            backlog={i: u for (p, i), u in backlog.items() if p == place.id},
            backlog_due={i: tuple(sorted(days.items())) for (p, i), days in due.items() if p == place.id},
            free_material=free, material_expected={m: tuple(sorted(days.items()))
                                                   for (p, m), days in promised.items() if p == place.id},
            on_shelf={m: level for (p, m), level in levels.items() if p == place.id},
            batch_limit=place.batch_limit, auto_accept=place.auto_accept, departement=place.departement,
            reach_km=runners.reach_km, runner_load=runners.daily_load,
            runner_due={i: tuple(sorted(days.items())) for (p, i), days in carried.items() if p == place.id}))
    return supplies


def _backlog_and_reservations(s: Session, today: date, bills: dict[int, dict[int, int]]) -> tuple[
        dict[tuple[int, int], int], dict[tuple[int, int], int], dict[tuple[int, int], dict[int, int]],
        dict[tuple[int, int], dict[int, int]]]:
    """Units proposed or accepted and not yet made, per place and item; the material they reserve;
    the same units per last day they can be ready and still reach their requester on time (days from today);
    of those, the units the place's runners carry (ready the day they are needed, so due that day)."""
    backlog: dict[tuple[int, int], int] = defaultdict(int)
    reserved: dict[tuple[int, int], int] = defaultdict(int)
    due: dict[tuple[int, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    carried: dict[tuple[int, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    rows = s.exec(select(WorkOrder, RequestLine.item_id, Request.needed_by)
                  .join(RequestLine, RequestLine.id == WorkOrder.request_line_id)
                  .join(Request, Request.id == RequestLine.request_id)
                  .where(WorkOrder.status.in_(("proposed", "accepted")))).all()  # type: ignore[attr-defined]
    for order, item_id, needed_by in rows:
        open_units = order.quantity if order.status == "proposed" else max(0, order.accepted_quantity - order.units_made)
        backlog[order.place_id, item_id] += open_units
        if open_units:   # the day it must be ready to be carried in time, as the order keeps it
            last = day_offset(order.due_by or needed_by - timedelta(days=1), today)
            due[order.place_id, item_id][last] += open_units
            if order.due_by == needed_by:
                carried[order.place_id, item_id][last] += open_units
        for material_id, per_unit in bills.get(order.design_version_id, {}).items():
            reserved[order.place_id, material_id] += per_unit * open_units
    return backlog, reserved, due, carried


def _promised_material(s: Session, today: date) -> dict[tuple[int, int], dict[int, int]]:
    """Material still to come of the supply requests a supplier was assigned to, per place and material, by the
    day it is due (days from today; overdue: today)."""
    promised: dict[tuple[int, int], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for place_id, material_id, quantity, supplied, needed_by in s.exec(
            select(SupplyRequest.place_id, SupplyRequest.material_id, SupplyRequest.quantity,
                   SupplyRequest.quantity_supplied, SupplyRequest.needed_by)
            .where(SupplyRequest.kind == "material", SupplyRequest.status == "assigned",
                   SupplyRequest.needed_by != None)).all():  # noqa: E711
        if material_id is not None and (quantity or 0) > supplied:
            promised[place_id, material_id][max(0, day_offset(needed_by, today))] += quantity - supplied
    return promised


def _stock_levels(s: Session) -> dict[tuple[int, int], int]:
    """Level of every material at every place: the sum of its ledger, kept per day (never the entries)."""
    rows = s.exec(select(StockDay.place_id, StockDay.material_id, func.sum(StockDay.net))
                  .group_by(StockDay.place_id, StockDay.material_id)).all()
    return {(p, m): int(total) for p, m, total in rows}


def capacity_today(s: Session, place_id: int, today: date) -> dict[int, float]:
    """Units of each item a place can make today, as the planner counts them (machines up, staff, hours)."""
    place = s.get(Place, place_id)
    if place is None or not place.active:
        return {}
    return {item_id: c.days[0] for item_id, c in place_capacity(s, place, None, today, 1).items()}
