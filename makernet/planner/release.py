"""Which planned work is proposed now, and which is held for a later run.

Places make their work by needed-by date, but a work order proposed today for a month
from now commits the place: next week's urgent requests, nearer to it, would find it
taken. A run therefore proposes only what each place would start within the input's
release window (its next `release_days` + 1 working days, today included if it works
today) and holds the rest: planned, explained, and proposed by the run that finds the
place about to start it (or given elsewhere, if something more urgent came meanwhile).
"""
from __future__ import annotations

from makernet.domain.explanations import french
from makernet.domain.planning import day_of
from makernet.planner.model import Held, PlaceSupply, PlanInput, Proposal


def release(inp: PlanInput, proposals: tuple[Proposal, ...]) -> tuple[tuple[Proposal, ...], tuple[Held, ...]]:
    """Split the plan: what places start within the release window (or was pinned) now, the rest held."""
    if inp.release_days is None:
        return proposals, ()
    places = {p.place_id: p for p in inp.places}
    items = {ln.line_id: ln.item_id for ln in inp.lines}
    last_days: dict[tuple[int, int], int] = {}
    now, later = [], []
    for proposal in proposals:
        place, start = places[proposal.place_id], proposal.start_day
        key = (place.place_id, items[proposal.line_id])
        if key not in last_days:
            last_days[key] = _last_day(place, key[1], inp.release_days)
        if proposal.pinned or start is not None and start <= last_days[key]:
            now.append(proposal)
        else:
            later.append(_held(inp, place, proposal, start))
    return tuple(now), tuple(later)


def _last_day(place: PlaceSupply, item_id: int, release_days: int) -> int:
    """The window's last day for this place: the end of its first `release_days` + 1 working days.

    On a weekday with a window of 1: tomorrow. A run on a Saturday, for a place closed on
    Sunday, proposes what it starts by Monday evening; a run on the Sunday, by Tuesday's.
    """
    days = place.daily_capacity.get(item_id, ())
    working = [day for day, capacity in enumerate(days) if capacity > 0]
    return working[release_days] if release_days < len(working) else len(days)


def _held(inp: PlanInput, place: PlaceSupply, proposal: Proposal, start: int | None) -> Held:
    """A proposal kept back, with why."""
    values = {"quantity": proposal.quantity, "place": place.name}
    words = (("explain.held", values | {"start_day": day_of(start, inp.today)}) if start is not None
             else ("explain.held_beyond", values),)
    return Held(proposal.line_id, proposal.place_id, proposal.quantity, start, proposal.ready_day, proposal.on_time,
                french(words), words)
