"""What the territory's figures are fed: the région's communes as the map's build wrote them (deploy/build_map.py:
INSEE code, name, département, population, a point inside; found by code, or by the name and département an
organisation or a place gives), and the history summed in the database per organisation, place and day."""
from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from makernet.config import Settings
from makernet.models import Delivery, DeliveryLine, Item, Organisation, OutputDay, Place, Request, RequestLine
from makernet.services.demand.operations import NOT_DEMAND
from makernet.services.places.operations import place_capacity
from makernet.services.tallies import as_day, day_of

SHIPPED = Path(__file__).resolve().parents[2] / "static" / "geo" / "75"
URBAN_POPULATION = 2_000   # INSEE's threshold of an urban commune (its density grid is not shipped: see the README)
MAP_FILES = ("communes.geojson", "departements.geojson", "region.geojson")


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    departement: str
    population: int | None
    latitude: float
    longitude: float

    @property
    def urban(self) -> bool:
        return (self.population or 0) >= URBAN_POPULATION


def name_key(name: str) -> str:
    """A commune's name as people write it: no accents, case, hyphens or apostrophes; "St" for "Saint"."""
    bare = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    bare = re.sub(r"[-'’]", " ", bare)
    return re.sub(r"\bsainte?\b", lambda m: "ste" if m.group().endswith("e") else "st", " ".join(bare.split()))


class Communes:
    """Every commune of the région, by code and by (département, name), and its départements' names."""

    def __init__(self, communes: list[Commune], departements: dict[str, str]) -> None:
        self.by_code = {c.code: c for c in communes}
        self.departement_names = departements
        self._by_name = {(c.departement, name_key(c.name)): c for c in communes}
        self.departements = sorted({c.departement for c in communes})

    def find(self, departement: str, name: str) -> Commune | None:
        """The commune of that name in that département, if the région has it."""
        return self._by_name.get((departement.strip().upper(), name_key(name))) if name else None


def map_dir(settings: Settings) -> Path:
    """Where the map's files are: the installation's own région, else the Nouvelle-Aquitaine shipped."""
    return Path(settings.map_dir) if settings.map_dir else SHIPPED


@lru_cache(maxsize=4)
def communes_in(folder: Path) -> Communes:
    """The commune index of a map folder, read once per process."""
    outlines = json.loads((folder / "departements.geojson").read_text(encoding="utf-8"))
    with (folder / "communes.csv").open(encoding="utf-8") as rows:
        return Communes([Commune(r["code"], r["nom"], r["dep"], int(r["population"]) if r["population"] else None,
                                 float(r["latitude"]), float(r["longitude"])) for r in csv.DictReader(rows)],
                        {f["properties"]["code"]: f["properties"]["nom"] for f in outlines["features"]})


@dataclass
class History:
    """What the territory's figures are worked out from, read in one go and grouped in the database: units asked
    and received per organisation and day, made per place, item and day, the days from request to receipt, what
    each place shipped to each organisation, and who everyone is."""

    organisations: dict[int, dict]
    places: dict[int, dict]
    asked: list[tuple[int, date, int]]            # (organisation, day, units)
    received: list[tuple[int, date, int]]         # (organisation, day, units)
    made: list[tuple[int, int, date, int]]        # (place, item, day, units)
    waits: list[tuple[int, int, int]]             # (organisation, whole days from request to receipt, units)
    shipped: list[tuple[int, int, int]]           # (place, organisation, units)
    items: dict[int, str]


def read_history(s: Session) -> History:
    day_of_request, day_of_receipt = day_of(s, Request.created_at), day_of(s, Delivery.received_at)
    waited = (func.floor(func.extract("epoch", Delivery.received_at - Request.created_at) / 86400)
              if s.get_bind().dialect.name == "postgresql" else
              func.floor(func.julianday(Delivery.received_at) - func.julianday(Request.created_at)))
    received = (select(Request.organisation_id, day_of_receipt, waited, Delivery.place_id, func.sum(DeliveryLine.quantity))
                .join(Delivery, Delivery.request_id == Request.id).join(DeliveryLine, DeliveryLine.delivery_id == Delivery.id)
                .where(Delivery.status == "received")
                .group_by(Request.organisation_id, day_of_receipt, waited, Delivery.place_id))
    rows = s.exec(received).all()
    by_day, waits, shipped = defaultdict(int), defaultdict(int), defaultdict(int)
    for organisation, day, days, place, units in rows:
        by_day[(organisation, as_day(day))] += int(units)
        waits[(organisation, max(0, int(days)))] += int(units)
        shipped[(place, organisation)] += int(units)
    asked = s.exec(select(Request.organisation_id, day_of_request, func.sum(RequestLine.quantity))
                   .join(RequestLine, RequestLine.request_id == Request.id)
                   .where(Request.status.not_in(NOT_DEMAND))  # type: ignore[attr-defined]
                   .group_by(Request.organisation_id, day_of_request)).all()
    made = s.exec(select(OutputDay.place_id, OutputDay.item_id, OutputDay.day, OutputDay.units_made)).all()
    organisations = {o.id: {"kind": o.kind, "open_data": o.open_data, "commune": o.commune,
                            "departement": o.departement, "latitude": o.latitude, "longitude": o.longitude}
                     for o in s.exec(select(Organisation)).all()}
    places = {p.id: {"name": p.name, "commune": p.commune, "departement": p.departement, "latitude": p.latitude,
                     "longitude": p.longitude, "active": p.active, "accepted_item_ids": p.accepted_item_ids,
                     "batch_limit": p.batch_limit, "capacity": _capacity(s, p)}
              for p in s.exec(select(Place)).all()}
    return History(organisations, places, [(o, as_day(d), int(q)) for o, d, q in asked],
                   [(o, d, q) for (o, d), q in by_day.items()],
                   [(p, i, as_day(d), int(q)) for p, i, d, q in made], [(o, d, q) for (o, d), q in waits.items()],
                   [(p, o, q) for (p, o), q in shipped.items()], dict(s.exec(select(Item.id, Item.name)).all()))


def _capacity(s: Session, place: Place) -> float:
    """Units a day the place can make of the item it makes fastest, as the planner counts it (0 when paused)."""
    if not place.active:
        return 0.0
    week = place_capacity(s, place, None, date.today(), 7)
    return max((sum(c.days) / len(c.days) for c in week.values() if c.days), default=0.0)
