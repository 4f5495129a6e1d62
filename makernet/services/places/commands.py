"""Places and their machines: what operators and coordinators read, and what an operator sets at their own place.

A place is autonomous: only its own operators (and admins) change its conditions and
its manual work centres. Printers are registered through onboarding (their host address and
application key), not here.
"""
from __future__ import annotations

import re

from sqlalchemy import update
from sqlmodel import Session, select

from makernet.domain.transport import MOST_RUN_HOURS, MOST_RUNNERS, MOST_RUNS_PER_DAY, VEHICLES
from makernet.errors import Conflict, InvalidInput, NotFound
from makernet.models import Item, Job, Machine, Place
from makernet.services.access import Actor, own_place
from makernet.services.context import Context
from makernet.services.events import MachineServiceChanged, PlaceConditionsChanged, PlaceResumed, record
from makernet.services.places.views import PlaceChanged, machine_view, place_view, without_secrets
from makernet.services.transitions import created
from printers.registry import MANUAL, driver_info

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


MANUAL_KINDS = ("sewing_station", "laser_cutter", "assembly_bench")


OFFLINE_POLICIES = ("hold", "move")


CLOCK = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")


MAX_STAFF, MAX_BATCH, MAX_HOURLY_CENTS = 10_000, 1_000_000, 100_000


# a place's delivery means (domain.transport.Runners): a run is half an hour at least; a reach or a load beyond
# these is no volunteer's run any more
LEAST_RUN_HOURS, MOST_DELIVERY_RADIUS_KM, MOST_RUN_LOAD = 0.5, 100, 5_000
DELIVERY = ("runners", "runs_per_day", "run_hours", "vehicle", "delivery_radius_km", "run_load")
# each number's bounds and each choice, as the API documents them (the checks below are the rule)
BOUNDS = {"staff_available": (1, MAX_STAFF), "batch_limit": (1, MAX_BATCH), "hourly_value_cents": (0, MAX_HOURLY_CENTS),
          "runners": (0, MOST_RUNNERS), "runs_per_day": (1, MOST_RUNS_PER_DAY),
          "run_hours": (LEAST_RUN_HOURS, MOST_RUN_HOURS), "delivery_radius_km": (0, MOST_DELIVERY_RADIUS_KM),
          "run_load": (1, MOST_RUN_LOAD)}
CHOICES = {"offline_policy": OFFLINE_POLICIES, "vehicle": tuple(VEHICLES)}
CONDITIONS = ("staff_available", "opening_hours", "batch_limit", "hourly_value_cents", "accepted_item_ids",
              "auto_accept", "offline_policy", "site_worker", *DELIVERY)


BUSY_JOBS = ("queued", "dispatching", "printing")


def check_opening_hours(hours: dict) -> dict:
    """Opening hours as {"mon": [["09:00", "12:00"], ...]}: known days, HH:MM spans in order, none overlapping."""
    unknown = sorted(set(hours) - set(WEEKDAYS))
    if unknown:
        raise InvalidInput("places.days_unknown", field="opening_hours", days=unknown, allowed=list(WEEKDAYS))
    clean: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        spans = hours.get(day) or []
        previous_end = ""
        for span in spans:
            if not (isinstance(span, (list, tuple)) and len(span) == 2 and all(
                    isinstance(t, str) and CLOCK.match(t) for t in span)):
                raise InvalidInput("places.span_unreadable", field=f"opening_hours.{day}", day=day)
            if span[0] >= span[1]:
                raise InvalidInput("places.span_reversed", field=f"opening_hours.{day}", day=day, start=span[0],
                                   end=span[1])
            if span[0] < previous_end:
                raise InvalidInput("places.spans_overlap", field=f"opening_hours.{day}", day=day)
            previous_end = span[1]
        if spans:
            clean[day] = [[start, end] for start, end in spans]
    return clean


def _check_conditions(s: Session, conditions: dict) -> dict:
    """The place's stated conditions, checked one by one, each refusal naming its field."""
    staff, batch, hourly = conditions["staff_available"], conditions["batch_limit"], conditions["hourly_value_cents"]
    if not isinstance(staff, int) or not 1 <= staff <= MAX_STAFF:
        raise InvalidInput("places.staff_out_of_range", field="staff_available", most=MAX_STAFF)
    if batch is not None and (not isinstance(batch, int) or not 1 <= batch <= MAX_BATCH):
        raise InvalidInput("places.batch_limit_out_of_range", field="batch_limit", most=MAX_BATCH)
    if not isinstance(hourly, int) or not 0 <= hourly <= MAX_HOURLY_CENTS:
        raise InvalidInput("places.hourly_value_out_of_range", field="hourly_value_cents", most=MAX_HOURLY_CENTS // 100)
    if conditions["offline_policy"] not in OFFLINE_POLICIES:
        raise InvalidInput("places.offline_policy_unknown", field="offline_policy")
    items = sorted(set(conditions["accepted_item_ids"]))
    known = set(s.exec(select(Item.id).where(Item.id.in_(items))).all()) if items else set()  # type: ignore[union-attr]
    if set(items) - known:
        raise InvalidInput("places.items_unknown", field="accepted_item_ids", ids=sorted(set(items) - known))
    return {**conditions, "accepted_item_ids": items, "auto_accept": bool(conditions["auto_accept"]),
            "site_worker": bool(conditions["site_worker"]),
            "opening_hours": check_opening_hours(conditions["opening_hours"]), **check_delivery(conditions)}


def _whole(value: object) -> bool:
    """An integer, and not a yes-or-no."""
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: object) -> bool:
    """A number, and not a yes-or-no."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_delivery(means: dict) -> dict:
    """A place's delivery means (its runners, their runs and vehicle), checked one by one, each refusal naming
    its field; a reach or a load left empty (None) is the vehicle's own."""
    runners, runs, hours, vehicle = means["runners"], means["runs_per_day"], means["run_hours"], means["vehicle"]
    radius, load = means["delivery_radius_km"], means["run_load"]
    if not _whole(runners) or not 0 <= runners <= MOST_RUNNERS:
        raise InvalidInput("places.runners_out_of_range", field="runners", most=MOST_RUNNERS)
    if not _whole(runs) or not 1 <= runs <= MOST_RUNS_PER_DAY:
        raise InvalidInput("places.runs_per_day_out_of_range", field="runs_per_day", most=MOST_RUNS_PER_DAY)
    if not _number(hours) or not LEAST_RUN_HOURS <= hours <= MOST_RUN_HOURS:
        raise InvalidInput("places.run_hours_out_of_range", field="run_hours", least=LEAST_RUN_HOURS,
                           most=MOST_RUN_HOURS)
    if not isinstance(vehicle, str) or vehicle not in VEHICLES:
        raise InvalidInput("places.vehicle_unknown", field="vehicle")
    if radius is not None and (not _number(radius) or not 0 < radius <= MOST_DELIVERY_RADIUS_KM):
        raise InvalidInput("places.delivery_radius_out_of_range", field="delivery_radius_km",
                           most=MOST_DELIVERY_RADIUS_KM)
    if load is not None and (not _whole(load) or not 1 <= load <= MOST_RUN_LOAD):
        raise InvalidInput("places.run_load_out_of_range", field="run_load", most=MOST_RUN_LOAD)
    return {"runners": runners, "runs_per_day": runs, "run_hours": float(hours), "vehicle": vehicle,
            "delivery_radius_km": None if radius is None else float(radius), "run_load": load}


def update_conditions(ctx: Context, actor: Actor, place_id: int, *, staff_available: int,
                      opening_hours: dict, batch_limit: int | None, hourly_value_cents: int,
                      accepted_item_ids: list[int], auto_accept: bool, offline_policy: str = "hold",
                      site_worker: bool = False, delivery: dict | None = None) -> PlaceChanged:
    """The operator states the place's conditions; the next planner runs respect them. `delivery` holds the
    place's delivery means by name (DELIVERY); without it, they stay as they are."""
    return set_conditions(ctx, actor, place_id, {
        "staff_available": staff_available, "opening_hours": opening_hours, "batch_limit": batch_limit,
        "hourly_value_cents": hourly_value_cents, "accepted_item_ids": accepted_item_ids,
        "auto_accept": auto_accept, "offline_policy": offline_policy, "site_worker": site_worker, **(delivery or {})})


def set_conditions(ctx: Context, actor: Actor, place_id: int, changes: dict) -> PlaceChanged:
    """The operator changes some of the place's conditions (CONDITIONS, by name); the others keep their value.
    Nothing changes unless every one is valid."""
    unknown = sorted(set(changes) - set(CONDITIONS))
    if unknown:
        raise TypeError(f"not a place's condition: {', '.join(unknown)}")
    with ctx.db.transaction() as tx:
        s = tx.session
        place = own_place(s, actor, place_id)
        wanted = _check_conditions(s, {name: getattr(place, name) for name in CONDITIONS} | changes)
        changed = sorted(name for name, value in wanted.items() if getattr(place, name) != value)
        if changed:
            s.execute(update(Place).where(Place.id == place.id).values(**wanted))
            if "site_worker" in changed:
                _keys_left_behind(s, place.id)
            record(ctx, tx, PlaceConditionsChanged(place.id, tuple(changed), place.active, actor.user_id))
            s.flush()
            s.refresh(place)
        return place_view(s, place) | {"changed": changed}  # type: ignore[return-value]


def _keys_left_behind(s: Session, place_id: int) -> None:
    """A place took on its own worker, or gave it up: its printers' keys stay where they were (sealed here, or
    on the place's machine), out of reach of the worker that now drives them. Those kept here are dropped
    (a place's own worker keeps its keys: none stays in the central database), and each printer that had one
    asks for a new key from its page."""
    for machine in s.exec(select(Machine).where(Machine.place_id == place_id, Machine.key_status == "stored")).all():
        if not driver_info(machine.driver).secret_settings and without_secrets(machine) == machine.driver_settings:
            continue   # nothing secret to reach it with (a manual work centre)
        machine.driver_settings, machine.key_status = without_secrets(machine), "missing"
        machine.state_detail = "fleet.worker_changed"
        s.add(machine)


def resume_work(ctx: Context, actor: Actor, place_id: int) -> dict:
    """A place that had stopped takes work again; the next planner run may propose it some."""
    with ctx.db.transaction() as tx:
        s = tx.session
        place = own_place(s, actor, place_id)
        if place.active:
            raise Conflict("places.already_taking_work", place=place.name)
        s.execute(update(Place).where(Place.id == place.id, Place.active == False).values(active=True))  # noqa: E712
        record(ctx, tx, PlaceResumed(place.id, actor.user_id))
        s.flush()
        s.refresh(place)
        return place_view(s, place)


def _machine_name(s: Session, place_id: int, name: str, machine_id: int | None = None) -> str:
    """A machine's name: given, short, and not the name of another machine of the same place."""
    name = name.strip()
    if not name or len(name) > 120:
        raise InvalidInput("places.machine_name_length", field="name", most=120)
    query = select(Machine.id).where(Machine.place_id == place_id, Machine.name == name, Machine.removed_at == None)  # noqa: E711
    if machine_id is not None:
        query = query.where(Machine.id != machine_id)
    if s.exec(query).first() is not None:
        raise InvalidInput("places.machine_name_taken", field="name", name=name)
    return name


def add_machine(ctx: Context, actor: Actor, place_id: int, *, name: str, kind: str) -> dict:
    """Add a manual work centre (sewing station, laser cutter, assembly bench) to the operator's place."""
    if kind not in MANUAL_KINDS:
        raise InvalidInput("places.manual_kind_unknown", field="kind", allowed=list(MANUAL_KINDS))
    with ctx.db.transaction() as tx:
        s = tx.session
        place = own_place(s, actor, place_id)
        machine = Machine(place_id=place.id, name=_machine_name(s, place.id, name), kind=kind, driver=MANUAL)
        s.add(machine)
        s.flush()
        created(s, Machine, machine.id, "active", user_id=actor.user_id, note=f"{kind} added")
        return machine_view(machine) | {"active": True}


def _own_manual_machine(s: Session, actor: Actor, machine_id: int) -> Machine:
    """A manual work centre of the operator's place (printers are looked after by onboarding)."""
    machine = s.get(Machine, machine_id)
    if machine is None or machine.removed_at is not None:
        raise NotFound("machine.not_found", id=machine_id)
    own_place(s, actor, machine.place_id)
    if machine.kind not in MANUAL_KINDS:
        raise Conflict("places.machine_is_printer", machine=machine.name)
    return machine


def rename_machine(ctx: Context, actor: Actor, machine_id: int, name: str) -> dict:
    """Give a manual work centre another name (the one written on the bench)."""
    with ctx.db.transaction() as tx:
        s = tx.session
        machine = _own_manual_machine(s, actor, machine_id)
        machine.name = _machine_name(s, machine.place_id, name, machine.id)
        s.add(machine)
        s.flush()
        return machine_view(machine) | {"active": machine.active}


def set_machine_active(ctx: Context, actor: Actor, machine_id: int, active: bool) -> dict:
    """Put a manual work centre aside or back in service; one with batches still queued stays."""
    with ctx.db.transaction() as tx:
        s = tx.session
        machine = _own_manual_machine(s, actor, machine_id)
        if machine.active == active:
            raise Conflict("places.machine_in_service" if active else "places.machine_set_aside", machine=machine.name)
        if not active:
            busy = s.exec(select(Job.id).where(Job.machine_id == machine.id,
                                               Job.status.in_(BUSY_JOBS))).all()  # type: ignore[attr-defined]
            if busy:
                raise Conflict("places.machine_busy", machine=machine.name, n=len(busy))
        s.execute(update(Machine).where(Machine.id == machine.id, Machine.active == (not active)).values(active=active))
        record(ctx, tx, MachineServiceChanged(machine.id, active, actor.user_id))
        s.flush()
        s.refresh(machine)
        return machine_view(machine) | {"active": machine.active}
