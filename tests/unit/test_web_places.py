"""An operator sees and sets their own place's conditions and manual work centres; nobody else may."""
from __future__ import annotations

import re

import pytest

from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, SEWING_OPERATOR, ApiClient
from tests.support.pages import Pages, errors_of, field_value, text_of
from tests.support.snapshots import row_counts
from tests.unit.test_web_production import proposed_work

WEEK = {f"conditions-hours_{d}": "09:00-12:00, 14h-18h30" for d in ("mon", "tue", "wed", "thu", "fri")}
# the delivery means as the settings page shows them for the demo's fab-lab: two cargo bikes, two runs a day
RUNNERS = {"conditions-runners": "2", "conditions-runs_per_day": "2", "conditions-run_hours": "3",
           "conditions-vehicle": "bike", "conditions-delivery_radius_km": "", "conditions-run_load": ""}


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def place(api: ApiClient, name: str) -> dict:
    return next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == name)


def conditions(visor: int, **changes: str) -> dict:
    return {"conditions-staff_available": "5", "conditions-batch_limit": "", "conditions-hourly_value": "18,50",
            "conditions-accepted_item_ids": [str(visor)], "conditions-auto_accept": "y",
            "conditions-offline_policy": "move", "conditions-site_worker": "y", **WEEK, **RUNNERS, **changes}


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


def means(found: dict) -> tuple:
    """A place's delivery means as the API shows them."""
    return tuple(found[k] for k in ("runners", "runs_per_day", "run_hours", "vehicle", "delivery_radius_km",
                                    "run_load", "delivery_reach_km"))


def test_an_operator_sets_the_places_runners_and_the_pages_show_them(pages: Pages, api: ApiClient) -> None:
    lab = place(api, "FabLab La Rochelle")
    assert means(lab) == (2, 2, 3.0, "bike", None, None, 10.0)   # the demo's two cargo bikes
    pages.sign_in(OPERATOR)
    form = pages.get(f"/places/{lab['id']}/settings")
    assert (field_value(form, "conditions-runners"), field_value(form, "conditions-run_hours")) == ("2", "3")
    assert "Livraison" in text_of(form) and "navette régionale" in text_of(form)
    changed = {"conditions-runners": "3", "conditions-runs_per_day": "1", "conditions-run_hours": "1,5",
               "conditions-vehicle": "car", "conditions-delivery_radius_km": "25", "conditions-run_load": "300"}
    assert pages.post(f"/places/{lab['id']}/settings", conditions(lab["accepted_item_ids"][0], **changed)).status_code == 302
    assert means(place(api, "FabLab La Rochelle")) == (3, 1, 1.5, "car", 25.0, 300, 25.0)
    form = pages.get(f"/places/{lab['id']}/settings")
    assert [field_value(form, name) for name in changed if name != "conditions-vehicle"] == ["3", "1", "1,5", "25", "300"]
    assert re.search(r'<option selected value="car">|<option value="car" selected>', form), form
    shown = text_of(pages.get(f"/places/{lab['id']}"))
    assert "3 coursiers bénévoles (voiture) · 1 tournée par jour · jusqu'à 25 km, 1,5 h par tournée" in shown, shown


@pytest.mark.parametrize(("name", "value", "said"), [
    ("runners", "4", "Le lieu a de 0 à 3 coursiers bénévoles."),
    ("run_hours", "5", "Une tournée dure de 0,5 à 3 heures."),
    ("vehicle", "trottinette", "Les coursiers livrent en vélo cargo (bike) ou en voiture (car)."),
    ("delivery_radius_km", "-5", "Le rayon de livraison est de plus de 0 et d'au plus 100 km"),
])
def test_delivery_means_out_of_bounds_are_refused_with_their_message_and_change_nothing(
        pages: Pages, api: ApiClient, app, name: str, value: str, said: str) -> None:  # noqa: ANN001
    lab = place(api, "FabLab La Rochelle")
    pages.sign_in(OPERATOR)
    pages.get(f"/places/{lab['id']}/settings")
    before = row_counts(app)
    refused = pages.post(f"/places/{lab['id']}/settings", conditions(
        lab["accepted_item_ids"][0], **{f"conditions-{name}": value, "conditions-staff_available": "7"}))
    assert refused.status_code == 422
    assert said in errors_of(refused.get_data(as_text=True), f"conditions-{name}")
    assert place(api, "FabLab La Rochelle") == lab and row_counts(app) == before


def test_another_organisations_operator_cannot_change_the_runners(pages: Pages, api: ApiClient) -> None:
    lab = place(api, "FabLab La Rochelle")
    pages.sign_in(OTHER_OPERATOR)
    refused = pages.post(f"/places/{lab['id']}/settings", conditions(lab["accepted_item_ids"][0],
                                                                      **{"conditions-runners": "0"}))
    assert refused.status_code == 404
    assert place(api, "FabLab La Rochelle") == lab
