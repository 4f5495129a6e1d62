"""Material promised to a place counts for the work due a few days after it comes, never before."""
from __future__ import annotations

from datetime import date

from makernet.planner import DemandLine, PlaceSupply, PlanInput, plan, plan_baseline
from makernet.planner.programme import MATERIAL_LEAD

TUESDAY = date(2020, 3, 17)
VISOR, PLA = 1, 10


def place(place_id: int, lat: float, on_hand: int, promised: tuple[tuple[int, int], ...] = ()) -> PlaceSupply:
    return PlaceSupply(place_id, f"Lieu {place_id}", lat, 0.0, {VISOR: (40.0,) * 12}, {}, {PLA: on_hand},
                       departement="17", material_expected={PLA: promised} if promised else {})


def line(quantity: int, needed_by: int) -> DemandLine:
    return DemandLine(11, 11, VISOR, quantity, needed_by, "normal", 46.0, 0.0, 5, {PLA: 25}, departement="17")


def test_a_place_with_material_on_its_way_takes_the_work_due_after_it_comes() -> None:
    places = (place(1, 46.0, 0, ((1, 10_000),)), place(2, 46.9, 10_000))      # 0 km, 100 km
    result = plan(PlanInput(TUESDAY, places, (line(200, 9),)))
    # counted from day 1 + MATERIAL_LEAD: Lieu 1 makes 40 a day from then to day 8, Lieu 2 the rest
    made = 40 * (9 - 1 - MATERIAL_LEAD)
    assert sorted((p.place_id, p.quantity, p.on_time) for p in result.proposals) == [(1, made, True),
                                                                                     (2, 200 - made, True)]
    assert "Compte sur la matière promise à Lieu 1 (livraisons attendues le 18/03)." in result.proposals[0].explanation
    # the 2020 way knew what was on the shelf
    assert [(p.place_id, p.quantity) for p in plan_baseline(PlanInput(TUESDAY, places, (line(200, 9),))).proposals] \
        == [(2, 200)]


def test_material_that_comes_too_late_for_the_work_is_not_counted_for_it() -> None:
    # needed on day 12, collected: ready by day 11; material counts for the work due MATERIAL_LEAD days after it comes
    last = 11
    places = (place(1, 46.0, 0, ((last - MATERIAL_LEAD + 1, 10_000),)), place(2, 46.9, 10_000))
    result = plan(PlanInput(TUESDAY, places, (line(300, last + 1),)))
    assert [(p.place_id, p.quantity, p.on_time) for p in result.proposals] == [(2, 300, True)]
    # coming just in time: counted, but Lieu 1 is idle until then (40 a day, from day 11), the rest goes to Lieu 2
    in_time = (place(1, 46.0, 0, ((last - MATERIAL_LEAD, 10_000),)), place(2, 46.9, 10_000))
    result = plan(PlanInput(TUESDAY, in_time, (line(300, last + 1),)))
    made = 40
    assert sorted((p.place_id, p.quantity, p.on_time) for p in result.proposals) == [(1, made, True),
                                                                                     (2, 300 - made, True)]


def test_what_is_on_the_shelf_and_what_comes_add_up_day_by_day() -> None:
    # 2,500 g on hand (100 visors), 2,500 g more on day 2: 100 visors due early, 200 due by day 9
    near = place(1, 46.0, 2_500, ((2, 2_500),))
    early = DemandLine(11, 11, VISOR, 150, 3, "normal", 46.0, 0.0, 5, {PLA: 25}, departement="17")
    later = DemandLine(12, 12, VISOR, 100, 9, "normal", 46.0, 0.0, 5, {PLA: 25}, departement="17")
    result = plan(PlanInput(TUESDAY, (near, place(2, 46.9, 10_000)), (early, later)))
    given = sorted((p.line_id, p.place_id, p.quantity) for p in result.proposals)
    assert given == [(11, 1, 100), (11, 2, 50), (12, 1, 100)]
