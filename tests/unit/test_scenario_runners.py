"""The NA-visors-2020 generator's delivery means: each place's runners drawn from FIELD.md's defaults, from a
stream of their own, so that a seed's places, requests and disruptions are the ones it drew before runners."""
from __future__ import annotations

import argparse
import dataclasses

from sqlmodel import Session, SQLModel, create_engine, select

from makernet.models import Place
from makernet.scenarios.geography import towns
from makernet.scenarios.loading import load
from makernet.scenarios.na_visors import Scenario, add_arguments, from_arguments, generate, main

DELIVERY = ("runners", "runs_per_day", "run_hours", "vehicle")


def without_runners(scenario: Scenario) -> tuple:
    """Everything a scenario holds but its places' delivery means and the shuttle."""
    sites = [{k: v for k, v in dataclasses.asdict(s).items() if k not in DELIVERY} for s in scenario.sites]
    return sites, scenario.communes, scenario.requests, scenario.disruptions, scenario.receipts, scenario.days


def test_each_place_has_up_to_three_runners_on_a_cargo_bike_in_large_towns_and_a_car_elsewhere() -> None:
    population = {(t.name, t.departement): t.population for t in towns()}
    for seed in (1, 2, 3):
        sites = generate(seed=seed).sites
        assert all(0 <= s.runners <= 3 and s.runs_per_day in (1, 2) and s.run_hours == 3.0 for s in sites)
        assert all(s.vehicle == ("bike" if population[(s.town, s.departement)] >= 40_000 else "car") for s in sites)
        assert {s.vehicle for s in sites} == {"bike", "car"} and {s.runs_per_day for s in sites} == {1, 2}
        assert 0 < sum(s.runners == 0 for s in sites) < len(sites) // 2 and any(s.runners == 3 for s in sites)


def test_the_draw_is_the_same_for_a_seed_and_differs_between_seeds() -> None:
    assert generate(seed=5).sites == generate(seed=5).sites
    assert [s.runners for s in generate(seed=5).sites] != [s.runners for s in generate(seed=6).sites]


def test_runners_leave_the_rest_of_the_seeds_scenario_as_it_was_drawn() -> None:
    scenario, none = generate(seed=1), generate(seed=1, runners=0)
    assert without_runners(scenario) == without_runners(none)
    assert all(s.runners == 0 for s in none.sites) and sum(s.runners for s in scenario.sites) > 0
    # seed 1 as it was drawn before places had runners (the README's figures)
    assert (len(scenario.sites), sum(s.printers for s in scenario.sites), len(scenario.requests)) == (24, 362, 1042)
    assert sum(r.quantity for r in scenario.requests if r.item == "visor") == 119684
    assert sum(r.quantity for r in scenario.requests if r.item == "mask") == 47042
    assert len(scenario.disruptions) == 80


def test_the_command_line_sets_the_runners_and_the_shuttle(capsys) -> None:  # noqa: ANN001
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    fewer = from_arguments(parser.parse_args(["--runners", "1", "--run-hours", "2", "--shuttle-days", "mon,thu"]))
    assert {s.runners for s in fewer.sites} == {0, 1} and {s.run_hours for s in fewer.sites} == {2.0}
    assert fewer.shuttle_days == (0, 3) and generate(seed=1).shuttle_days == (1, 4)
    assert [s.vehicle for s in fewer.sites] == [s.vehicle for s in generate(seed=1).sites]
    nobody = from_arguments(parser.parse_args(["--no-runners", "--shuttle-days", "off"]))
    assert all(s.runners == 0 for s in nobody.sites) and nobody.shuttle_days == ()
    main(["--seed", "1"])
    first, runners = capsys.readouterr().out.splitlines()
    assert first == ("NA-visors-2020, seed 1: 24 places (362 printers), 200 communes, 1042 requests (119684 visors, "
                     "47042 masks), 80 disruptions")
    scenario = generate(seed=1)
    assert runners.startswith(f"Runners: {sum(s.runners for s in scenario.sites)} at ")
    assert runners.endswith("runs a day of up to 3 h; regional shuttle on tue, fri")


def test_the_places_loaded_from_a_scenario_keep_their_runners() -> None:
    scenario = generate(seed=2, sites=6, workshops=1, communes=20, days=14)
    engine = create_engine("sqlite://")
    SQLModel.metadata.create_all(engine)
    with Session(engine) as s:
        loaded = load(s, scenario)
        for index, site in enumerate(scenario.sites):
            place = s.exec(select(Place).where(Place.id == loaded.places[index])).one()
            assert (place.runners, place.runs_per_day, place.run_hours, place.vehicle) == \
                (site.runners, site.runs_per_day, site.run_hours, site.vehicle)
        assert {p.runners for p in s.exec(select(Place)).all()} != {0}
