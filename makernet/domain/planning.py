"""Small pure rules of planning: distances, opening hours, a place's daily capacity."""
from __future__ import annotations

import math
from datetime import date, timedelta

EARTH_RADIUS_KM = 6371.0
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# one person keeps this many printers fed and cleared (La Rochelle: 60 printers, 71 volunteers in shifts)
PRINTERS_PER_PERSON = 6
# units per hour of a manual work centre with one person at it (FIELD.md: laser, one visor every 6 min)
MANUAL_UNITS_PER_HOUR = {"laser_cutter": 10.0, "sewing_station": 3.0, "assembly_bench": 20.0}
DEFAULT_MANUAL_UNITS_PER_HOUR = 3.0
# which manual work centres can make an item of each kind (visors are also laser-cut)
MANUAL_KINDS_FOR = {"sewn": ("sewing_station",), "laser_cut": ("laser_cutter",), "printed": ("laser_cutter",),
                    "assembled": ("assembly_bench",)}
# printers run a plate that was started before closing time to its end
PRINTER_EXTRA_HOURS = 2.0
DOWN_STATES = ("offline", "error")

# how much more an on-time unit counts by priority (care staff first); tuned on the NA-visors-2020 scenario:
# stronger weights cost other requesters more on-time units than they win for care staff
PRIORITY_WEIGHTS = {"care_staff": 2.0, "emergency_services": 1.5, "vulnerable": 1.25, "normal": 1.0}
# a unit due in d days counts 1 + URGENCY_DAYS / (1 + d) times: what is due later can still be planned
# tomorrow, with what tomorrow brings (new urgent requests, a printer down). On NA-visors-2020, on-time
# units for 1, 3, 6, 12: 145,623, 146,886, 147,111, 146,954 (seed 1); 3 and 6 on seed 2: 124,622, 124,776
URGENCY_DAYS = 6.0
# a run proposes the work places would start within this many working days (0: today) and holds the
# rest for the next runs. Places make work by needed-by date, so queued work no longer blocks urgent
# requests; on NA-visors-2020 (seed 1, one run a day) on-time units for 1, 2, 3, 5, 7: 147,507,
# 149,419, 149,812, 149,858, 149,620; the median distance grows with the window (66, 70, 68, 80, 87 km).
# Measured again with transport in the world (README, "The allocation planner"): 2 is shorter, not more on time
RELEASE_DAYS = 3
# units must be ready this many days before they are needed (delivery)
TRANSIT_DAYS = 1


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance along the Earth's surface between two points, in kilometres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _minutes(clock: str) -> int:
    hours, _, minutes = clock.partition(":")
    return int(hours) * 60 + int(minutes or 0)


def open_hours(opening_hours: dict, day: date) -> float:
    """Hours a place works on a day, from its {"mon": [["09:00", "18:00"]], ...} conditions."""
    total = 0
    for span in opening_hours.get(WEEKDAYS[day.weekday()], []) or []:
        try:
            start, end = _minutes(span[0]), _minutes(span[1])
        except (ValueError, IndexError, TypeError):
            continue  # a malformed span counts as closed rather than breaking the plan
        total += max(0, end - start)
    return total / 60


def printer_units_per_day(hours: float, units_per_plate: int, print_minutes: int) -> float:
    """Units one printer makes in a day open `hours`, the last plate finishing after closing."""
    if hours <= 0 or print_minutes <= 0:
        return 0.0
    return (hours + PRINTER_EXTRA_HOURS) * 60 / print_minutes * units_per_plate


def units_per_open_day(days: tuple[float, ...]) -> float:
    """Units a place makes on an average open day of the coming week: the figure pages and explanations quote."""
    open_days = [units for units in days[:7] if units > 0]
    return sum(open_days) / len(open_days) if open_days else 0.0


def manual_units_per_day(hours: float, kind: str) -> float:
    """Units one staffed manual work centre makes in a day open `hours`."""
    return max(0.0, hours) * MANUAL_UNITS_PER_HOUR.get(kind, DEFAULT_MANUAL_UNITS_PER_HOUR)


def staffed_printers(printers: int, staff: int) -> int:
    """How many printers the place's staff can keep running at once."""
    return min(printers, max(0, staff) * PRINTERS_PER_PERSON)


def staffed_stations(stations: int, staff: int, staff_on_printers: int) -> int:
    """Manual stations that have a person, once printers have taken theirs."""
    return min(stations, max(0, staff - staff_on_printers))


def day_offset(day: date, today: date) -> int:
    """Whole days from today to a day (negative in the past)."""
    return (day - today).days


def day_of(offset: int, today: date) -> date:
    """The date `offset` days after today."""
    return today + timedelta(days=offset)


def priority_weight(priority: str) -> float:
    """How much a unit of this priority counts in the plan (care staff first)."""
    return PRIORITY_WEIGHTS.get(priority, 1.0)


def urgency_weight(needed_by: int) -> float:
    """How much more a unit needed in `needed_by` days counts than one needed much later."""
    return 1.0 + URGENCY_DAYS / (1 + max(needed_by, 0))


def on_time_weight(priority: str, needed_by: int) -> float:
    """What one unit ready on time is worth to the plan: its priority times its urgency."""
    return priority_weight(priority) * urgency_weight(needed_by)


def went_down(before: dict[int, str], after: dict[int, str]) -> tuple[int, ...]:
    """Printers (id -> state) that were up and are now offline or in error."""
    return tuple(sorted(m for m, state in after.items() if state in DOWN_STATES and before.get(m) not in DOWN_STATES))
