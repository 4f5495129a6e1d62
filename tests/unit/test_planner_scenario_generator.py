"""The NA-visors-2020 generator: requests from where people live, fab-labs where 2020 put them."""
from __future__ import annotations

from collections import Counter

from makernet.scenarios.geography import DEPARTEMENTS, prefecture, towns
from makernet.scenarios.na_visors import PRINTER_COUNTS, generate
from makernet.scenarios.simulator import allocatable_from


def test_the_commune_table_covers_the_twelve_departements_with_real_places() -> None:
    table = towns()
    assert {t.departement for t in table} == set(DEPARTEMENTS)
    bordeaux = prefecture("33")
    assert (bordeaux.name, round(bordeaux.latitude, 1), round(bordeaux.longitude, 1)) == ("Bordeaux", 44.8, -0.6)
    assert all(42.9 < t.latitude < 47.2 and -1.9 < t.longitude < 2.7 for t in table)
    # villages below 1,000 inhabitants are counted with the small towns of their département
    for code, (_, thousands, _) in DEPARTEMENTS.items():
        assert abs(sum(t.catchment for t in table if t.departement == code) - thousands * 1000) < 1000


def test_requests_come_from_about_200_real_communes_in_proportion_to_their_people() -> None:
    scenario = generate(seed=4)
    assert len(scenario.communes) == 200 == len({(c.name, c.departement) for c in scenario.communes})
    names = {(t.name, t.departement) for t in towns()}
    assert all((c.name, c.departement) in names for c in scenario.communes)
    assert ("Bordeaux", "33") in {(c.name, c.departement) for c in scenario.communes}
    units = Counter()
    for request in scenario.requests:
        units[scenario.communes[request.commune].population >= 20_000] += request.quantity
    # towns of 20,000+ hold 28 % of the region's people, but every one of them asks while only one small
    # town in five does, and they place the institutional orders: about 60 % of the units, not all
    assert 0.45 < units[True] / sum(units.values()) < 0.75


def test_institutional_orders_come_from_large_towns() -> None:
    scenario = generate(seed=2)
    large = [r for r in scenario.requests if r.quantity >= 2000 and r.item == "visor"]
    assert large and all(scenario.communes[r.commune].population >= 20_000 for r in large)


def test_fab_labs_sit_in_every_prefecture_and_the_fleet_stays_within_field_figures() -> None:
    for seed in (1, 2, 3):
        scenario = generate(seed=seed)
        fab_labs = [s for s in scenario.sites if s.printers]
        assert len(fab_labs) == 20 and len(scenario.sites) == 24
        assert {DEPARTEMENTS[d][2] for d in DEPARTEMENTS} <= {s.town for s in fab_labs}
        assert (fab_labs[0].town, fab_labs[0].line_site, fab_labs[1].town, fab_labs[1].printers) == \
            ("Bordeaux", True, "La Rochelle", 60)
        assert 250 <= sum(s.printers for s in fab_labs) <= 400
        assert all(s.printers in PRINTER_COUNTS for s in fab_labs)
        assert all(next(t for t in towns() if t.name == s.town).population >= 10_000 for s in fab_labs)


def test_health_requesters_cannot_be_served_visors_between_the_freeze_and_the_thaw() -> None:
    scenario = generate(seed=1, days=56)
    assert allocatable_from(scenario, "visor", "care_facility", 38) == 42
    assert allocatable_from(scenario, "visor", "municipality", 38) == 38
    assert allocatable_from(scenario, "mask", "hospital", 38) == 38
    assert allocatable_from(scenario, "visor", "hospital", 20) == 20
