"""Delivery runs the scheduler proposes: each morning, for every place with runners, the day's runs routed from
what waits to leave (no actor: the places' operators see them on their deliveries page and start them)."""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

from sqlmodel import select

from makernet.domain.transport import VEHICLES
from makernet.models import Place
from makernet.planner.routes import TIME_LIMIT, Routing, plan_runs
from makernet.services.context import Context
from makernet.services.deliveries.inputs import RunInput, run_input
from makernet.services.deliveries.operations import store_runs
from makernet.services.deliveries.views import RunsProposed, run_views

log = logging.getLogger(__name__)


def runner_label(place_name: str, runner: int, vehicle: str) -> str:
    """Who carries a run's deliveries, as the delivery and its note name them (pages say it in their language:
    web.formatting.carrier)."""
    word = VEHICLES.get(vehicle, (vehicle,))[0]
    return f"Coursier {runner} ({word}), {place_name}"[:200]


def route(data: RunInput, time_limit: float = TIME_LIMIT) -> tuple[Routing, list[int]]:
    """The routing of a place's day, and the requests it could not place (no known delivery point)."""
    stops = [w.stop() for w in data.waiting]
    unplaced = [w.request_id for w, stop in zip(data.waiting, stops) if stop is None]
    if data.depot is None:
        return Routing([], [], sorted(w.request_id for w in data.waiting)), []
    # as many runs as are left today, each then given its runner and leg: a proposal made after a run left does not
    # send that runner out again as if it were their first; once all have left, what waits goes with tomorrow's
    free = data.free_runs()
    left_today = replace(data.runners, count=max(1, len(free)), runs_per_day=1 if free else 0)
    routing = plan_runs(data.depot, [s for s in stops if s is not None], left_today, time_limit=time_limit)
    runs = [replace(run, runner=free[run.runner - 1][0], leg=free[run.runner - 1][1]) for run in routing.runs]
    return replace(routing, runs=runs), unplaced


def propose_place_runs(ctx: Context, place_id: int, day: date, *, user_id: int | None = None) -> RunsProposed:
    """Read what waits at the place, route it (outside any transaction: the search takes up to a second), store
    the runs in place of the day's runs still proposed."""
    with ctx.db.reading() as s:
        data = run_input(s, s.get(Place, place_id), day)
    routing, unplaced = route(data)
    with ctx.db.transaction() as tx:
        runs = run_views(tx.session, store_runs(tx.session, data, routing, user_id=user_id))
    carried = sum(r["units"] for r in runs)
    return {"day": day.isoformat(), "runs": runs, "units_carried": carried,
            "units_left": sum(v.units for v in routing.left),
            "out_of_reach": sorted(set(routing.out_of_reach) | set(unplaced))}


def propose_daily_runs(ctx: Context, today: date | None = None) -> dict[int, int]:
    """The morning's runs of every active place with runners and a known location: runs proposed per place."""
    day = today or date.today()
    with ctx.db.reading() as s:
        places = s.exec(select(Place.id).where(Place.active == True, Place.runners > 0,  # noqa: E712
                                               Place.latitude.is_not(None), Place.longitude.is_not(None))  # type: ignore[union-attr]
                        .order_by(Place.id)).all()  # type: ignore[arg-type]
    proposed = {}
    for place_id in places:
        proposed[place_id] = len(propose_place_runs(ctx, place_id, day)["runs"])
    log.info("delivery runs proposed for %s: %s", day, proposed)
    return proposed
