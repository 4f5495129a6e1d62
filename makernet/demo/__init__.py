"""Demo data: a small territory of Charente-Maritime, modelled on spring 2020 (FIELD.md)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session, select

from makernet.db import Database
from makernet.models import BomLine, DesignVersion, Item, Machine, Material, Organisation, Place, PlateLayout, User
from makernet.services.accounts import PUBLISHED_PASSWORD_HASH, hash_password
from makernet.services.stock import record_receipt

DEMO_PASSWORD = "makernet-demo"
PLATE_GCODE = (Path(__file__).parent / "visor_plate.gcode").read_text
ORGANISATIONS = [
    # name, kind, commune, département, latitude, longitude
    ("Mairie de Rochefort", "municipality", "Rochefort", "17", 45.9421, -0.9588),
    ("Mairie de Surgères", "municipality", "Surgères", "17", 46.1083, -0.7514),
    ("EHPAD Les Tilleuls", "care_facility", "Saintes", "17", 45.7464, -0.6333),
    ("FabLab La Rochelle", "fab_lab", "La Rochelle", "17", 46.1591, -1.1520),
    ("Fab-lab de l'Aunis", "fab_lab", "Surgères", "17", 46.1090, -0.7490),
    ("Atelier couture solidaire", "sewing_workshop", "Saintes", "17", 45.7450, -0.6300),
    ("Coordination Nouvelle-Aquitaine", "coordination", "Bordeaux", "33", 44.8378, -0.5792),
]
USERS = [
    # e-mail, name, role, organisation
    ("mairie.rochefort@demo.makernet.fr", "Claire Martin", "requester", "Mairie de Rochefort"),
    ("mairie.surgeres@demo.makernet.fr", "Paul Girard", "requester", "Mairie de Surgères"),
    ("ehpad.tilleuls@demo.makernet.fr", "Sophie Bernard", "requester", "EHPAD Les Tilleuls"),
    ("fablab.larochelle@demo.makernet.fr", "Yann Le Goff", "operator", "FabLab La Rochelle"),
    ("fablab.aunis@demo.makernet.fr", "Inès Moreau", "operator", "Fab-lab de l'Aunis"),
    ("couture.saintes@demo.makernet.fr", "Martine Roux", "operator", "Atelier couture solidaire"),
    ("coordination@demo.makernet.fr", "Julien Faure", "coordinator", "Coordination Nouvelle-Aquitaine"),
    ("admin@demo.makernet.fr", "Admin MakerNet", "admin", "Coordination Nouvelle-Aquitaine"),
]
MATERIALS = [
    ("pla", "Filament PLA", "g", 2000), ("petg", "Filament PETG", "g", 2000),
    ("feuille-a4", "Feuille transparente A4 200 µm", "piece", 100), ("elastique", "Élastique", "piece", 100),
    ("tissu-coton", "Tissu coton (laize 150 cm)", "cm", 1000),
    ("cadre-visiere", "Cadre de visière imprimé", "piece", 50),
]

# the places' volunteer runners (FIELD.md, "Delivery in 2020"): two cargo bikes in the city, one volunteer driving
# around Surgères (a mayor's travel permit), none at the workshop, whose masks are collected or go by shuttle
RUNNERS = {
    "FabLab La Rochelle": {"runners": 2, "runs_per_day": 2, "run_hours": 3.0, "vehicle": "bike"},
    "Fab-lab de l'Aunis": {"runners": 1, "runs_per_day": 1, "run_hours": 3.0, "vehicle": "car"},
    "Atelier couture solidaire": {"runners": 0},
}


def load(db: Database, octoprint_url: str | None = None, api_key: str | None = None,
         seal: Callable[[str], str] | None = None) -> str:
    """Load the demo territory once; attach a real printer when an OctoPrint URL is given.

    `seal` turns the printer's key into what is stored (see services.secrets).
    """
    with db.transaction() as tx:
        s = tx.session
        loaded = s.exec(select(Organisation).where(Organisation.name == ORGANISATIONS[0][0])).first() is not None
        if not loaded:
            _load_territory(s)
        lines = ["demo data already loaded" if loaded else
                 f"demo territory loaded: {len(ORGANISATIONS)} organisations, {len(USERS)} users "
                 f"(password {DEMO_PASSWORD!r})"]
        if octoprint_url:
            if seal is None:
                raise ValueError("a printer key is only stored sealed")
            machine = _attach_printer(s, octoprint_url, seal(api_key or ""))
            lines.append(f"printer {machine.name!r} (machine {machine.id}) attached to FabLab La Rochelle at {octoprint_url}")
    return "\n".join(lines)


def _load_territory(s: Session) -> None:
    """Organisations, users, catalogue, places, machines and opening stock."""
    orgs = {}
    for name, kind, commune, dep, lat, lon in ORGANISATIONS:
        territory = ["16", "17", "79", "86"] if kind == "coordination" else []
        orgs[name] = Organisation(name=name, kind=kind, commune=commune, departement=dep, latitude=lat,
                                  longitude=lon, territory=territory)
        s.add(orgs[name])
    s.flush()
    published = hash_password(DEMO_PASSWORD, PUBLISHED_PASSWORD_HASH)   # one salt for all: the password is public
    for email, name, role, org in USERS:
        s.add(User(email=email, name=name, role=role, organisation_id=orgs[org].id, password_hash=published))
    materials = {code: Material(code=code, name=name, unit=unit, low_stock_threshold=low)
                 for code, name, unit, low in MATERIALS}
    s.add_all(materials.values())
    visor = Item(code="visiere", name="Visière de protection", kind="printed")
    mask = Item(code="masque-tissu", name="Masque tissu AFNOR S76-001", kind="sewn")
    kit = Item(code="visiere-assemblee", name="Visière assemblée (cadre, feuille, élastique)", kind="assembled")
    s.add_all([visor, mask, kit])
    s.flush()
    visor_v3 = DesignVersion(item_id=visor.id, label="v3", validated=True, notes="Validée par le CHU de La Rochelle")
    mask_v1 = DesignVersion(item_id=mask.id, label="S76-001", validated=True, notes="Patron AFNOR")
    kit_v3 = DesignVersion(item_id=kit.id, label="v3", validated=True, notes="Cadre v3 imprimé, feuille A4, élastique")
    s.add_all([visor_v3, mask_v1, kit_v3])
    s.flush()
    s.add_all([
        BomLine(design_version_id=visor_v3.id, material_id=materials["pla"].id, quantity=25),
        # fitted to frames that came out of the printer good: a reject uses only its filament
        BomLine(design_version_id=visor_v3.id, material_id=materials["feuille-a4"].id, quantity=1, good_units_only=True),
        BomLine(design_version_id=visor_v3.id, material_id=materials["elastique"].id, quantity=1, good_units_only=True),
        BomLine(design_version_id=mask_v1.id, material_id=materials["tissu-coton"].id, quantity=20),
        BomLine(design_version_id=mask_v1.id, material_id=materials["elastique"].id, quantity=2),
        # assembly consumes its components: a printed frame, a sheet and an elastic
        BomLine(design_version_id=kit_v3.id, material_id=materials["cadre-visiere"].id, quantity=1),
        BomLine(design_version_id=kit_v3.id, material_id=materials["feuille-a4"].id, quantity=1),
        BomLine(design_version_id=kit_v3.id, material_id=materials["elastique"].id, quantity=1),
        PlateLayout(design_version_id=visor_v3.id, printer_profile="prusa-mk3", units_per_plate=10,
                    print_minutes=360, gcode=PLATE_GCODE()),
    ])
    _load_places(s, orgs, visor, [mask.id, kit.id], materials)


def _load_places(s: Session, orgs: dict, visor: Item, workshop_items: list[int], materials: dict) -> None:
    """The three places, their machines and opening stock."""
    week = {day: [["09:00", "19:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}
    specs = [
        ("FabLab La Rochelle", 12, 500, [visor.id], 4, "fdm_printer"),
        ("Fab-lab de l'Aunis", 3, 100, [visor.id], 2, "fdm_printer"),
        ("Atelier couture solidaire", 8, 300, workshop_items, 3, "sewing_station"),
    ]
    for org_name, staff, batch, items, machine_count, kind in specs:
        org = orgs[org_name]
        place = Place(organisation_id=org.id, name=org_name, commune=org.commune, departement=org.departement,
                      latitude=org.latitude, longitude=org.longitude, staff_available=staff, opening_hours=week,
                      batch_limit=batch, hourly_value_cents=1500, accepted_item_ids=items, **RUNNERS[org_name])
        s.add(place)
        s.flush()
        for number in range(1, machine_count + 1):
            label = "Prusa" if kind == "fdm_printer" else "Poste couture"
            s.add(Machine(place_id=place.id, name=f"{label} {number}", kind=kind, driver="manual",
                          printer_profile="prusa-mk3" if kind == "fdm_printer" else None))
        if kind == "sewing_station":  # the workshop also assembles visors from frames printed elsewhere
            s.add(Machine(place_id=place.id, name="Établi d'assemblage", kind="assembly_bench", driver="manual"))
        stock = {"pla": 10_000, "feuille-a4": 500, "elastique": 600} if kind == "fdm_printer" \
            else {"tissu-coton": 20_000, "elastique": 1_000, "cadre-visiere": 200, "feuille-a4": 300}
        for code, quantity in stock.items():
            record_receipt(s, place.id, materials[code].id, quantity, "stock d'ouverture")


def _attach_printer(s: Session, url: str, api_key: str) -> Machine:
    """Register a real OctoPrint printer at the demo fab-lab.

    The demo's printers without a host are set aside, so the fab-lab's plates go to
    the real printer.
    """
    place = s.exec(select(Place).where(Place.name == "FabLab La Rochelle")).one()
    for stand_in in s.exec(select(Machine).where(Machine.place_id == place.id, Machine.driver == "manual")).all():
        stand_in.active = False
    count = len(s.exec(select(Machine).where(Machine.place_id == place.id, Machine.driver == "octoprint")).all())
    machine = Machine(place_id=place.id, name=f"OctoPrint {count + 1}", kind="fdm_printer", driver="octoprint",
                      host=url.rstrip("/"), driver_settings={"api_key": api_key}, printer_profile="prusa-mk3")
    s.add(machine)
    s.flush()
    return machine

