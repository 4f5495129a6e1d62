"""A place's capacity per item and day, read inside a caller's transaction: one count for the planner and the pages.

The planner plans on it, the allocation page shows it and the planner's explanations quote
it, so a coordinator reads the same figure and the same machines everywhere.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import NamedTuple

from sqlmodel import Session, select

from makernet.domain.planning import (DOWN_STATES, MANUAL_KINDS_FOR, day_of, manual_units_per_day, open_hours,
                                      printer_units_per_day, staffed_printers, staffed_stations)
from makernet.models import DesignVersion, Item, Machine, Place, PlateLayout

PRINTER_KINDS = ("fdm_printer",)


ALWAYS_OPEN = 10.0   # hours a day for a place that stated no opening hours (printers ran 10-12 h, FIELD.md)


class ItemCapacity(NamedTuple):
    """Units of one item a place can make each day (day 0 being today), and the machines counted for it."""

    days: tuple[float, ...]
    printers: int      # printers with a plate layout for the item that the staff keep running
    stations: int      # staffed manual work centres that make it (when no printer does)


def validated_designs(s: Session) -> dict[int, list[DesignVersion]]:
    """Validated design versions per item, newest first."""
    designs: dict[int, list[DesignVersion]] = defaultdict(list)
    query = select(DesignVersion).where(DesignVersion.validated == True).order_by(DesignVersion.id.desc())  # type: ignore[union-attr]  # noqa: E712
    for design in s.exec(query).all():
        designs[design.item_id].append(design)
    return designs


def plate_layouts(s: Session, designs: dict[int, list[DesignVersion]]) -> dict[int, dict[str, PlateLayout]]:
    """Per item, the plate layout of each printer profile (newest validated design first)."""
    by_design = defaultdict(list)
    for layout in s.exec(select(PlateLayout)).all():
        by_design[layout.design_version_id].append(layout)
    result: dict[int, dict[str, PlateLayout]] = {}
    for item_id, versions in designs.items():
        profiles: dict[str, PlateLayout] = {}
        for design in versions:
            for layout in by_design[design.id]:
                profiles.setdefault(layout.printer_profile, layout)
        result[item_id] = profiles
    return result


def working_machines(s: Session, place_id: int | None = None) -> dict[int, list[Machine]]:
    """The machines in service and not down, per place (of one place, if given)."""
    query = select(Machine).where(Machine.active == True)  # noqa: E712
    if place_id is not None:
        query = query.where(Machine.place_id == place_id)
    machines: dict[int, list[Machine]] = defaultdict(list)
    for machine in s.exec(query).all():
        if machine.state not in DOWN_STATES:
            machines[machine.place_id].append(machine)
    return machines


def item_capacity(place: Place, machines: list[Machine], item: Item, layouts: dict[str, PlateLayout],
                  today: date, horizon: int) -> ItemCapacity:
    """What the place can make of the item each day: printers with a plate layout, else manual centres.

    The same choice production makes when it turns a work order into jobs.
    """
    printers = [m for m in machines if m.kind in PRINTER_KINDS and m.printer_profile in layouts]
    stations = [m for m in machines if m.kind in MANUAL_KINDS_FOR.get(item.kind, ())]
    running = staffed_printers(len(printers), place.staff_available) if printers else 0
    staffed = staffed_stations(len(stations), place.staff_available, 0) if stations and not printers else 0
    days = []
    for offset in range(horizon):
        hours = open_hours(place.opening_hours, day_of(offset, today)) if place.opening_hours else ALWAYS_OPEN
        if printers:
            per = [printer_units_per_day(hours, layouts[m.printer_profile].units_per_plate,
                                         layouts[m.printer_profile].print_minutes) for m in printers]
            days.append(sum(sorted(per, reverse=True)[:running]))
        elif stations:
            days.append(sum(manual_units_per_day(hours, m.kind) for m in stations[:staffed]))
        else:
            days.append(0.0)
    return ItemCapacity(tuple(days), running, staffed)


def place_capacity(s: Session, place: Place, item_ids: set[int] | None, today: date,
                   horizon: int) -> dict[int, ItemCapacity]:
    """The place's capacity for each active item it accepts (of `item_ids`, if given), as the planner counts it."""
    layouts = plate_layouts(s, validated_designs(s))
    machines = working_machines(s, place.id)[place.id]
    items = [i for i in s.exec(select(Item).where(Item.active == True)).all()  # noqa: E712
             if (not place.accepted_item_ids or i.id in place.accepted_item_ids)
             and (item_ids is None or i.id in item_ids)]
    return {i.id: item_capacity(place, machines, i, layouts.get(i.id, {}), today, horizon) for i in items}
