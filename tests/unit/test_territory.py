"""The territory's figures per commune and week, published: open data files that validate against their Table
Schema and as GeoJSON, with nothing personal in any public page or file, requesters who asked not to be shown
(and private persons) counted in a commune only among enough others; coordinators see every requester, in their
territory only."""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import geojson
from flask import Flask
from frictionless import Resource, Schema
from sqlmodel import select

from makernet.errors import NotFound
from makernet.models import Item, Organisation, Request, RequestLine, User
from makernet.services import territory
from makernet.services.access import Actor
from tests.support.api import ADMIN, COORDINATOR, OPERATOR, REQUESTER, ApiClient
from tests.support.pages import Pages
from tests.support.recount import some_history

SECRET = "Zorglub"          # in every name, address and free text a requester writes: never public


def _private_requests(app: Flask, commune: str, how_many: int, units: int, kind: str = "individual",
                      open_data: bool = True, departement: str = "17") -> None:
    """Requesters of a commune of Charente-Maritime each asking for `units` visors today, with personal words."""
    with app.extensions["makernet"].db.transaction() as tx:
        s = tx.session
        visor = s.exec(select(Item).where(Item.code == "visiere")).one()
        for n in range(how_many):
            org = Organisation(name=f"{SECRET} {kind} {commune} {n}", kind=kind, commune=commune,
                               departement=departement, open_data=open_data)
            s.add(org)
            s.flush()
            user = User(email=f"{SECRET.lower()}.{commune.lower()}.{kind}{n}@example.org", name=f"Jeanne {SECRET}",
                        role="requester", organisation_id=org.id)
            s.add(user)
            s.flush()
            request = Request(organisation_id=org.id, created_by=user.id, needed_by=date.today() + timedelta(days=9),
                              delivery_point=f"12 rue {SECRET}, {commune}", beneficiary=f"M. {SECRET}",
                              urgency_reason=f"{SECRET} à la maison", status="approved")
            s.add(request)
            s.flush()
            s.add(RequestLine(request_id=request.id, item_id=visor.id, quantity=units))


def _public_bodies(app: Flask) -> dict[str, str]:
    """Every public page and file, reached by following the public pages' own links."""
    client, seen, todo = app.test_client(), {}, ["/", "/territoire", "/donnees"]
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        answer = client.get(url)
        assert answer.status_code == 200, url
        seen[url] = answer.get_data(as_text=True)
        if answer.mimetype == "text/html":
            todo += [u for u in re.findall(r'href="(/(?:territoire|donnees)[^"#?]*)"', seen[url]) if u not in seen]
    return seen


def test_the_open_data_validates_and_holds_nothing_personal(app: Flask, api: ApiClient, tmp_path: Path) -> None:
    some_history(api)
    _private_requests(app, "Rochefort", 2, 7)                       # two private persons: too few to be shown
    _private_requests(app, "Saintes", 3, 5, kind="municipality", open_data=False)   # three who asked: enough
    _private_requests(app, "Nulle part", 1, 4, kind="municipality", departement="")   # placed nowhere: in no row
    territory.publish(app.extensions["makernet"])
    bodies = _public_bodies(app)
    assert {"/donnees/communes-semaines.csv", "/donnees/lieux.csv", "/donnees/communes.geojson",
            "/territoire/17", "/territoire/17/17415"} <= set(bodies)
    for url, body in bodies.items():
        assert SECRET.lower() not in body.lower(), url
        assert not re.search(r"[\w.-]+@[\w-]+\.[\w.]+", body), url        # no e-mail address
        for requester in ("Mairie de Rochefort", "EHPAD Les Tilleuls", "Claire", "C. Martin", "Julien Faure"):
            assert requester not in body, (url, requester)

    for name in ("communes-semaines", "lieux"):       # as a reuser checks them
        (tmp_path / f"{name}.csv").write_text(bodies[f"/donnees/{name}.csv"], encoding="utf-8")
        descriptor = json.loads(bodies[f"/donnees/{name}.schema.json"])
        report = Resource(path=f"{name}.csv", basepath=str(tmp_path), schema=Schema.from_descriptor(descriptor)).validate()
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
        assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    for name in ("communes", "lieux"):
        collection = geojson.loads(bodies[f"/donnees/{name}.geojson"])
        assert collection.is_valid and collection["features"], collection.errors()

    rows = list(csv.DictReader(io.StringIO(bodies["/donnees/communes-semaines.csv"])))
    asked = Counter()
    for row in rows:
        asked[row["commune"] or f"département {row['code_departement']}"] += int(row["unites_demandees"])
    assert asked["Rochefort"] == 40                        # the town hall's; the two private persons' 14 are not...
    assert asked["département 17"] == 2 * 7                # ...but in the département's row
    assert asked["Saintes"] == 40 + 3 * 5                  # three discreet requesters together: shown
    public = json.loads(bodies["/donnees/territoire.json"])
    assert sum(c["asked"] for c in public["communes"]) + 14 == sum(asked.values())

    # the coordination sees every requester where it is; the public never gets its figures
    view = territory.coordinator_territory(app.extensions["makernet"], Actor(0, "admin", 0))
    communes = {c["name"]: c for c in view["communes"]}
    assert communes["Rochefort"]["asked"] == 40 + 14 and view["totals"]["asked"] == sum(asked.values())
    assert view["coverage"]["urban"]["communes"] == 2
    try:
        territory.published(app.extensions["makernet"], "interne/territoire.json")
        raise AssertionError("the coordinators' figures are never served")
    except NotFound:
        pass


def test_coordinators_see_their_territory_and_no_one_else_does(app: Flask, api: ApiClient) -> None:
    some_history(api)
    pages = Pages(app.test_client())
    pages.sign_in(COORDINATOR)
    html = pages.get("/territory?departement=17")
    assert "Saintes" in html and "Rochefort" in html and 'id="map"' in html and "leaflet.js" in html
    # received the day they were asked for: "le jour même", not "en 0 jours ou moins"
    assert "La moitié des unités reçues l'ont été le jour même, neuf sur dix le jour même (20 unités reçues)." \
        in html.replace("&#39;", "'")
    assert pages.client.get("/territory?departement=75").status_code == 404
    for who in (OPERATOR, REQUESTER):
        other = Pages(app.test_client())
        other.sign_in(who)
        assert other.client.get("/territory").status_code == 403
    admin = Pages(app.test_client())
    admin.sign_in(ADMIN)
    assert "Jours de stock par matière" in admin.get("/territory")
    client = app.test_client()
    for bad in ("/territoire/99", "/territoire/17/99999", "/donnees/interne", "/geo/communes.csv", "/geo/..%2Fx"):
        assert client.get(bad).status_code == 404, bad
    outlines = client.get("/geo/departements.geojson")
    assert outlines.status_code == 200 and outlines.mimetype == "application/geo+json"
    outlines.close()
