"""Proposals still waiting for their place's answer move to a nearer place that can now make them on time."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from makernet.planner import DemandLine, PlaceSupply, PlanInput, Rule, plan
from makernet.planner.model import Waiting
from makernet.planner.nearer import NEARER_KM

TODAY = date(2020, 3, 17)
VISOR, PLA = 1, 10
KM_PER_DEGREE = 111.2


def place(place_id: int, per_day: float, lat: float, backlog: int = 0, pla: int = 10**6) -> PlaceSupply:
    due = {VISOR: ((4, backlog),)} if backlog else {}
    return PlaceSupply(place_id, f"Lieu {place_id}", lat, 0.0, {VISOR: (per_day,) * 10}, {VISOR: backlog},
                       {PLA: pla}, backlog_due=due)


def line(line_id: int, quantity: int, needed_by: int = 6, lat: float = 46.0) -> DemandLine:
    return DemandLine(line_id, line_id, VISOR, quantity, needed_by, "normal", lat, 0.0, 5, {PLA: 25}, order=line_id)


def waiting(order_id: int, place_id: int, units: int, line_id: int = 11, needed_by: int = 6) -> Waiting:
    return Waiting(order_id, place_id, line(line_id, units, needed_by))


def moves(inp: PlanInput) -> list:
    return [p for p in plan(inp).proposals if p.replaces is not None]


# the requester at 46.0; the place that has the proposal about 55 km away, with the units in its backlog
FAR = place(2, 20, 46.5, backlog=40)


def test_a_waiting_proposal_moves_whole_to_a_nearer_place_that_can_make_it_on_time() -> None:
    inp = PlanInput(TODAY, (place(1, 20, 46.0), FAR), (), waiting=(waiting(901, 2, 40),))
    [moved] = moves(inp)
    assert (moved.place_id, moved.quantity, moved.replaces, moved.on_time) == (1, 40, 901, True)
    assert moved.distance_km < 1 and (moved.start_day, moved.ready_day, moved.last_day) == (0, 1, 5)
    assert moved.explanation.startswith("Remplace la proposition faite à Lieu 2 (56 km), restée sans réponse : "
                                        "Lieu 1 est plus proche du demandeur et peut la faire à temps.")


def test_it_stays_where_no_nearer_place_can_make_all_of_it_on_time() -> None:
    # 5 a day: 25 by the day before the need (collected the next day), not the 40 waiting
    assert moves(PlanInput(TODAY, (place(1, 5, 46.0), FAR), (), waiting=(waiting(901, 2, 40),))) == []
    # no material for it at the near place
    assert moves(PlanInput(TODAY, (place(1, 20, 46.0, pla=25 * 39), FAR), (), waiting=(waiting(901, 2, 40),))) == []


def test_it_stays_when_the_nearer_place_saves_less_than_the_margin() -> None:
    near = 46.5 - (NEARER_KM - 2) / KM_PER_DEGREE     # 2 km short of the margin nearer
    assert moves(PlanInput(TODAY, (place(1, 20, near), FAR), (), waiting=(waiting(901, 2, 40),))) == []
    nearer = 46.5 - (NEARER_KM + 2) / KM_PER_DEGREE
    assert [m.place_id for m in moves(PlanInput(TODAY, (place(1, 20, nearer), FAR), (),
                                                waiting=(waiting(901, 2, 40),)))] == [1]


def test_a_pinned_pair_never_moves_and_a_place_that_refused_the_line_never_gets_it() -> None:
    inp = PlanInput(TODAY, (place(1, 20, 46.0), FAR), (), waiting=(waiting(901, 2, 40),))
    assert moves(replace(inp, rules=(Rule("pin", 11, 2, 40),))) == []
    assert moves(replace(inp, rules=(Rule("forbid", 11, 1, why="declined"),))) == []


def test_the_run_s_own_lines_come_first_and_moves_share_what_is_left_farthest_first() -> None:
    far, farther = place(2, 20, 46.5, backlog=30), place(3, 20, 47.0, backlog=30)
    near = place(1, 10, 46.0)     # 50 by the day before the need
    lines = (line(12, 20),)       # the run's own line takes 20 of the near place's 50 first
    inp = PlanInput(TODAY, (near, far, farther), lines,
                    waiting=(waiting(901, 2, 30), waiting(902, 3, 30)))
    result = plan(inp)
    assert [(p.line_id, p.place_id, p.quantity) for p in result.proposals if p.replaces is None] == [(12, 1, 20)]
    assert [(m.replaces, m.place_id) for m in result.proposals if m.replaces is not None] == [(902, 1)]


def test_a_waiting_proposal_of_a_line_with_units_still_to_plan_moves_with_its_own_units() -> None:
    inp = PlanInput(TODAY, (place(1, 20, 46.0), FAR), (line(11, 15),), waiting=(waiting(901, 2, 40),))
    result = plan(inp)
    assert sorted((p.place_id, p.quantity, p.replaces) for p in result.proposals) == [(1, 15, None), (1, 40, 901)]
    moved = next(p for p in result.proposals if p.replaces)
    assert "40 unités sur 40 à planifier de cette ligne" in moved.explanation


def test_a_waiting_proposal_is_weighed_with_its_own_design_not_the_line_s_design_of_today() -> None:
    # the line's design was revised since: today's takes 50 g a unit, the waiting proposal's 25 g
    revised = replace(line(11, 15), design_version_id=6, bill={PLA: 50})
    near = place(1, 20, 46.0, pla=50 * 15 + 25 * 40)    # the run's own 15 units, then exactly the 40 waiting
    result = plan(PlanInput(TODAY, (near, FAR), (revised,), waiting=(waiting(901, 2, 40),)))
    assert sorted((p.place_id, p.quantity, p.design_version_id, p.replaces) for p in result.proposals) == [
        (1, 15, 6, None), (1, 40, 5, 901)]
    # a gram short of that, it stays where it is
    short = replace(near, free_material={PLA: 50 * 15 + 25 * 40 - 1})
    assert moves(PlanInput(TODAY, (short, FAR), (revised,), waiting=(waiting(901, 2, 40),))) == []
