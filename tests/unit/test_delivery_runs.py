"""A place's volunteer runners get the day's runs: finished units within their reach routed into runs that keep to
their hours and load, started once (a delivery per stop, picked up), done when every stop is; the run sheet
prints the stops, what to hand over and each receipt's QR code; another organisation never sees any of it."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlmodel import select

from makernet.documents.formats import weekday
from makernet.models import Place
from makernet.services import deliveries
from makernet.services.access import Actor
from tests.support.api import (CARE_HOME, COORDINATOR, OPERATOR, OTHER_OPERATOR, OTHER_REQUESTER, REQUESTER,
                               SEWING_OPERATOR, ApiClient)

SOON = (date.today() + timedelta(days=5)).isoformat()
ADMIN_ACTOR = Actor(user_id=1, role="admin", organisation_id=1)
WORKSHOP = "Atelier couture solidaire"   # in Saintes: the care home next door, Rochefort 32 km, Surgères 41 km


def workshop(api: ApiClient) -> dict:
    return next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == WORKSHOP)


def with_runners(api: ApiClient, place_id: int, **means: object) -> None:
    """The place's runners, set by its operators with its conditions."""
    values = {"runners": 2, "runs_per_day": 1, "run_hours": 3.0, "vehicle": "car", "run_load": None} | means
    api.ok("put", f"/places/{place_id}/conditions", SEWING_OPERATOR, json=values)


def sewn(api: ApiClient, requester: str, quantity: int, point: str = "", **where: float) -> dict:
    """A request of `requester` for masks, sewn at the workshop in full: the request as the API shows it."""
    mask = next(i for i in api.ok("get", "/items", requester) if i["code"] == "masque-tissu")
    request = api.ok("post", "/requests", requester, json={
        "needed_by": SOON, "delivery_point": point or f"Accueil ({requester.split('@')[0]})",
        "lines": [{"item_id": mask["id"], "quantity": quantity}], **where})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    order = api.ok("post", "/work-orders", COORDINATOR, json={
        "request_line_id": request["lines"][0]["id"], "place_id": workshop(api)["id"], "quantity": quantity})
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, json={})
    for job in api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR):
        api.ok("post", f"/jobs/{job['id']}/report", SEWING_OPERATOR, json={"units_made": job["units"]})
    return request


@pytest.fixture
def day_of_work(api: ApiClient) -> dict:
    """Masks ready at the workshop for the care home next door, Rochefort's town hall and Surgères (beyond reach)."""
    place = workshop(api)
    with_runners(api, place["id"])
    return {"place": place, "care_home": sewn(api, CARE_HOME, 30), "rochefort": sewn(api, REQUESTER, 40),
            "surgeres": sewn(api, OTHER_REQUESTER, 20)}


def test_the_days_runs_carry_what_is_within_reach_in_order_and_keep_to_the_limits(api: ApiClient,
                                                                                 day_of_work: dict) -> None:
    place = day_of_work["place"]["id"]
    proposed = api.ok("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={}, status=201)
    assert proposed["out_of_reach"] == [day_of_work["surgeres"]["id"]]
    assert (proposed["units_carried"], proposed["units_left"]) == (70, 0)
    (run,) = proposed["runs"]   # one car does both within three hours
    stops = {st["request_id"]: st for st in run["stops"]}
    assert set(stops) == {day_of_work["care_home"]["id"], day_of_work["rochefort"]["id"]}
    assert [st["position"] for st in run["stops"]] == [1, 2]
    rochefort = stops[day_of_work["rochefort"]["id"]]
    assert rochefort["lines"] == [{"request_line_id": day_of_work["rochefort"]["lines"][0]["id"],
                                   "item_name": "Masque tissu AFNOR S76-001", "quantity": 40}]
    assert (rochefort["requester"], rochefort["units"], rochefort["delivery_id"]) == ("Mairie de Rochefort", 40, None)
    assert (run["status"], run["runner"], run["vehicle"], run["units"]) == ("proposed", 1, "car", 70)
    assert 60 < run["km"] < 100 and run["minutes"] <= 180
    listed = api.ok("get", f"/places/{place}/delivery-runs", COORDINATOR)
    assert [r["id"] for r in listed["runs"]] == [run["id"]] and listed["reach_km"] == 40.0


def test_a_bike_and_a_small_load_split_what_they_cannot_carry_and_leave_the_rest(api: ApiClient,
                                                                                day_of_work: dict) -> None:
    place = day_of_work["place"]["id"]
    with_runners(api, place, vehicle="bike", runners=1, runs_per_day=2, run_load=20)
    proposed = api.ok("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={}, status=201)
    assert sorted(proposed["out_of_reach"]) == sorted([day_of_work["rochefort"]["id"], day_of_work["surgeres"]["id"]])
    assert sorted((r["runner"], r["leg"]) for r in proposed["runs"]) == [(1, 1), (1, 2)]
    assert sorted(r["units"] for r in proposed["runs"]) == [10, 20] and proposed["units_left"] == 0
    lines = [ln for r in proposed["runs"] for st in r["stops"] for ln in st["lines"]]
    assert {ln["request_line_id"] for ln in lines} == {day_of_work["care_home"]["lines"][0]["id"]}
    with_runners(api, place, vehicle="bike", runners=1, runs_per_day=1, run_load=20)
    one = api.ok("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={}, status=201)
    assert ([r["units"] for r in one["runs"]], one["units_left"]) == ([20], 10)


def test_starting_a_run_ships_each_stop_once_and_the_last_receipt_closes_it(api: ApiClient, day_of_work: dict) -> None:
    place = day_of_work["place"]["id"]
    run = api.ok("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={}, status=201)["runs"][0]
    started = api.ok("post", f"/delivery-runs/{run['id']}/start", SEWING_OPERATOR)
    assert started["status"] == "under_way" and started["started_at"] is not None
    ids = [st["delivery_id"] for st in started["stops"]]
    shipped = [api.ok("get", f"/deliveries/{i}", SEWING_OPERATOR) for i in ids]
    assert {(d["mode"], d["status"]) for d in shipped} == {("runner", "picked_up")}
    assert all(d["carrier_name"].startswith("Coursier 1 (voiture)") for d in shipped)
    assert [sum(ln["quantity"] for ln in d["lines"]) for d in shipped] == [st["units"] for st in started["stops"]]
    again = api.call("post", f"/delivery-runs/{run['id']}/start", SEWING_OPERATOR)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "delivery.run_not_startable"
    assert "already left" in again.get_json()["error"]["message"]
    by_request = {d["request_id"]: d["id"] for d in shipped}
    care_home = by_request[day_of_work["care_home"]["id"]]
    api.ok("post", f"/deliveries/{care_home}/confirm-receipt", CARE_HOME, json={"receiver_name": "Sophie Bernard"})
    assert api.ok("get", f"/delivery-runs/{run['id']}", SEWING_OPERATOR)["status"] == "under_way"
    api.ok("post", f"/deliveries/{by_request[day_of_work['rochefort']['id']]}/deliver", SEWING_OPERATOR)
    done = api.ok("get", f"/delivery-runs/{run['id']}", SEWING_OPERATOR)
    assert done["status"] == "done" and done["finished_at"] is not None
    assert [st["delivery_status"] for st in done["stops"]] == [
        "received" if st["request_id"] == day_of_work["care_home"]["id"] else "delivered" for st in done["stops"]]
    assert api.ok("get", f"/requests/{day_of_work['care_home']['id']}", CARE_HOME)["status"] == "closed"


def test_a_new_proposal_replaces_runs_still_proposed_and_never_those_under_way(api: ApiClient,
                                                                              day_of_work: dict) -> None:
    place = day_of_work["place"]["id"]
    first = api.ok("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={}, status=201)["runs"][0]
    api.ok("post", f"/delivery-runs/{first['id']}/start", SEWING_OPERATOR)
    more = sewn(api, CARE_HOME, 15)
    second = api.ok("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={}, status=201)["runs"]
    assert [[(st["request_id"], st["units"]) for st in r["stops"]] for r in second] == [[(more["id"], 15)]]
    third = api.ok("post", f"/places/{place}/delivery-runs", COORDINATOR, json={}, status=201)["runs"]
    listed = api.ok("get", f"/places/{place}/delivery-runs", SEWING_OPERATOR)["runs"]
    assert sorted(r["id"] for r in listed) == sorted([first["id"], third[0]["id"]])
    assert api.ok("get", f"/delivery-runs/{second[0]['id']}", SEWING_OPERATOR)["status"] == "cancelled"
    assert api.call("post", f"/delivery-runs/{second[0]['id']}/start", SEWING_OPERATOR).status_code == 409


def test_a_proposal_after_a_run_left_sends_out_only_the_days_runs_left(api: ApiClient, day_of_work: dict) -> None:
    place = day_of_work["place"]["id"]   # two runners, one run each a day
    first = api.ok("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={}, status=201)["runs"][0]
    api.ok("post", f"/delivery-runs/{first['id']}/start", SEWING_OPERATOR)
    sewn(api, CARE_HOME, 15)
    second = api.ok("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={}, status=201)["runs"]
    assert len(second) == 1 and (second[0]["runner"], second[0]["leg"]) != (first["runner"], first["leg"])
    api.ok("post", f"/delivery-runs/{second[0]['id']}/start", SEWING_OPERATOR)
    more = sewn(api, CARE_HOME, 10)
    third = api.ok("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={}, status=201)
    assert third["runs"] == [] and third["units_left"] >= 10   # both runners are out: it waits for tomorrow
    assert more["id"] not in {st["request_id"] for r in api.ok("get", f"/places/{place}/delivery-runs",
                                                               SEWING_OPERATOR)["runs"] for st in r["stops"]}


def test_a_run_whose_units_left_another_way_is_refused_whole(api: ApiClient, day_of_work: dict) -> None:
    place = day_of_work["place"]["id"]
    run = api.ok("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={}, status=201)["runs"][0]
    care_home = day_of_work["care_home"]
    api.ok("post", "/deliveries", SEWING_OPERATOR, json={
        "place_id": place, "request_id": care_home["id"],
        "lines": [{"request_line_id": care_home["lines"][0]["id"], "quantity": 30}]})
    refused = api.call("post", f"/delivery-runs/{run['id']}/start", SEWING_OPERATOR)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "delivery.run_outdated"
    assert api.ok("get", f"/delivery-runs/{run['id']}", SEWING_OPERATOR)["status"] == "proposed"
    assert len(api.ok("get", f"/deliveries?request_id={day_of_work['rochefort']['id']}", SEWING_OPERATOR)) == 0


def test_another_organisation_never_sees_nor_starts_a_places_runs(api: ApiClient, day_of_work: dict) -> None:
    place = day_of_work["place"]["id"]
    run = api.ok("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={}, status=201)["runs"][0]
    for method, path in (("get", f"/places/{place}/delivery-runs"), ("post", f"/places/{place}/delivery-runs"),
                         ("get", f"/delivery-runs/{run['id']}"), ("post", f"/delivery-runs/{run['id']}/start"),
                         ("get", f"/delivery-runs/{run['id']}/sheet.pdf"), ("get", "/delivery-runs/99999")):
        answer = api.call(method, path, OTHER_OPERATOR, json={} if method == "post" else None)
        assert answer.status_code == 404, (method, path, answer.status_code)
    assert api.call("post", f"/delivery-runs/{run['id']}/start", COORDINATOR).status_code == 403
    assert api.call("get", f"/delivery-runs/{run['id']}", REQUESTER).status_code in (403, 404)
    assert api.call("get", f"/delivery-runs/{run['id']}/sheet.pdf", OPERATOR).status_code == 404


def test_runs_are_refused_without_runners_or_for_a_day_gone(api: ApiClient, day_of_work: dict) -> None:
    place = day_of_work["place"]["id"]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    past = api.call("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={"day": yesterday})
    assert past.status_code == 422 and past.get_json()["error"]["code"] == "delivery.run_day_past"
    with_runners(api, place, runners=0)
    none = api.call("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={})
    assert none.status_code == 422 and none.get_json()["error"]["code"] == "delivery.no_runners"
    assert api.call("get", f"/places/{place}/delivery-runs?day=demain", SEWING_OPERATOR).status_code == 422


def test_each_morning_the_worker_proposes_runs_for_the_places_with_runners(app: Flask, day_of_work: dict) -> None:
    ctx = app.extensions["makernet"]
    with ctx.db.reading() as s:
        with_runners_ids = set(s.exec(select(Place.id).where(Place.runners > 0)).all())
    proposed = deliveries.propose_daily_runs(ctx)
    assert set(proposed) == with_runners_ids and proposed[day_of_work["place"]["id"]] == 1
    assert deliveries.place_runs(ctx, ADMIN_ACTOR, day_of_work["place"]["id"])["runs"][0]["units"] == 70
    from workers.app import beat_schedule
    morning = beat_schedule(ctx.settings)["delivery-runs-daily"]
    assert morning["task"] == "makernet.propose_delivery_runs" and morning["schedule"].hour == {6}


def pdf_text(pdf: bytes, folder: Path) -> str:
    """The text of a PDF as poppler's pdftotext reads it (pypdf's reading where poppler-utils is not installed)."""
    if shutil.which("pdftotext") is None:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    (folder / "sheet.pdf").write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(folder / "sheet.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_run_sheet_prints_the_stops_in_order_with_quantities_and_receipt_codes(
        api: ApiClient, day_of_work: dict, tmp_path: Path) -> None:
    place = day_of_work["place"]["id"]
    run = api.ok("post", f"/places/{place}/delivery-runs", SEWING_OPERATOR, json={}, status=201)["runs"][0]

    def sheet_text() -> str:
        answer = api.call("get", f"/delivery-runs/{run['id']}/sheet.pdf", SEWING_OPERATOR,
                          headers={"Accept-Language": "fr"})
        assert answer.status_code == 200 and answer.mimetype == "application/pdf"
        return pdf_text(answer.get_data(), tmp_path)

    before = sheet_text()
    assert "QR code de réception" in before and "Réception : scanner ici" not in before   # no delivery yet
    assert "Aperçu : la tournée n'est pas encore partie" in before
    started = api.ok("post", f"/delivery-runs/{run['id']}/start", SEWING_OPERATOR)
    text = sheet_text()
    for words in ("Feuille de tournée", f"n° {run['id']}", "Coursier 1, 1re tournée du jour", "Voiture",
                  "Arrêt 1", "Arrêt 2", "Mairie de Rochefort", "EHPAD Les Tilleuls", "Masque tissu AFNOR S76-001",
                  "Total à remettre", "Réception : scanner ici", "Durée prévue", "Remis au coursier par (lieu)",
                  "Atelier couture solidaire", "à remettre en 2 arrêts"):
        assert words in text, words
    assert "Aperçu" not in text and "arrêt(s)" not in text
    pages = re.findall(r"Page (\d+) sur (\d+)", text)   # each page numbered against the whole
    assert pages and [int(n) for n, _ in pages] == list(range(1, len(pages) + 1))
    assert {int(total) for _, total in pages} == {len(pages)}
    first, second = started["stops"]
    assert text.index(first["destination"]) < text.index("Arrêt 2") < text.index(second["destination"])
    for stop in started["stops"]:
        block = text[text.index(stop["destination"]):]
        assert re.search(rf"Livraison\s+n° {stop['delivery_id']}\b", block)
        assert re.search(rf"Masque tissu AFNOR S76-001\s+{stop['units']}\b", block)
        assert re.search(rf"Total à remettre\s+{stop['units']}\b", block)
    assert re.search(r"\d+,\d km aller et retour", text) and f"Tournée du {weekday(date.today())}" in text
