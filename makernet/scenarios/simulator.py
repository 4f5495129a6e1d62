"""Play a scenario day by day through MakerNet's services: requests, planning, answers, production, deliveries.

Production is simulated (no OctoPrint): each place makes, each day, what its machines
up, staff and opening hours allow (the same count the planner reads), in the order of
its work orders, as long as its material lasts; finished plates go through the same
job completion as a printer's report. Hours left idle for want of work or material are
lost (only a plate longer than a day carries its progress over: less than `Outcome.carry`).
Disruptions go through the planning hooks; every planner run, re-plans included, is
made by the strategy played. The coordinator runs the planner once a day.
"""
from __future__ import annotations

import hashlib
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from time import perf_counter

from sqlalchemy import func, update
from sqlmodel import select

from makernet import schema
from makernet.config import Settings
from makernet.db import Database
from makernet.domain.transport import WEEKDAYS
import makernet.planner.solve  # noqa: F401 - SciPy loaded up front, as a running server has it, not in day 0
from makernet.models import BomLine, DesignVersion, Job, Machine, RequestLine, StockEntry, WorkOrder
from makernet.models.plans import PlanRun
from makernet.scenarios.carriage import NEVER, Carrier
from makernet.scenarios.loading import PLATE, Loaded, add_design, load, requester
from makernet.scenarios.na_visors import START, Scenario
from makernet.scenarios.supplies import Suppliers
from makernet.services import demand, planning, plans
from makernet.services.context import Context
from makernet.services.plans import capacity_today
from makernet.services.production import complete_job, in_making_order
from makernet.services.production.operations import MANUAL_BATCH
from makernet.services.subscriptions import SUBSCRIBERS

DECLINE_RATE, PARTIAL_RATE = 0.05, 0.05
UPSETS = ("printer_down", "printer_up", "place_out")   # the disruptions a calm scenario is played without
# the conformity rules of the freeze leave visor designs validated only for these requesters
FROZEN_VALIDATED_FOR = ["municipality", "shop", "pharmacy", "emergency_service"]


def allocatable_from(scenario: Scenario, item: str, kind: str, day: int) -> int:
    """The first day from `day` on that a design of the item is validated for this kind of requester."""
    freezes = [e.day for e in scenario.disruptions if e.kind == "freeze"]
    thaws = sorted(e.day for e in scenario.disruptions if e.kind == "thaw")
    if item != "visor" or kind in FROZEN_VALIDATED_FOR:
        return day
    for frozen in freezes:
        thaw = next((t for t in thaws if t > frozen), scenario.days)
        if frozen <= day < thaw:
            return thaw
    return day


def answer(seed: int, site: int, day: int) -> float:
    """A place's answer of the day, a draw in [0, 1): below DECLINE_RATE it declines what it is offered.

    Shared by every strategy played on the seed: it hangs on (seed, place, day) alone, not on which proposals a
    strategy makes nor in what order, so a place declines all, takes half of each, or takes all, whoever asks."""
    return int.from_bytes(hashlib.blake2b(f"{seed}:{site}:{day}".encode(), digest_size=8).digest(), "big") / 2 ** 64


class NullQueue:
    """The simulation sends nothing to printers; a planner run posted (a re-plan after a decline, a breakdown, a
    drop-out) is made at once, in order, as a worker would make it, by the strategy played: the product's
    re-plans are the planner's, so the run's record is given the strategy before it is made."""

    def __init__(self, strategy: str) -> None:
        self.ctx: Context | None = None
        self.strategy = strategy

    def enqueue(self, task_name: str, *args: object, **options: object) -> None:
        """Make a planner run now; drop any other task."""
        if task_name == "run_plan" and self.ctx is not None:
            with self.ctx.db.transaction() as tx:
                tx.session.execute(update(PlanRun).where(PlanRun.id == args[0]).values(strategy=self.strategy))
            plans.execute_run(self.ctx, *args)  # type: ignore[arg-type]


@dataclass
class Outcome:
    """What happened over the scenario, for the benchmark."""

    strategy: str
    # (request, place, day it arrives, units, km): runners the day it is ready, collection the next, the shuttle
    deliveries: list[tuple[int, int, int, int, float]] = field(default_factory=list)
    carried: dict[int, int] = field(default_factory=dict)      # units by means (domain.transport)
    runs: list[int] = field(default_factory=list)              # the runners' runs of each day
    runner_km: list[float] = field(default_factory=list)       # and their road km
    # units within a runner's reach the day's runs were too full to take (collected or shuttled instead): (request,
    # arrival day, units)
    left_over: list[tuple[int, int, int]] = field(default_factory=list)
    requests: dict[int, tuple[int, int]] = field(default_factory=dict)           # request id -> (units, needed_by day)
    request_days: dict[int, int] = field(default_factory=dict)                   # request id -> day it arrived
    capacity: dict[tuple[int, int], list[float]] = field(default_factory=dict)   # (place, item) -> units per day
    carry: dict[tuple[int, int], int] = field(default_factory=dict)   # (place, item) -> its largest plate or batch
    made: dict[tuple[int, int], list[int]] = field(default_factory=dict)
    plan_seconds: list[float] = field(default_factory=list)                      # solver time of each daily run
    plan_wall: list[float] = field(default_factory=list)                         # service time of each daily run
    plan_accept: list[float] = field(default_factory=list)    # of which auto-accepting places queued their plates
    seconds: float = 0.0
    scenario_index: dict[int, int] = field(default_factory=dict)                 # request id -> scenario request
    relaxed_on_time: float = 0.0      # on-time units of the daily runs' programmes before rounding, summed
    planned_on_time: int = 0          # on-time units of the daily runs' plans, summed


class Simulation:
    """One play of a scenario with one allocation strategy, on a fresh SQLite database."""

    def __init__(self, scenario: Scenario, strategy: str = "planner", folder: Path | None = None) -> None:
        self.scenario, self.strategy = scenario, strategy
        self.folder = folder or Path(tempfile.mkdtemp(prefix="makernet-sim-"))
        self.db = Database(f"sqlite:///{self.folder / f'{strategy}.sqlite3'}")
        schema.upgrade(self.db)
        queue = NullQueue(strategy)
        self.ctx = Context(db=self.db, tasks=queue, subscribers=SUBSCRIBERS,
                           settings=Settings(instance_dir=self.folder, secret_key="sim",
                                             shuttle_days=",".join(WEEKDAYS[d] for d in scenario.shuttle_days) or "off"))
        queue.ctx = self.ctx
        with self.db.transaction() as tx:
            self.loaded: Loaded = load(tx.session, scenario)
        self.outcome = Outcome(strategy)
        self.credit: dict[tuple[int, int], float] = defaultdict(float)
        self.operators = {self.loaded.places[site]: actor for site, actor in self.loaded.operators.items()}
        self.carrier = Carrier(self.ctx, self.operators, START, scenario.shuttle_days)
        self.suppliers = Suppliers(self.ctx, scenario, self.loaded, START)

    def play(self) -> Outcome:
        """Every day of the scenario, in order."""
        started = perf_counter()
        for day in range(self.scenario.days):
            self.day(day)
        self.outcome.seconds = perf_counter() - started
        self.db.dispose()
        return self.outcome

    def day(self, day: int) -> None:
        """One day: material, disruptions, new requests, a planning run, answers, production, deliveries."""
        today = START + timedelta(days=day)
        self.suppliers.day(day)   # material arriving, and the next deliveries arranged
        for event in (e for e in self.scenario.disruptions
                      if e.day == day and not (self.scenario.calm and e.kind in UPSETS)):
            self._disrupt(event, today)
        self._submit(day, today)
        started = perf_counter()
        run = plans.run_plan(self.ctx, self.loaded.coordinator, strategy=self.strategy, today=today)
        self.outcome.plan_wall.append(perf_counter() - started)
        self.outcome.plan_seconds.append(run["seconds"])
        self.outcome.plan_accept.append(run["auto_accept_seconds"])
        self.outcome.relaxed_on_time += run["relaxed_on_time_units"]
        self.outcome.planned_on_time += run["planned_on_time_units"]
        for _round in range(3):
            if not self._answer(day, today):
                break
        self._produce(day, today)
        self._deliver(day)

    def _disrupt(self, event, today) -> None:  # noqa: ANN001 - a scenario Disruption and a date
        """Breakdowns and repairs, a place dropping out, design changes."""
        if event.kind in ("printer_down", "printer_up"):
            self._printers(event.site, event.printers, "offline" if event.kind == "printer_down" else "ready")
            if event.kind == "printer_down":
                # the operator reports the breakdown (it lasts days): late plates are given back
                plans.replan_place(self.ctx, self.loaded.places[event.site],
                                   f"{event.printers} imprimantes en panne", "printer_down", today, give_back_late=True)
        elif event.kind == "place_out":
            plans.withdraw_place(self.ctx, self.loaded.coordinator, self.loaded.places[event.site],
                                         "le lieu ferme (bénévoles épuisés)", today)
        elif event.kind in ("design_revision", "thaw"):
            with self.db.transaction() as tx:
                add_design(tx.session, self.loaded, "visor", {"thaw": "v5-EN166"}.get(event.kind, "v4"), [])
        elif event.kind == "freeze":
            self._freeze()

    def _printers(self, site: int, count: int, state: str) -> None:
        """Mark printers of a site down or up, as the printer poll would."""
        wanted = "ready" if state == "offline" else "offline"
        with self.db.transaction() as tx:
            ids = tx.session.exec(select(Machine.id).where(Machine.place_id == self.loaded.places[site],
                                                           Machine.state == wanted).limit(count)).all()
            tx.session.execute(update(Machine).where(Machine.id.in_(ids)).values(state=state))  # type: ignore[union-attr]

    def _freeze(self) -> None:
        """Conformity rules: visor designs so far are no longer validated for health requesters."""
        with self.db.transaction() as tx:
            for design in tx.session.exec(select(DesignVersion).where(
                    DesignVersion.item_id == self.loaded.items["visor"])).all():
                design.validated_for = list(FROZEN_VALIDATED_FOR)
                tx.session.add(design)

    def _submit(self, day: int, today) -> None:  # noqa: ANN001 - a date
        """The day's requests, submitted by their requesters and approved by the coordination."""
        for index, wanted in enumerate(self.scenario.requests):
            if wanted.day != day:
                continue
            with self.db.transaction() as tx:
                actor = requester(tx.session, self.loaded, self.scenario, wanted.commune, wanted.kind)
            request = demand.submit_request(
                self.ctx, actor, needed_by=START + timedelta(days=wanted.needed_by_day),
                delivery_point=self.scenario.communes[wanted.commune].name,
                lines=[(self.loaded.items[wanted.item], wanted.quantity)], priority=wanted.priority, today=today)
            demand.approve_request(self.ctx, self.loaded.coordinator, request["id"])
            self.outcome.requests[request["id"]] = (wanted.quantity, wanted.needed_by_day)
            self.outcome.request_days[request["id"]] = day
            self.outcome.scenario_index[request["id"]] = index

    def _answer(self, day: int, today) -> int:  # noqa: ANN001 - a date
        """Places answer their proposals as `answer` draws it: most accept, a few decline or take part (re-planned);
        in a calm scenario all accept all."""
        with self.db.reading() as s:
            pending = s.exec(select(WorkOrder.id, WorkOrder.place_id, WorkOrder.quantity)
                             .where(WorkOrder.status == "proposed").order_by(WorkOrder.id)).all()
        sites = {place_id: site for site, place_id in self.loaded.places.items()}
        for order_id, place_id, quantity in pending:
            draw = 1.0 if self.scenario.calm else answer(self.scenario.seed, sites[place_id], day)
            operator = self.operators[place_id]
            if draw < DECLINE_RATE:
                planning.decline_work_order(self.ctx, operator, order_id, "pas de bénévoles aujourd'hui", today=today)
            else:   # all of it, or half
                half = draw < DECLINE_RATE + PARTIAL_RATE and quantity > 1
                planning.accept_work_order(self.ctx, operator, order_id, quantity // 2 if half else None, today=today)
        return len(pending)

    def _produce(self, day: int, today) -> None:  # noqa: ANN001 - a date
        """Each place makes what its capacity and material allow today, work order by work order."""
        for site, place_id in self.loaded.places.items():
            with self.db.transaction() as tx:
                s = tx.session
                capacity = capacity_today(s, place_id, today)
                for item_id, units in capacity.items():
                    self.outcome.capacity.setdefault((place_id, item_id), [0.0] * self.scenario.days)[day] = units
                    printed = item_id == self.loaded.items["visor"] and self.scenario.sites[site].printers
                    self.outcome.carry[place_id, item_id] = PLATE[1] if printed else MANUAL_BATCH
                    made = self._make(s, place_id, item_id, units, today)
                    self.outcome.made.setdefault((place_id, item_id), [0] * self.scenario.days)[day] = made

    def _make(self, s, place_id: int, item_id: int, capacity: float, today) -> int:  # noqa: ANN001 - a session, a date
        """Complete the place's next plates of this item while capacity and material last, in the
        order places make them (dispatch.in_making_order)."""
        jobs = s.exec(in_making_order(
            select(Job, WorkOrder).join(WorkOrder, WorkOrder.id == Job.work_order_id)
            .where(WorkOrder.place_id == place_id, WorkOrder.status == "accepted", RequestLine.item_id == item_id,
                   Job.status.in_(("queued", "dispatching", "printing"))), today)).all()  # type: ignore[attr-defined]
        key = (place_id, item_id)
        self.credit[key] += capacity
        stock = dict(s.exec(select(StockEntry.material_id, func.sum(StockEntry.quantity))
                            .where(StockEntry.place_id == place_id).group_by(StockEntry.material_id)).all())
        made, waiting_for_time = 0, False
        for job, order in jobs:
            bill = {b.material_id: b.quantity * job.units for b in s.exec(
                select(BomLine).where(BomLine.design_version_id == order.design_version_id)).all()}
            if self.credit[key] + 1e-9 < job.units:
                waiting_for_time = True
                break
            if any(stock.get(m, 0) < q for m, q in bill.items()):
                break
            complete_job(s, job.id)
            self.credit[key] -= job.units
            made += job.units
            for material_id, quantity in bill.items():
                stock[material_id] = stock.get(material_id, 0) - quantity
        if not waiting_for_time:
            # printers idle for want of work or material do not bank their hours: only a plate
            # that needs more than a day's capacity carries its progress over to the next day
            self.credit[key] = 0.0
        return made

    def _deliver(self, day: int) -> None:
        """Each evening the places send what is finished by the transport rules (carriage.py)."""
        arrivals, sent = self.carrier.deliver(day)
        self.outcome.deliveries += [(request, place, arrival, units, km) for request, place, arrival, units, km, _
                                    in arrivals]
        for *_, units, _, means in arrivals:
            self.outcome.carried[means] = self.outcome.carried.get(means, 0) + units
        self.outcome.runs.append(sent.runs)
        self.outcome.runner_km.append(sent.runner_km)
        self.outcome.left_over += [(parcel.request_id, NEVER if arrival is None else arrival, parcel.units)
                                   for parcel, arrival in sent.left_over]
