"""The simulated places carry their units by the rules the planner counts on."""
from __future__ import annotations

from datetime import date

from makernet.domain.transport import COLLECTED, RUNNER, SHUTTLE, Runners
from makernet.scenarios.carriage import Base, Finished, send

TUESDAY = date(2020, 3, 17)
BASE = {1: Base(46.0, 0.0, "17", Runners(count=1, runs_per_day=1, vehicle="bike", load=100))}


def parcel(line_id: int, units: int, lat: float, departement: str = "17", weight: float = 1.0) -> Finished:
    return Finished(1, line_id, line_id, units, lat, 0.0, departement, weight)


def test_each_parcel_leaves_by_its_means_and_arrives_when_the_rules_say() -> None:
    sent = send(0, TUESDAY, [parcel(1, 40, 46.05), parcel(2, 30, 46.6), parcel(3, 20, 46.6, "33")], BASE, (1, 4))
    arrivals = {p.line_id: (arrival, means, p.units) for p, arrival, _, means in sent.parcels}
    assert arrivals == {1: (0, RUNNER, 40), 2: (1, COLLECTED, 30), 3: (3, SHUTTLE, 20)}   # Friday's shuttle
    assert sent.runs == 1 and 2 * 5.5 < sent.runner_km < 2 * 5.6 * 1.3 + 0.1


def test_what_the_runs_cannot_carry_is_collected_the_next_day_or_takes_the_shuttle() -> None:
    sent = send(2, TUESDAY, [parcel(1, 140, 46.05), parcel(2, 10, 46.06, "33")], BASE, (1, 4))
    assert sorted((p.line_id, p.units, arrival, means) for p, arrival, _, means in sent.parcels) == [
        (1, 40, 3, COLLECTED), (1, 100, 2, RUNNER), (2, 10, 3, SHUTTLE)]   # Thursday: Friday's shuttle
    assert sent.runs == 1
    assert [(p.line_id, p.units, arrival) for p, arrival in sent.left_over] == [(1, 40, 3), (2, 10, 3)]   # both in reach


def test_without_a_shuttle_units_for_another_departement_never_arrive() -> None:
    sent = send(0, TUESDAY, [parcel(3, 20, 46.6, "33")], BASE, ())
    assert [arrival for _, arrival, _, _ in sent.parcels] == [None]


def test_when_the_runs_are_full_what_is_due_today_goes_and_what_can_wait_is_collected() -> None:
    # two parcels the same distance away, one run of 100: the one due today (weighed as the run sheet weighs it)
    # takes the run, the one due in three days is collected tomorrow, still on time
    for due_today in (1, 2):
        weights = {1: 1.0 + 6.0 / 4, 2: 1.0 + 6.0 / 4}
        weights[due_today] = 1.0 + 6.0
        sent = send(0, TUESDAY, [parcel(k, 80, 46.05, weight=weights[k]) for k in (1, 2)], BASE, (1, 4))
        by_runner = {p.line_id: p.units for p, _, _, means in sent.parcels if means == RUNNER}
        assert by_runner == {due_today: 80}
