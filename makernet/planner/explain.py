"""Plain French words for why each proposal was made, and why some units were left over."""
from __future__ import annotations

import numpy as np

from makernet.domain.planning import PRIORITY_WORDS, day_of, units_per_open_day
from makernet.domain.transport import COLLECTED, RUNNER, SHUTTLE, arrival_day
from makernet.planner.board import Board
from makernet.planner.model import DemandLine, PlaceSupply, Proposal, Unplanned

# why a place got none of a line it was kept off: a coordinator's forbid, or the place's own answer
# how far units would have to go, where no means carries them on time
TRAVEL_WORDS = {RUNNER: "même par coursier", COLLECTED: "retrait le lendemain dans le département",
                SHUTTLE: "la navette régionale n'arrive pas avant la date"}
FORBIDDEN_WORDS = {"coordination": "écartée par la coordination", "declined": "a refusé cette ligne",
                   "partial": "n'a accepté qu'une partie de cette ligne"}


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


def explained(board: Board, proposal: Proposal) -> Proposal:
    """The proposal with its explanation: distance, capacity, due date, what was nearer."""
    line, place = board.lines[proposal.line_id], board.places[proposal.place_id]
    today = board.inp.today
    item = board.inp.item_names.get(line.item_id, "unités")
    daily = units_per_open_day(place.daily_capacity.get(line.item_id, ()))
    parts = [f"{proposal.quantity} unités sur {line.quantity} à planifier de cette ligne ({item}), "
             f"à {proposal.distance_km:.0f} km du point de livraison."]
    if proposal.pinned:
        parts.append("Affectation épinglée par la coordination.")
    parts.append(f"Capacité de {place.name} : environ {daily:.0f} par jour{_with_machines(place, line.item_id)}, "
                 f"{place.backlog.get(line.item_id, 0)} déjà en file avant ce plan.")
    needed = day_of(line.needed_by, today).strftime("%d/%m")
    if proposal.ready_day is None:
        parts.append(f"Prêtes au-delà de l'horizon de planification ; besoin le {needed}.")
    else:
        ready = day_of(proposal.ready_day, today).strftime("%d/%m")
        verdict = "à temps" if proposal.on_time else "en retard, faute de capacité plus tôt ailleurs"
        parts.append(f"Prêtes vers le {ready} pour un besoin le {needed} : {verdict}.")
    parts.append(carried(board, proposal))
    parts.append(_counting_on_material(board, line, place, proposal.quantity))
    parts.append(f"Priorité : {PRIORITY_WORDS.get(line.priority, line.priority)}.")
    nearer = _nearer_place_not_used(board, proposal.line_id, proposal.place_id)
    if nearer:
        parts.append(nearer)
    return Proposal(**{**proposal.__dict__, "explanation": " ".join(part for part in parts if part)})


def carried(board: Board, proposal: Proposal) -> str:
    """How the units reach the requester, and when, in plain words."""
    place, today = board.places[proposal.place_id], board.inp.today
    if proposal.means == RUNNER:
        return (f"Livraison par les coursiers bénévoles de {place.name} le jour où elles sont prêtes "
                f"(dans leur rayon de {place.reach_km:.0f} km).")
    if proposal.means == COLLECTED:
        return "Retrait le lendemain dans le département (hors de portée des coursiers du lieu)."
    if proposal.ready_day is None:
        return "Acheminement par la navette régionale entre départements."
    arrival = arrival_day(proposal.ready_day, SHUTTLE, today, board.inp.shuttle_weekdays)
    when = f", qui arrive le {day_of(arrival, today).strftime('%d/%m')}" if arrival is not None else \
        " (aucune navette n'est prévue)"
    return f"Autre département : acheminement par la navette régionale{when}."


def _counting_on_material(board: Board, line: DemandLine, place: PlaceSupply, quantity: int) -> str:
    """Say so when the work needs more than the place has on its shelves and counts on material promised to it."""
    days = sorted({day for material_id, per_unit in line.bill.items()
                   if per_unit * quantity > place.free_material.get(material_id, 0)
                   for day, _ in board.arriving.get((place.place_id, material_id), ())})
    if not days:
        return ""
    when = ", ".join(day_of(day, board.inp.today).strftime("%d/%m") for day in days[:3])
    return f"Compte sur la matière promise à {place.name} (livraisons attendues le {when})."


def _with_machines(place: PlaceSupply, item_id: int) -> str:
    """The machines the place's capacity counts for the item, in words (nothing when not known)."""
    printers, stations = place.machines.get(item_id, (0, 0))
    if printers:
        return f" avec {printers} imprimante{'s' if printers > 1 else ''}"
    if stations:
        return f" avec {stations} poste{'s' if stations > 1 else ''}"
    return ""


def _nearer_place_not_used(board: Board, line_id: int, place_id: int) -> str:
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
        return (f"Plus proche mais non retenue : {board.places[other].name} ({distances[col]:.0f} km), "
                f"{_why_not(board, line_id, other)}.")
    return ""


def _why_not(board: Board, line_id: int, place_id: int) -> str:
    """Why a place got none of a line, in a few words."""
    line, place = board.lines[line_id], board.places[place_id]
    if (line_id, place_id) in board.forbidden:
        return FORBIDDEN_WORDS.get(board.forbidden[line_id, place_id], FORBIDDEN_WORDS["coordination"])
    if not place.makes(line.item_id):
        return "ne fait pas cet article ou n'a pas de machine disponible"
    if board.material_left(line, place_id) <= 0:
        return "matière insuffisante"
    if board.batch_left(line_id, place_id) <= 0:
        return "limite de lot atteinte"
    last = board.last_day(line_id, place_id)
    if last < 0 and line.needed_by >= 0:
        return "trop loin pour livrer à temps (" + TRAVEL_WORDS[board.means_of(line_id, place_id)] + ")"
    if board.capacity_left(place_id, line.item_id, last) <= 0:
        return "capacité déjà prise jusqu'à l'échéance"
    runs = board.runs_carrying(line_id, place_id)
    if runs is not None and runs.left(last) <= 0:
        return "les tournées de ses coursiers sont déjà pleines jusqu'à l'échéance"
    if board.kept.get((place_id, line.item_id)):
        return "sa capacité est gardée pour les demandes qui arrivent chaque jour plus près d'elle"
    return "sa capacité sert des demandes plus urgentes ou plus proches d'elle"


def _all_kept_off(board: Board, line: DemandLine) -> str:
    """Every place that makes the item is kept off the line: which, and by whom."""
    kept = [f"{place.name} ({_why_not(board, line.line_id, place_id)})" for place_id, place in board.places.items()
            if place.makes(line.item_id)]
    return f"Aucune place qui fait cet article ne peut prendre cette ligne : {', '.join(kept)}."


def unplanned_of(board: Board) -> tuple[Unplanned, ...]:
    """Units the run could not place, with the reason (worked out once for lines alike)."""
    kept_off = {line_id for line_id, _ in board.forbidden}
    reasons: dict[tuple, str] = {}
    left = []
    for line_id, quantity in board.remaining.items():
        if quantity <= 0:
            continue
        line = board.lines[line_id]
        alike = (line.item_id, line.design_version_id is None, tuple(sorted(line.bill.items())))
        if line_id in kept_off:
            reason = _unplanned_reason(board, line)
        else:
            if alike not in reasons:
                reasons[alike] = _unplanned_reason(board, line)
            reason = reasons[alike]
        left.append(Unplanned(line_id, quantity, reason))
    return tuple(left)


def _unplanned_reason(board: Board, line: DemandLine) -> str:
    """Why units of a line were left over, in plain words."""
    line_id = line.line_id
    if line.design_version_id is None:
        return "Aucune version de l'article n'est validée pour ce type de demandeur."
    if not any(p.makes(line.item_id) for p in board.places.values()):
        return "Aucune place active n'a de machine disponible pour cet article."
    if not any(board.allowed(line_id, p) for p in board.places):
        return _all_kept_off(board, line)
    if all(board.material_left(line, p) <= 0 for p in board.places if board.allowed(line_id, p)):
        return "Matière insuffisante dans les places qui font cet article."
    return "Capacité des places épuisée sur l'horizon de planification."
