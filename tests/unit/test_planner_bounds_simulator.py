"""The benchmark is honest: the bound's lanes can make whatever the simulator makes, the baseline re-plans as the
baseline, and both strategies face the same places' answers."""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import select

from makernet.db import Database
from makernet.models import Place, WorkOrder
from makernet.models.plans import PlanRun
from makernet.planner.bound import BoundLane, BoundLine, on_time_bound
from makernet.planner.bound_network import SIMPLEX
from makernet.scenarios.na_visors import generate
from makernet.scenarios.simulator import DECLINE_RATE, UPSETS, Outcome, Simulation, answer

STRATEGIES = ("planner", "baseline")


@pytest.fixture(scope="module")
def plays(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Outcome, Path]]:
    """A small scenario played by each strategy: ten days, three fab-labs and a sewing workshop, breakdowns, demand
    as large as capacity."""
    scenario = generate(seed=1, sites=3, workshops=1, communes=12, load=1.0, days=10)
    folder = tmp_path_factory.mktemp("plays")
    return {strategy: (Simulation(scenario, strategy, folder).play(), folder / f"{strategy}.sqlite3")
            for strategy in STRATEGIES}


def test_a_lane_carries_no_more_than_its_carry_of_unused_capacity_to_the_following_days() -> None:
    lane = BoundLane(1, 1, (10, 0, 10, 10), carry=5)
    assert on_time_bound([BoundLine(11, 1, 40, 1, 1)], [lane]) == 5          # a day without capacity: what was carried
    assert on_time_bound([BoundLine(11, 1, 40, 3, 3)], [lane]) == 15         # never more than the carry at once
    assert on_time_bound([BoundLine(11, 1, 40, 0, 3)], [lane]) == 30         # and never more than the days' total
    assert on_time_bound([BoundLine(11, 1, 40, 3, 3)], [BoundLane(1, 1, (10, 0, 10, 10))]) == 10


def test_whole_units_a_day_never_add_up_to_more_than_the_running_capacity() -> None:
    assert BoundLane.of(1, 1, (0.5, 0.5, 0.5, 0.5, 2.25), 12) == BoundLane(1, 1, (0, 1, 0, 1, 2), 12)


def test_whatever_the_simulator_made_by_any_day_the_bound_s_lanes_could_have_made(
        plays: dict[str, tuple[Outcome, Path]]) -> None:
    over_a_day = 0
    for outcome, _ in plays.values():
        for (place_id, item_id), made in outcome.made.items():
            lane = BoundLane.of(place_id, item_id, outcome.capacity[place_id, item_id],
                                outcome.carry[place_id, item_id])
            # the lane alone, asked for exactly what the place made each day, on that day
            asked = [BoundLine(day, item_id, units, day, day) for day, units in enumerate(made) if units]
            assert on_time_bound(asked, [lane], method=SIMPLEX) == sum(made), (outcome.strategy, place_id, item_id)
            over_a_day += sum(units > whole for units, whole in zip(made, lane.capacity))
    assert over_a_day > 0   # the places did carry capacity over: a bound without it would fail above


def test_the_baseline_re_plans_as_the_baseline_after_declines_breakdowns_and_drop_outs(
        plays: dict[str, tuple[Outcome, Path]]) -> None:
    for strategy in STRATEGIES:
        db = Database(f"sqlite:///{plays[strategy][1]}")
        with db.reading() as s:
            runs = s.exec(select(PlanRun.trigger, PlanRun.strategy)).all()
        db.dispose()
        assert {trigger for trigger, _ in runs} - {"manual"}, "the scenario should set off re-plans"
        assert {made_by for _, made_by in runs} == {strategy}


def test_both_strategies_face_the_same_places_answers(plays: dict[str, tuple[Outcome, Path]]) -> None:
    declined = {strategy: answered(plays[strategy][1]) for strategy in STRATEGIES}
    for strategy, days in declined.items():
        for (place_id, day), answers in days.items():
            assert len(answers) == 1, f"{strategy}: place {place_id} gave different answers on day {day}"
    both = set(declined["planner"]) & set(declined["baseline"])
    assert all(declined["planner"][key] == declined["baseline"][key] for key in both)
    assert any(declined["planner"][key] == {True} for key in both), "the scenario should have a shared decline"


def test_a_calm_scenario_is_played_without_breakdowns_drop_outs_nor_declines(tmp_path: Path) -> None:
    stormy = generate(seed=1, sites=3, workshops=1, communes=12, load=1.0, days=10)
    assert {e.kind for e in stormy.disruptions} & set(UPSETS)   # the same scenario, played as drawn, has some
    outcome = Simulation(replace(stormy, calm=True), "planner", tmp_path).play()
    db = Database(f"sqlite:///{tmp_path / 'planner.sqlite3'}")
    with db.reading() as s:
        triggers = set(s.exec(select(PlanRun.trigger)).all())
        answers = s.exec(select(WorkOrder.status, WorkOrder.quantity, WorkOrder.accepted_quantity)
                         .where(WorkOrder.decided_at != None)).all()  # noqa: E711
    db.dispose()
    assert triggers == {"manual"}   # no re-plan: nothing was declined, broke down or dropped out
    assert answers and all(status != "declined" and accepted == quantity for status, quantity, accepted in answers)
    assert all(min(days) > 0 for days in outcome.capacity.values())   # no place lost its capacity for a day


def answered(path: Path) -> dict[tuple[int, int], set[bool]]:
    """(place, day) -> whether the place declined what it was offered that day (places that auto-accept left out)."""
    db = Database(f"sqlite:///{path}")
    with db.reading() as s:
        runs = sorted((run.created_at, run.plan_day) for run in s.exec(select(PlanRun)).all())
        asked = s.exec(select(WorkOrder.place_id, WorkOrder.status, WorkOrder.decided_at)
                       .join(Place, Place.id == WorkOrder.place_id)
                       .where(Place.auto_accept == False, WorkOrder.decided_at != None,  # noqa: E711, E712
                              WorkOrder.status.in_(("declined", "accepted", "done")))).all()  # type: ignore[attr-defined]
    db.dispose()
    start = runs[0][1]
    days: dict[tuple[int, int], set[bool]] = defaultdict(set)
    for place_id, status, decided_at in asked:   # answered on the day of the last run before
        day = runs[bisect_right([at for at, _ in runs], decided_at) - 1][1]
        days[place_id, (day - start).days].add(status == "declined")
    return days


def test_a_place_s_answer_of_a_day_is_drawn_from_the_seed_the_place_and_the_day_alone() -> None:
    draws = [answer(1, site, day) for site in range(40) for day in range(250)]
    assert draws == [answer(1, site, day) for site in range(40) for day in range(250)]
    assert all(0.0 <= draw < 1.0 for draw in draws)
    assert sum(draw < DECLINE_RATE for draw in draws) / len(draws) == pytest.approx(DECLINE_RATE, abs=0.01)
    assert [answer(2, site, 0) for site in range(40)] != [answer(1, site, 0) for site in range(40)]
