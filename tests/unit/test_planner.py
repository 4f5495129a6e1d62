"""The planner on plain inputs: optimal on small instances, never over any limit, explained in words."""
from __future__ import annotations

import itertools
from datetime import date

import pytest

from makernet.domain.planning import great_circle_km, on_time_weight
from makernet.planner import DemandLine, PlaceSupply, PlanInput, Rule, plan, plan_baseline
from makernet.planner.bound import (BoundLane, BoundLine, local_share_bound, on_time_bound, on_time_by_line,
                                    smallest_median_km)

TODAY = date(2020, 3, 17)
VISOR, PLA = 1, 10


def place(place_id: int, per_day: float, lat: float, lon: float = 0.0, backlog: int = 0, pla: int = 10**6,
          batch: int | None = None, days: int = 8) -> PlaceSupply:
    return PlaceSupply(place_id, f"Lieu {place_id}", lat, lon, {VISOR: (per_day,) * days}, {VISOR: backlog},
                       {PLA: pla}, batch)


def line(line_id: int, quantity: int, needed_by: int, lat: float, priority: str = "normal",
         design: int | None = 5) -> DemandLine:
    return DemandLine(line_id, line_id, VISOR, quantity, needed_by, priority, lat, 0.0, design, {PLA: 25}, order=line_id)


def on_time_value(inp: PlanInput, proposals) -> int:  # noqa: ANN001
    lines = {ln.line_id: ln for ln in inp.lines}
    return sum(p.quantity * on_time_weight(lines[p.line_id].priority, p.needed_by) for p in proposals if p.on_time)


def brute_force_value(inp: PlanInput) -> float:
    """The best weighted on-time units (priority × urgency) over every integer split, made earliest deadline first."""
    lines, places = list(inp.lines), list(inp.places)
    best = 0
    ranges = [range(ln.quantity + 1) for ln in lines for _ in places]
    for split in itertools.product(*ranges):
        given = {(ln.line_id, p.place_id): split[i * len(places) + j]
                 for i, ln in enumerate(lines) for j, p in enumerate(places)}
        if any(sum(given[ln.line_id, p.place_id] for p in places) > ln.quantity for ln in lines):
            continue
        value = 0
        for p in places:
            load = p.backlog.get(VISOR, 0)
            if load + sum(given[ln.line_id, p.place_id] for ln in lines) > p.cumulative(VISOR, p.horizon(VISOR)):
                break
            for ln in sorted(lines, key=lambda x: x.needed_by):
                units = given[ln.line_id, p.place_id]
                room = max(0, p.cumulative(VISOR, ln.needed_by - 1) - load)
                value += min(units, room) * on_time_weight(ln.priority, ln.needed_by)
                load += units
        else:
            best = max(best, value)
    return best


SMALL = [
    PlanInput(TODAY, (place(1, 2, 46.0), place(2, 3, 46.5)), (line(11, 4, 2, 46.0), line(12, 3, 3, 46.5, "care_staff"))),
    PlanInput(TODAY, (place(1, 1.5, 46.0, backlog=2), place(2, 1, 45.0)),
              (line(11, 3, 3, 45.1, "care_staff"), line(12, 4, 2, 46.0))),
    PlanInput(TODAY, (place(1, 4, 46.0),), (line(11, 5, 2, 46.0), line(12, 5, 3, 46.0, "emergency_services"),
                                            line(13, 3, 1, 46.0))),
]


def test_on_small_instances_the_planner_is_as_good_as_trying_every_split() -> None:
    for inp in SMALL:
        assert abs(on_time_value(inp, plan(inp).proposals) - brute_force_value(inp)) < 1e-6


def test_the_planner_prefers_the_nearer_place_when_both_are_in_time() -> None:
    inp = PlanInput(TODAY, (place(1, 50, 46.0), place(2, 50, 44.0)), (line(11, 40, 5, 44.05),))
    (proposal,) = plan(inp).proposals
    assert proposal.place_id == 2 and proposal.on_time
    assert proposal.distance_km == round(great_circle_km(44.0, 0.0, 44.05, 0.0), 1)


def test_a_line_is_split_over_places_when_one_alone_would_be_late() -> None:
    inp = PlanInput(TODAY, (place(1, 10, 46.0), place(2, 10, 46.2)), (line(11, 50, 4, 46.0),))
    proposals = plan(inp).proposals
    assert {p.place_id for p in proposals} == {1, 2}
    assert sum(p.quantity for p in proposals if p.on_time) == 50


def test_care_staff_are_served_first_when_capacity_is_short() -> None:
    inp = PlanInput(TODAY, (place(1, 10, 46.0),), (line(11, 30, 3, 46.0), line(12, 30, 3, 46.0, "care_staff")))
    on_time = {p.line_id: p.quantity for p in plan(inp).proposals if p.on_time}
    assert on_time == {12: 30}


def test_a_line_without_a_validated_design_is_never_allocated_and_says_why() -> None:
    inp = PlanInput(TODAY, (place(1, 10, 46.0),), (line(11, 5, 3, 46.0, design=None),))
    result = plan(inp)
    assert result.proposals == ()
    assert "validée" in result.unplanned[0].reason


def test_a_forbidden_pair_is_never_proposed_and_a_pin_is() -> None:
    rules = (Rule("forbid", 11, 1), Rule("pin", 12, 2, 5))
    inp = PlanInput(TODAY, (place(1, 50, 46.0), place(2, 50, 44.0)),
                    (line(11, 10, 5, 46.0), line(12, 10, 5, 46.0)), rules)
    proposals = plan(inp).proposals
    assert all(p.place_id == 2 for p in proposals if p.line_id == 11)
    assert any(p.place_id == 2 and p.pinned and p.quantity >= 5 for p in proposals if p.line_id == 12)


def test_each_proposal_says_why_in_plain_words() -> None:
    inp = PlanInput(TODAY, (place(1, 5, 46.0), place(2, 50, 45.0)), (line(11, 100, 4, 46.0, "care_staff"),),
                    item_names={VISOR: "visières"})
    text = " ".join(p.explanation for p in plan(inp).proposals)
    for words in ("km du point de livraison", "Capacité de Lieu", "par jour", "besoin le", "soignants"):
        assert words in text


def test_the_baseline_serves_first_come_from_the_nearest_place() -> None:
    inp = PlanInput(TODAY, (place(1, 10, 46.0), place(2, 10, 44.0)),
                    (line(11, 80, 10, 46.0), line(12, 20, 2, 46.0, "care_staff")))
    proposals = plan_baseline(inp).proposals
    assert [(p.line_id, p.place_id, p.quantity) for p in proposals if p.line_id == 11] == [(11, 1, 80)]


def test_the_bound_counts_only_what_fits_between_arrival_and_deadline() -> None:
    lanes = [BoundLane(1, VISOR, (10, 10, 10, 10))]
    lines = [BoundLine(11, VISOR, 25, 1, 2, {PLA: 25}), BoundLine(12, VISOR, 30, 0, 3, {PLA: 25})]
    assert on_time_bound(lines, lanes) == 40
    assert on_time_bound(lines, lanes, {(1, PLA): (250, 0, 0, 250)}) == 20   # 25 g a visor, 500 g in all


def test_the_bound_says_how_its_on_time_units_are_shared_among_lines() -> None:
    lanes = [BoundLane(1, VISOR, (10, 10, 10, 10))]
    lines = [BoundLine(11, VISOR, 15, 0, 0, {}), BoundLine(12, VISOR, 30, 1, 3, {}), BoundLine(13, VISOR, 5, 4, 5, {})]
    made = on_time_by_line(lines, lanes)
    assert made == pytest.approx({11: 10, 12: 30, 13: 0})   # day 0 holds 10 of line 11; line 13 comes too late
    assert sum(made.values()) == on_time_bound(lines, lanes) == 40


def test_when_capacity_is_short_the_line_due_sooner_is_served_first() -> None:
    inp = PlanInput(TODAY, (place(1, 10, 46.0),), (line(11, 20, 3, 46.0), line(12, 40, 4, 46.0)))
    on_time = {p.line_id: p.quantity for p in plan(inp).proposals if p.on_time}
    assert on_time[11] == 20 and sum(on_time.values()) == 40


def test_work_a_place_would_start_after_the_release_window_is_held_and_explained() -> None:
    inp = PlanInput(TODAY, (place(1, 10, 46.0),), (line(11, 25, 3, 46.0), line(12, 30, 7, 46.0)), release_days=1)
    result = plan(inp)
    assert [(p.line_id, p.quantity) for p in result.proposals] == [(11, 25)]
    (held,) = result.held
    assert (held.line_id, held.quantity, held.start_day, held.on_time) == (12, 30, 2, True)
    assert "à partir du 19/03" in held.reason and "plus urgentes" in held.reason
    assert plan(PlanInput(TODAY, inp.places, inp.lines)).held == ()


def test_pinned_work_is_proposed_even_when_the_place_would_start_it_later() -> None:
    inp = PlanInput(TODAY, (place(1, 10, 46.0),), (line(11, 30, 3, 46.0), line(12, 20, 8, 46.0)),
                    (Rule("pin", 12, 1, 20),), release_days=0)
    assert any(p.line_id == 12 and p.pinned for p in plan(inp).proposals)


def test_the_run_reports_its_programme_before_rounding_as_a_bound_on_its_on_time_units() -> None:
    inp = PlanInput(TODAY, (place(1, 2.5, 46.0), place(2, 3.3, 46.5)),
                    (line(11, 7, 2, 46.0), line(12, 9, 3, 46.5, "care_staff"), line(13, 5, 5, 45.0)))
    result = plan(inp)
    assert result.planned_on_time == sum(p.quantity for p in result.proposals if p.on_time)
    assert result.relaxed_on_time + 1e-6 >= result.planned_on_time > 0


def test_the_locality_bound_says_how_many_on_time_units_could_be_made_near_their_requester() -> None:
    lanes = [BoundLane(1, VISOR, (10, 10, 10)), BoundLane(2, VISOR, (10, 10, 10))]
    lines = [BoundLine(11, VISOR, 30, 0, 2), BoundLine(12, VISOR, 20, 0, 2)]
    near = {(11, 1): 5.0, (11, 2): 80.0, (12, 1): 5.0, (12, 2): 90.0}
    units, share = local_share_bound(lines, lanes, {}, near)
    assert units == 50 and share == 60.0   # place 1 makes 30 near units, place 2's 20 travel


def test_the_smallest_median_an_on_time_plan_can_have_is_bracketed_by_the_radii() -> None:
    lanes = [BoundLane(1, VISOR, (10, 10, 10)), BoundLane(2, VISOR, (10, 10, 10))]
    lines = [BoundLine(11, VISOR, 20, 0, 2), BoundLine(12, VISOR, 30, 0, 2)]
    # line 11 near place 1 (30 units of room); line 12 asks 30 and only place 2 at 45 km is near it
    distance = {(11, 1): 5.0, (11, 2): 80.0, (12, 1): 70.0, (12, 2): 45.0}
    assert smallest_median_km(lines, lanes, {}, distance, radii=(10, 40, 50, 80)) == (40.0, 50.0)
    # with place 2 far from everyone, at most 20 + 10 near units of 50: the median is place 1's 70 km
    far = {(11, 1): 5.0, (11, 2): 200.0, (12, 1): 70.0, (12, 2): 200.0}
    assert smallest_median_km(lines, lanes, {}, far, radii=(10, 50)) == (float("inf"), float("inf"))


def test_the_release_window_counts_the_days_a_place_works() -> None:
    # a Saturday run: the place is closed on Sunday (day 1), so "tomorrow" is Monday (day 2)
    weekend = PlaceSupply(1, "Lieu 1", 46.0, 0.0, {VISOR: (10, 0, 10, 10, 10, 10, 10, 10)}, {VISOR: 0},
                          {PLA: 10**6}, None)
    inp = PlanInput(TODAY, (weekend,), (line(11, 10, 5, 46.0), line(12, 10, 6, 46.0), line(13, 10, 7, 46.0)),
                    release_days=1)
    result = plan(inp)
    assert [p.line_id for p in result.proposals] == [11, 12]          # made on Saturday and on Monday
    assert [(h.line_id, h.start_day) for h in result.held] == [(13, 3)]


def test_urgent_work_goes_before_accepted_work_due_later_as_long_as_that_work_stays_on_time() -> None:
    def with_backlog(last_day: int) -> PlanInput:
        busy = PlaceSupply(1, "Lieu 1", 46.0, 0.0, {VISOR: (10.0,) * 8}, {VISOR: 30}, {PLA: 10**6},
                           backlog_due={VISOR: ((last_day, 30),)})
        return PlanInput(TODAY, (busy,), (line(11, 20, 2, 46.0),))
    (proposal,) = plan(with_backlog(5)).proposals   # 30 to be ready by day 5: made on days 2-4, still on time
    assert (proposal.quantity, proposal.on_time, proposal.start_day, proposal.ready_day) == (20, True, 0, 1)
    (proposal,) = plan(with_backlog(2)).proposals   # 30 to be ready by day 2 take days 0-2: the new line waits
    assert (proposal.quantity, proposal.on_time, proposal.start_day) == (20, False, 3)


def test_backlog_already_late_is_made_after_the_work_that_can_still_be_on_time() -> None:
    late = PlaceSupply(1, "Lieu 1", 46.0, 0.0, {VISOR: (10.0,) * 8}, {VISOR: 30}, {PLA: 10**6},
                       backlog_due={VISOR: ((-1, 30),)})
    (proposal,) = plan(PlanInput(TODAY, (late,), (line(11, 20, 2, 46.0),))).proposals
    assert (proposal.on_time, proposal.start_day) == (True, 0)


def test_the_repair_gives_a_place_s_runners_no_more_on_time_than_their_runs_still_carry() -> None:
    from makernet.planner.board import Board
    from makernet.planner.greedy import fill_greedily
    # the runs carry 10 a day and 30 already go by runner on day 2: of 40 more wanted on day 3, 10 fit on time
    near = PlaceSupply(1, "Lieu 1", 46.0, 0.0, {VISOR: (100.0,) * 8}, {VISOR: 30}, {PLA: 10**6},
                       backlog_due={VISOR: ((2, 30),)}, reach_km=10.0, runner_load=10, runner_due={VISOR: ((2, 30),)})
    board = Board(PlanInput(TODAY, (near,), (line(11, 40, 3, 46.0),)))
    assert (board.room(11, 1, on_time=True), board.room(11, 1)) == (10, 40)
    fill_greedily(board)
    assert [(s.quantity, s.late) for s in board.shares] == [(10, False), (30, True)]
    assert board.room(11, 1, on_time=True) == 0


def test_a_proposal_says_when_the_nearer_place_s_runs_are_full() -> None:
    # the near place's runners already carry 40 on day 3, all their runs can take by then: the line goes further
    near = PlaceSupply(1, "Proche", 46.0, 0.0, {VISOR: (100.0,) * 8}, {VISOR: 40}, {PLA: 10**6},
                       backlog_due={VISOR: ((3, 40),)}, reach_km=10.0, runner_load=10, runner_due={VISOR: ((3, 40),)})
    far = place(2, 100.0, 46.5)
    (proposal,) = plan(PlanInput(TODAY, (near, far), (line(11, 30, 3, 46.0),))).proposals
    assert (proposal.place_id, proposal.on_time) == (2, True)
    assert "Proche (0 km), les tournées de ses coursiers sont déjà pleines jusqu'à l'échéance" in proposal.explanation


def test_a_proposal_names_the_nearest_place_passed_over() -> None:
    # listed first, Lieu 1 is nearer than the chosen place but further than Lieu 2: Lieu 2 is the one named;
    # Lieu 4, nearest of all, makes no visors: it is not worth naming
    sewing = PlaceSupply(4, "Lieu 4", 46.0, 0.0, {2: (100.0,) * 8})
    places = (place(1, 100.0, 46.1), place(2, 100.0, 46.05), place(3, 100.0, 46.5), sewing)
    rules = tuple(Rule("forbid", 11, place_id, None) for place_id in (1, 2))
    (proposal,) = plan(PlanInput(TODAY, places, (line(11, 30, 5, 46.0),), rules)).proposals
    assert proposal.place_id == 3
    assert "Plus proche mais non retenue : Lieu 2 (6 km), écartée par la coordination." in proposal.explanation
