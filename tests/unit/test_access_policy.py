"""One organisation never writes into another's data: writes that touch a second organisation are checked on both ends."""
from __future__ import annotations

from flask import Flask
from sqlmodel import select

from makernet.models import Organisation, Place, User
from makernet.services import places
from makernet.services.access import Actor
from tests.support.api import COORDINATOR, OPERATOR, ApiClient
from tests.support.snapshots import data_counts, row_counts
from tests.unit.test_exchange_import import PLACES_HEADER, upload
from tests.unit.test_stock import material_id, place_id


def far_place(app: Flask, name: str, departement: str) -> int:
    """A fab-lab of another organisation, in a département where the demo's operators have no place."""
    with app.extensions["makernet"].db.transaction() as tx:
        organisation = Organisation(name=name, kind="fab_lab", commune="Ailleurs", departement=departement)
        tx.session.add(organisation)
        tx.session.flush()
        place = Place(organisation_id=organisation.id, name=name, commune="Ailleurs", departement=departement)
        tx.session.add(place)
        tx.session.flush()
        return place.id


def test_an_operator_cannot_send_material_into_a_place_outside_their_local_network(app: Flask, api: ApiClient) -> None:
    lab, pla = place_id(api, "FabLab La Rochelle"), material_id(api, "pla")
    niort = far_place(app, "Fab-lab de Niort", "79")
    api.token(OPERATOR)
    before = row_counts(app)
    refused = api.call("post", "/stock/transfers", OPERATOR, json={
        "from_place_id": lab, "to_place_id": niort, "material_id": pla, "quantity": 100})
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "to_place_id"
    assert refused.get_json()["error"]["code"] == "stock.transfer_place_unknown"
    assert row_counts(app) == before
    ctx = app.extensions["makernet"]
    with ctx.db.reading() as s:
        user = s.exec(select(User).where(User.email == OPERATOR)).one()
    operator = Actor(user.id, user.role, user.organisation_id)
    offered = {p["id"] for p in places.transfer_targets(ctx, operator, lab)}
    assert niort not in offered and place_id(api, "Fab-lab de l'Aunis") in offered


def test_a_coordinator_cannot_send_material_outside_their_territory(app: Flask, api: ApiClient) -> None:
    lab, pla = place_id(api, "FabLab La Rochelle"), material_id(api, "pla")
    bordeaux, niort = far_place(app, "Fab-lab de Bordeaux", "33"), far_place(app, "Fab-lab de Niort", "79")
    api.token(COORDINATOR)
    before = row_counts(app)
    refused = api.call("post", "/stock/transfers", COORDINATOR, json={
        "from_place_id": lab, "to_place_id": bordeaux, "material_id": pla, "quantity": 100})
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "to_place_id"
    assert refused.get_json()["error"]["code"] == "stock.transfer_place_unknown"
    assert row_counts(app) == before
    api.ok("post", "/stock/transfers", COORDINATOR, json={
        "from_place_id": lab, "to_place_id": niort, "material_id": pla, "quantity": 100})


def test_an_operator_opens_collection_points_only_where_their_organisation_has_a_place(app: Flask,
                                                                                        api: ApiClient) -> None:
    point = {"name": "Drive de Niort", "address": "Place de la Brèche, Niort", "commune": "Niort",
             "departement": "79", "kind": "pick_up"}
    api.token(OPERATOR)
    before = row_counts(app)
    refused = api.call("post", "/collection-points", OPERATOR, json=point)
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "departement"
    assert refused.get_json()["error"]["code"] == "access.point_outside_territory"
    assert row_counts(app) == before
    local = api.ok("post", "/collection-points", OPERATOR, json=point | {"departement": "17", "commune": "Surgères"})
    assert local["departement"] == "17"


def test_a_coordinators_import_cannot_attach_a_place_to_an_organisation_outside_their_territory(
        app: Flask, api: ApiClient) -> None:
    far_place(app, "Fab-lab de Bordeaux", "33")
    rows = "\n".join([PLACES_HEADER, "Fab-lab de Bordeaux;Antenne de Niort;Niort;79;46,3;-0,46;2;;;visiere;non"])
    before = data_counts(app)
    refused = upload(api, "places", rows, dry_run=False)
    assert refused.status_code == 422
    assert refused.get_json()["details"] == [
        {"line": 2, "code": "import.organisation_outside", "params": {"name": "Fab-lab de Bordeaux"},
         "reason": "organisation 'Fab-lab de Bordeaux' is outside your territory"}]
    assert data_counts(app) == before
