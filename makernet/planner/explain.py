"""Why each proposal was made, and why some units were left over: words (codes and values, domain.explanations),
said in French for what is stored as text, in the reader's language where they are shown."""
from __future__ import annotations

import numpy as np

from makernet.domain.explanations import Words, french
from makernet.domain.planning import day_of, units_per_open_day
from makernet.domain.transport import COLLECTED, RUNNER, SHUTTLE, arrival_day
from makernet.planner.board import Board
from makernet.planner.model import DemandLine, PlaceSupply, Proposal, Unplanned

Part = tuple[str, dict]
# how far units would have to go, where no means carries them on time (domain.explanations.WHY)
TOO_FAR = {RUNNER: "too_far_runner", COLLECTED: "too_far_collected", SHUTTLE: "too_far_shuttle"}


def proposals_of(board: Board, with_words: bool = True) -> tuple[Proposal, ...]:
    """The board's shares as proposals, in the order the places should make them (explained, if asked)."""
    shares = board.production_order()
    proposals = []
    for share, (start, ready) in zip(shares, board.schedule(shares)):
        line = board.lines[share.line_id]
        last = board.last_day(line.line_id, share.place_id)
        on_time = ready is not None and ready <= last
        proposal = Proposal(line_id=line.line_id, place_id=share.place_id,
                            design_version_id=line.design_version_id, quantity=share.quantity,
                            distance_km=round(board.distance_km(line.line_id, share.place_id), 1),
                            ready_day=ready, needed_by=line.needed_by, on_time=on_time, pinned=share.pinned,
                            start_day=start, means=board.means_of(line.line_id, share.place_id), last_day=last)
        proposals.append(explained(board, proposal) if with_words else proposal)
    return tuple(proposals)


def explained(board: Board, proposal: Proposal, first: Words = ()) -> Proposal:
    """The proposal with its explanation (`first`, then distance, capacity, due date, what was nearer), as words
    and in French."""
    words = first + explanation_words(board, proposal)
    return Proposal(**{**proposal.__dict__, "words": words, "explanation": french(words)})


def explanation_words(board: Board, proposal: Proposal) -> Words:
    """Why the proposal: distance, capacity, due date, how its units travel, material, priority, the nearer place
    left out."""
    line, place = board.lines[proposal.line_id], board.places[proposal.place_id]
    today = board.inp.today
    item = board.inp.item_names.get(line.item_id, "unités")
    parts: list[Part | None] = [("explain.units", {"quantity": proposal.quantity, "total": line.quantity,
                                                   "item": item, "km": round(proposal.distance_km)})]
    if proposal.pinned:
        parts.append(("explain.pinned", {}))
    parts.append(_capacity(place, line.item_id))
    needed = day_of(line.needed_by, today)
    if proposal.ready_day is None:
        parts.append(("explain.ready_beyond", {"needed_day": needed}))
    else:
        parts.append(("explain.ready_on_time" if proposal.on_time else "explain.ready_late",
                      {"ready_day": day_of(proposal.ready_day, today), "needed_day": needed}))
    parts.append(carried(board, proposal))
    parts.append(_counting_on_material(board, line, place, proposal.quantity))
    parts.append(("explain.priority", {"priority": line.priority}))
    parts.append(_nearer_place_not_used(board, proposal.line_id, proposal.place_id))
    return tuple(part for part in parts if part is not None)


def carried(board: Board, proposal: Proposal) -> Part:
    """How the units reach the requester, and when."""
    place, today = board.places[proposal.place_id], board.inp.today
    if proposal.means == RUNNER:
        return "explain.by_runner", {"place": place.name, "km": round(place.reach_km)}
    if proposal.means == COLLECTED:
        return "explain.collected", {}
    if proposal.ready_day is None:
        return "explain.shuttle", {}
    arrival = arrival_day(proposal.ready_day, SHUTTLE, today, board.inp.shuttle_weekdays)
    if arrival is None:
        return "explain.shuttle_none", {}
    return "explain.shuttle_arrives", {"arrival_day": day_of(arrival, today)}


def _counting_on_material(board: Board, line: DemandLine, place: PlaceSupply, quantity: int) -> Part | None:
    """Say so when the work needs more than the place has on its shelves and counts on material promised to it."""
    days = sorted({day for material_id, per_unit in line.bill.items()
                   if per_unit * quantity > place.free_material.get(material_id, 0)
                   for day, _ in board.arriving.get((place.place_id, material_id), ())})
    if not days:
        return None
    return "explain.promised", {"place": place.name,
                                "delivery_days": [day_of(day, board.inp.today) for day in days[:3]]}


def _capacity(place: PlaceSupply, item_id: int) -> Part:
    """The place's capacity for the item, with the machines it counts (when known), and its queue."""
    values = {"place": place.name, "daily": round(units_per_open_day(place.daily_capacity.get(item_id, ()))),
              "backlog": place.backlog.get(item_id, 0)}
    printers, stations = place.machines.get(item_id, (0, 0))
    if printers:
        return ("explain.capacity_printers" if printers > 1 else "explain.capacity_printer"), \
            values | {"machines": printers}
    if stations:
        return ("explain.capacity_stations" if stations > 1 else "explain.capacity_station"), \
            values | {"machines": stations}
    return "explain.capacity", values


def _nearer_place_not_used(board: Board, line_id: int, place_id: int) -> Part | None:
    """Name the nearest place that makes the line's item, would have been closer and got none of the line, and
    why."""
    distances = board.distances[board.row[line_id]]
    mine = distances[board.column[place_id]]
    nearer = np.nonzero(distances < mine)[0]
    item = board.lines[line_id].item_id
    for col in nearer[np.argsort(distances[nearer], kind="stable")].tolist():
        other = board.place_ids[col]
        if board.given.get((line_id, other)) or not board.places[other].makes(item):
            continue
        return "explain.nearer_not_used", {"place": board.places[other].name, "km": round(float(distances[col])),
                                           "why": _why_not(board, line_id, other)}
    return None


def _why_not(board: Board, line_id: int, place_id: int) -> str:
    """Why a place got none of a line (a key of domain.explanations.WHY)."""
    line, place = board.lines[line_id], board.places[place_id]
    if (line_id, place_id) in board.forbidden:
        return board.forbidden[line_id, place_id] if board.forbidden[line_id, place_id] in ("declined", "partial") \
            else "coordination"
    if not place.makes(line.item_id):
        return "no_item"
    if board.material_left(line, place_id) <= 0:
        return "no_material"
    if board.batch_left(line_id, place_id) <= 0:
        return "batch"
    last = board.last_day(line_id, place_id)
    if last < 0 and line.needed_by >= 0:
        return TOO_FAR[board.means_of(line_id, place_id)]
    if board.capacity_left(place_id, line.item_id, last) <= 0:
        return "full"
    runs = board.runs_carrying(line_id, place_id)
    if runs is not None and runs.left(last) <= 0:
        return "runs_full"
    if board.kept.get((place_id, line.item_id)):
        return "kept"
    return "busy"


def unplanned_of(board: Board) -> tuple[Unplanned, ...]:
    """Units the run could not place, with the reason (worked out once for lines alike)."""
    kept_off = {line_id for line_id, _ in board.forbidden}
    reasons: dict[tuple, Words] = {}
    left = []
    for line_id, quantity in board.remaining.items():
        if quantity <= 0:
            continue
        line = board.lines[line_id]
        alike = (line.item_id, line.design_version_id is None, tuple(sorted(line.bill.items())))
        if line_id in kept_off:
            words = _unplanned_reason(board, line)
        else:
            if alike not in reasons:
                reasons[alike] = _unplanned_reason(board, line)
            words = reasons[alike]
        left.append(Unplanned(line_id, quantity, french(words), words))
    return tuple(left)


def _unplanned_reason(board: Board, line: DemandLine) -> Words:
    """Why units of a line were left over."""
    line_id = line.line_id
    if line.design_version_id is None:
        return (("explain.no_design", {}),)
    if not any(p.makes(line.item_id) for p in board.places.values()):
        return (("explain.no_machine", {}),)
    if not any(board.allowed(line_id, p) for p in board.places):
        # every place that makes the item is kept off the line: which, and by whom
        return (("explain.all_kept_off", {}),) + tuple(
            ("explain.kept_off", {"place": place.name, "why": _why_not(board, line_id, place_id)})
            for place_id, place in board.places.items() if place.makes(line.item_id))
    if all(board.material_left(line, p) <= 0 for p in board.places if board.allowed(line_id, p)):
        return (("explain.no_material", {}),)
    return (("explain.no_capacity", {}),)
