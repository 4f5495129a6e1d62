"""Put a generated scenario into a MakerNet database: organisations, places, machines, catalogue."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from makernet.models import BomLine, DesignVersion, Item, Machine, Material, Organisation, Place, PlateLayout, User
from makernet.scenarios.geography import DEPARTEMENTS
from makernet.scenarios.na_visors import Scenario
from makernet.services.access import Actor

EVERY_DAY = {day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
MATERIALS = [("pla", "Filament PLA", "g"), ("feuille-a4", "Feuille transparente A4", "piece"),
             ("elastique", "Élastique", "piece"), ("tissu-coton", "Tissu coton", "cm")]
VISOR_BILL = {"pla": 25, "feuille-a4": 1, "elastique": 1}
MASK_BILL = {"tissu-coton": 20, "elastique": 2}
FITTED_TO_GOOD_FRAMES = {"feuille-a4", "elastique"}   # a visor's: a reject uses only its filament
PLATE = ("prusa-mk3", 12, 1080)   # two stacks of 6 at about 9 h each (FIELD.md): a plate a printer-day and a half


@dataclass
class Loaded:
    """Ids of what the scenario put in the database, for the simulator."""

    coordinator: Actor
    operators: dict[int, Actor] = field(default_factory=dict)       # site index -> operator
    places: dict[int, int] = field(default_factory=dict)            # site index -> place id
    printers: dict[int, list[int]] = field(default_factory=dict)    # site index -> printer machine ids
    items: dict[str, int] = field(default_factory=dict)             # "visor", "mask" -> item id
    materials: dict[str, int] = field(default_factory=dict)
    requesters: dict[tuple[int, str], Actor] = field(default_factory=dict)


def load(s: Session, scenario: Scenario) -> Loaded:
    """Write the region, its places and the catalogue; requesters are added as they first ask."""
    coordination = Organisation(name="Coordination Nouvelle-Aquitaine", kind="coordination", commune="Bordeaux",
                                departement="33", territory=sorted(DEPARTEMENTS))
    s.add(coordination)
    s.flush()
    user = User(email="coordination@scenario.makernet.fr", name="Coordination", role="coordinator",
                organisation_id=coordination.id)
    s.add(user)
    s.flush()
    loaded = Loaded(coordinator=Actor(user.id, "coordinator", coordination.id, tuple(coordination.territory)))
    for code, name, unit in MATERIALS:
        material = Material(code=code, name=name, unit=unit)
        s.add(material)
        s.flush()
        loaded.materials[code] = material.id
    _catalogue(s, loaded)
    for index, site in enumerate(scenario.sites):
        _site(s, loaded, index, site)
    return loaded


def _catalogue(s: Session, loaded: Loaded) -> None:
    """A printed visor (design v3, more to come) and a sewn mask."""
    visor = Item(code="visiere", name="Visière de protection", kind="printed")
    mask = Item(code="masque-tissu", name="Masque tissu AFNOR S76-001", kind="sewn")
    s.add_all([visor, mask])
    s.flush()
    loaded.items = {"visor": visor.id, "mask": mask.id}
    add_design(s, loaded, "visor", "v3", [])
    add_design(s, loaded, "mask", "S76-001", [])


def add_design(s: Session, loaded: Loaded, item: str, label: str, validated_for: list[str]) -> int:
    """A validated design version with its bill of materials and plate layout."""
    design = DesignVersion(item_id=loaded.items[item], label=label, validated=True, validated_for=validated_for)
    s.add(design)
    s.flush()
    bill = VISOR_BILL if item == "visor" else MASK_BILL
    s.add_all([BomLine(design_version_id=design.id, material_id=loaded.materials[c], quantity=q,
                       good_units_only=item == "visor" and c in FITTED_TO_GOOD_FRAMES) for c, q in bill.items()])
    if item == "visor":
        s.add(PlateLayout(design_version_id=design.id, printer_profile=PLATE[0], units_per_plate=PLATE[1],
                          print_minutes=PLATE[2], gcode="; simulated plate\n"))
    s.flush()
    return design.id


def _site(s: Session, loaded: Loaded, index: int, site) -> None:  # noqa: ANN001 - a scenario Site
    """A place, its operator and machines."""
    kind = "fab_lab" if site.printers or site.lasers else "sewing_workshop"
    org = Organisation(name=site.name, kind=kind, commune=site.town, departement=site.departement,
                       latitude=site.latitude, longitude=site.longitude)
    s.add(org)
    s.flush()
    user = User(email=f"site{index}@scenario.makernet.fr", name=site.name, role="operator", organisation_id=org.id)
    item = loaded.items["visor" if kind == "fab_lab" else "mask"]
    place = Place(organisation_id=org.id, name=site.name, commune=site.town, departement=site.departement,
                  latitude=site.latitude, longitude=site.longitude, staff_available=site.staff,
                  opening_hours=EVERY_DAY, batch_limit=site.batch_limit, accepted_item_ids=[item],
                  auto_accept=site.auto_accept, runners=site.runners, runs_per_day=site.runs_per_day,
                  run_hours=site.run_hours, vehicle=site.vehicle)
    s.add_all([user, place])
    s.flush()
    loaded.operators[index] = Actor(user.id, "operator", org.id)
    loaded.places[index] = place.id
    machines = [Machine(place_id=place.id, name=f"Imprimante {n + 1}", kind="fdm_printer", driver="manual",
                        printer_profile=PLATE[0], state="ready", clears_itself=True) for n in range(site.printers)]
    machines += [Machine(place_id=place.id, name=f"Découpe laser {n + 1}", kind="laser_cutter") for n in range(site.lasers)]
    machines += [Machine(place_id=place.id, name=f"Poste couture {n + 1}", kind="sewing_station")
                 for n in range(site.stations)]
    s.add_all(machines)
    s.flush()
    loaded.printers[index] = [m.id for m in machines if m.kind == "fdm_printer"]


def requester(s: Session, loaded: Loaded, scenario: Scenario, commune: int, kind: str) -> Actor:
    """The organisation of this kind in this commune (created when it first asks) and its user."""
    key = (commune, kind)
    if key not in loaded.requesters:
        place = scenario.communes[commune]
        org = Organisation(name=f"{kind} {place.name}", kind=kind, commune=place.name, departement=place.departement,
                           latitude=place.latitude, longitude=place.longitude)
        s.add(org)
        s.flush()
        user = User(email=f"{kind}.{commune}@scenario.makernet.fr", name=org.name, role="requester",
                    organisation_id=org.id)
        s.add(user)
        s.flush()
        loaded.requesters[key] = Actor(user.id, "requester", org.id)
    return loaded.requesters[key]
