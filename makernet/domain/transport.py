"""How finished units reach their requester, as pure rules: runners, collection, shuttles.

In 2020 distance was not a cost line: it was a driver, a permit and a day (FIELD.md). A place
may have volunteer runners (a cargo bike covers about 10 km around it, a car about 40 km), each
doing one or two runs a day of up to three hours. What is within a runner's reach arrives the
day it is finished. Beyond that, units made for a requester of the place's own département are
collected the next day (the requester, or the département's collection point, fetches them);
units for another département wait for the regional shuttle, which runs on fixed weekdays
(two a week by default) and arrives the day it runs.

The planner, the scenario simulator and the benchmark's bounds all read these rules, so that
what the plan counts on time is what can also be carried on time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from makernet.domain.planning import WEEKDAYS, great_circle_km
# the vehicles a place's runners may use: how far they go from the place, how fast, how many units a run carries
VEHICLES = {"bike": ("vélo cargo", 10.0, 15.0, 200), "car": ("voiture", 40.0, 50.0, 600)}
MOST_RUNNERS = 3
MOST_RUNS_PER_DAY = 2
MOST_RUN_HOURS = 3.0
# minutes a runner spends at each stop (handing over, the receipt scanned)
STOP_MINUTES = 10
# road distance over great-circle distance: routes bend around rivers and through towns
DETOUR = 1.3
# the regional shuttle between départements runs on these weekdays (Tuesday and Friday)
SHUTTLE_WEEKDAYS = (1, 4)
# the last ready day of units no means carries (no shuttle runs): before today
NEVER = -1
# how a unit travels, in the order the rules try them
RUNNER, COLLECTED, SHUTTLE = 0, 1, 2


@dataclass(frozen=True)
class Runners:
    """A place's volunteer runners: how many, how often, how long, in what vehicle."""

    count: int = 0
    runs_per_day: int = 1
    run_hours: float = MOST_RUN_HOURS
    vehicle: str = "bike"
    radius_km: float | None = None   # None: the vehicle's own reach
    load: int | None = None          # units one run carries; None: the vehicle's own

    @property
    def reach_km(self) -> float:
        """How far from the place the runners deliver (0 without runners)."""
        if self.count <= 0:
            return 0.0
        return self.radius_km if self.radius_km is not None else VEHICLES[self.vehicle][1]

    @property
    def speed_kmh(self) -> float:
        """The vehicle's average speed on the road, stops apart."""
        return VEHICLES[self.vehicle][2]

    @property
    def run_load(self) -> int:
        """Units one run carries."""
        return self.load if self.load is not None else VEHICLES[self.vehicle][3]

    @property
    def runs(self) -> int:
        """Runs the place can send out in a day."""
        return max(0, self.count) * max(0, self.runs_per_day)

    @property
    def daily_load(self) -> int:
        """Units the runners can carry in a day, all runs full."""
        return self.runs * self.run_load


def runners_of(place: object) -> Runners:
    """The runners of a place as stored (its runners, runs_per_day, run_hours, vehicle, delivery_radius_km and
    run_load attributes)."""
    return Runners(count=getattr(place, "runners", 0) or 0, runs_per_day=getattr(place, "runs_per_day", 1),
                   run_hours=getattr(place, "run_hours", MOST_RUN_HOURS), vehicle=getattr(place, "vehicle", "bike"),
                   radius_km=getattr(place, "delivery_radius_km", None), load=getattr(place, "run_load", None))


def due_day(place: object, latitude: float | None, longitude: float | None, departement: str, needed_by: date,
            today: date, weekdays: tuple[int, ...] = SHUTTLE_WEEKDAYS) -> date:
    """The last day a place (as stored) can finish units and still carry them to a requester by `needed_by`."""
    here = (getattr(place, "latitude", None) or 0.0, getattr(place, "longitude", None) or 0.0)
    km = great_circle_km(*here, latitude if latitude is not None else here[0],
                         longitude if longitude is not None else here[1])
    means = means_of(runners_of(place).reach_km, getattr(place, "departement", "") == (departement or ""), km)
    return today + timedelta(days=last_ready_day((needed_by - today).days, means, today, weekdays))


def means_of(reach_km: float, same_departement: bool, km: float) -> int:
    """How units travel from a place to a requester `km` away: RUNNER, COLLECTED or SHUTTLE."""
    if reach_km > 0 and km <= reach_km:
        return RUNNER
    return COLLECTED if same_departement else SHUTTLE


def shuttle_day_on_or_before(day: int, today: date, weekdays: tuple[int, ...] = SHUTTLE_WEEKDAYS) -> int | None:
    """The last day (offset from today) up to `day` on which the shuttle runs; None if none within a week before."""
    for back in range(7):
        if (today + timedelta(days=day - back)).weekday() in weekdays:
            return day - back
    return None


def shuttle_day_after(day: int, today: date, weekdays: tuple[int, ...] = SHUTTLE_WEEKDAYS) -> int | None:
    """The first day (offset from today) after `day` on which the shuttle runs; None if it never runs."""
    for ahead in range(1, 8):
        if (today + timedelta(days=day + ahead)).weekday() in weekdays:
            return day + ahead
    return None


def arrival_day(ready_day: int, means: int, today: date, weekdays: tuple[int, ...] = SHUTTLE_WEEKDAYS) -> int | None:
    """When units finished on `ready_day` reach their requester by these means (None: never)."""
    if means == RUNNER:
        return ready_day
    if means == COLLECTED:
        return ready_day + 1
    return shuttle_day_after(ready_day, today, weekdays)


def last_ready_day(needed_by: int, means: int, today: date, weekdays: tuple[int, ...] = SHUTTLE_WEEKDAYS) -> int:
    """The last day units can be finished and still reach their requester by `needed_by` (negative: none)."""
    if means == RUNNER:
        return needed_by
    if means == COLLECTED:
        return needed_by - 1
    shuttle = shuttle_day_on_or_before(needed_by, today, weekdays)
    return shuttle - 1 if shuttle is not None else NEVER


def parse_weekdays(text: str) -> tuple[int, ...]:
    """Weekdays from "tue,fri" ("off" or empty: none); ValueError on a name that is not a weekday."""
    if text.strip().lower() == "off":
        return ()
    names = [name.strip().lower()[:3] for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in WEEKDAYS]
    if unknown:
        raise ValueError(", ".join(unknown))
    return tuple(sorted({WEEKDAYS.index(name) for name in names}))


def route_hours(km: float, stops: int, speed_kmh: float) -> float:
    """Hours a run takes: the road at the vehicle's speed and the time at each stop."""
    return km / speed_kmh + stops * STOP_MINUTES / 60
