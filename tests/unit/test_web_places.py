"""An operator sees and sets their own place's conditions and manual work centres; nobody else may."""
from __future__ import annotations

import re

import pytest

from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, SEWING_OPERATOR, ApiClient
from tests.support.pages import Pages, errors_of, field_value, text_of
from tests.support.snapshots import row_counts
from tests.unit.test_web_production import proposed_work

WEEK = {f"conditions-hours_{d}": "09:00-12:00, 14h-18h30" for d in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def place(api: ApiClient, name: str) -> dict:
    return next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == name)


def conditions(visor: int, **changes: str) -> dict:
    return {"conditions-staff_available": "5", "conditions-batch_limit": "", "conditions-hourly_value": "18,50",
            "conditions-accepted_item_ids": [str(visor)], "conditions-auto_accept": "y",
            "conditions-offline_policy": "move", "conditions-site_worker": "y", **WEEK, **changes}


def test_an_operator_states_the_places_conditions_and_the_page_shows_them(pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    lab = place(api, "FabLab La Rochelle")
    visor = lab["accepted_item_ids"][0]
    pages.sign_in(OPERATOR)
    form = pages.get(f"/places/{lab['id']}/settings")
    assert field_value(form, "conditions-hours_mon") == "09:00-19:00" and field_value(form, "conditions-hourly_value") == "15,00"
    assert pages.post(f"/places/{lab['id']}/settings", conditions(visor)).status_code == 302
    saved = place(api, "FabLab La Rochelle")
    assert (saved["staff_available"], saved["batch_limit"], saved["hourly_value_cents"], saved["auto_accept"],
            saved["offline_policy"], saved["site_worker"]) == (5, None, 1850, True, "move", True)
    assert saved["opening_hours"]["mon"] == [["09:00", "12:00"], ["14:00", "18:30"]]
    assert "sat" not in saved["opening_hours"]
    shown = text_of(pages.get(f"/places/{lab['id']}"))
    assert "lundi : 09:00–12:00, 14:00–18:30" in shown and "samedi : fermé" in shown


def test_unreadable_hours_and_values_are_refused_beside_their_fields(pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    lab = place(api, "FabLab La Rochelle")
    pages.sign_in(OPERATOR)
    pages.get(f"/places/{lab['id']}/settings")
    before = row_counts(app)
    refused = pages.post(f"/places/{lab['id']}/settings", conditions(
        lab["accepted_item_ids"][0], **{"conditions-hours_tue": "le matin", "conditions-hours_wed": "18:00-09:00",
                                        "conditions-staff_available": "0", "conditions-hourly_value": "douze"}))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "09:00-12:00" in errors_of(html, "conditions-hours_tue")
    assert "entre 1 et 10000" in errors_of(html, "conditions-staff_available")
    assert "montant en euros" in errors_of(html, "conditions-hourly_value")
    assert field_value(html, "conditions-hours_tue") == "le matin"
    assert row_counts(app) == before
    backwards = pages.post(f"/places/{lab['id']}/settings", conditions(
        lab["accepted_item_ids"][0], **{"conditions-hours_wed": "18:00-09:00"}))
    assert backwards.status_code == 422 and errors_of(backwards.get_data(as_text=True), "conditions-hours_wed")


def test_an_operator_adds_renames_and_sets_aside_a_sewing_station(pages: Pages, api: ApiClient) -> None:
    workshop = place(api, "Atelier couture solidaire")
    pages.sign_in(SEWING_OPERATOR)
    pages.get(f"/places/{workshop['id']}/settings")
    assert pages.post(f"/places/{workshop['id']}/machines",
                      {"machine-name": "Surjeteuse", "machine-kind": "sewing_station"}).status_code == 302
    added = next(m for m in place(api, "Atelier couture solidaire")["machines"] if m["name"] == "Surjeteuse")
    twin = pages.post(f"/machines/{added['id']}/rename", {f"rename{added['id']}-name": "Poste couture 1"})
    assert twin.status_code == 422
    assert "déjà un poste nommé" in errors_of(twin.get_data(as_text=True), f"rename{added['id']}-name")
    assert pages.post(f"/machines/{added['id']}/rename",
                      {f"rename{added['id']}-name": "Surjeteuse 4 fils"}).status_code == 302
    assert pages.post(f"/machines/{added['id']}/active", {"active": "0"}).status_code == 302
    machine = next(m for m in place(api, "Atelier couture solidaire")["machines"] if m["id"] == added["id"])
    assert (machine["name"], machine["active"]) == ("Surjeteuse 4 fils", False)


def test_a_station_with_batches_to_make_stays_in_service(pages: Pages, api: ApiClient) -> None:
    order = proposed_work(api, "Atelier couture solidaire", "masque-tissu", 60)
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    busy = api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)[0]["machine_id"]
    pages.sign_in(SEWING_OPERATOR)
    pages.get(f"/places/{order['place_id']}/settings")
    answer = pages.post(f"/machines/{busy}/active", {"active": "0"})
    said = text_of(pages.get(answer.headers["Location"]))
    assert re.search(r"a encore (1 lot à faire : déclarez-le|\d+ lots à faire : déclarez-les) avant", said), said
    assert next(m for m in place(api, "Atelier couture solidaire")["machines"] if m["id"] == busy)["active"]


def test_a_place_stops_taking_work_and_takes_it_again(pages: Pages, api: ApiClient) -> None:
    lab = place(api, "Fab-lab de l'Aunis")
    pages.sign_in(OTHER_OPERATOR)
    pages.get(f"/places/{lab['id']}/settings")
    blank = pages.post(f"/places/{lab['id']}/withdraw", {"withdraw-reason": ""})
    assert blank.status_code == 422 and errors_of(blank.get_data(as_text=True), "withdraw-reason")
    assert pages.post(f"/places/{lab['id']}/withdraw", {"withdraw-reason": "local fermé"}).status_code == 302
    assert place(api, "Fab-lab de l'Aunis")["active"] is False
    assert pages.post(f"/places/{lab['id']}/resume").status_code == 302
    assert place(api, "Fab-lab de l'Aunis")["active"] is True


def test_only_the_places_own_operators_reach_its_settings(pages: Pages, api: ApiClient) -> None:
    lab = place(api, "FabLab La Rochelle")
    pages.sign_in(OTHER_OPERATOR)
    pages.get(f"/places/{lab['id']}/settings", status=404)
    assert pages.post(f"/places/{lab['id']}/settings", conditions(1)).status_code == 404
    pages.sign_in(COORDINATOR)
    pages.get(f"/places/{lab['id']}/settings", status=403)
    assert "Réglages du lieu" not in text_of(pages.get(f"/places/{lab['id']}"))


def test_operators_see_their_own_place_only(pages: Pages) -> None:
    pages.sign_in(OPERATOR)
    answer = pages.client.get("/places")
    assert answer.status_code == 302
    assert "FabLab La Rochelle" in pages.get(answer.headers["Location"])
    pages.get("/stock", status=403)
