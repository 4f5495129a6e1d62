"""The day's delivery runs on a place's deliveries page: proposed with a button, each run's stops in order with what
to hand over, its km and duration, a button to leave and its run sheet to print; in French, and in English."""
from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.support.api import (CARE_HOME, COORDINATOR, OTHER_OPERATOR, OTHER_REQUESTER, REQUESTER, SEWING_OPERATOR,
                               ApiClient)
from tests.support.pages import Pages, text_of
from tests.unit.test_delivery_runs import sewn, with_runners, workshop


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def test_an_operator_proposes_the_days_runs_reads_them_and_sends_a_runner(pages: Pages, api: ApiClient) -> None:
    place = workshop(api)["id"]
    with_runners(api, place)
    care_home, rochefort = sewn(api, CARE_HOME, 30, "EHPAD, 3 rue des Tilleuls"), sewn(api, REQUESTER, 40, "Mairie annexe")
    far = sewn(api, OTHER_REQUESTER, 20)   # Surgères, 41 km: beyond the cars' 40
    pages.sign_in(SEWING_OPERATOR)
    here = f"/places/{place}/deliveries"
    before = text_of(pages.get(here))
    assert "Tournées du jour" in before and "Aucune tournée proposée pour aujourd'hui." in before
    assert "2 coursiers · Voiture · 40 km autour du lieu" in before
    proposed = pages.post(f"/places/{place}/delivery-runs")
    assert proposed.status_code == 302 and proposed.headers["Location"].endswith(f"{here}#tournees")
    html = pages.get(here)
    page = text_of(html)
    assert "1 tournée proposée pour 70 unités." in page and "attendr" not in page
    assert f"1 demande est hors de portée des coursiers (n° {far['id']}) : retrait ou navette." in page
    run = api.ok("get", f"/places/{place}/delivery-runs", SEWING_OPERATOR)["runs"][0]
    section = text_of(html[html.index('id="tournees"'):html.index('id="runs-title"') + 20_000])
    assert "Coursier 1, tournée 1 Proposée" in section
    hours, minutes = divmod(run["minutes"], 60)
    took = f"{hours} h {minutes:02d}" if hours else f"{minutes} min"
    assert f"{str(run['km']).replace('.', ',')} km · {took} · 70 unités" in section
    first, second = (st["destination"] for st in run["stops"])
    assert section.index(first) < section.index(second)
    assert f"Mairie annexe — Mairie de Rochefort, demande n° {rochefort['id']} 40 × Masque tissu AFNOR S76-001" \
        in section
    assert f"EHPAD, 3 rue des Tilleuls — EHPAD Les Tilleuls, demande n° {care_home['id']}" in section
    assert f'href="/delivery-runs/{run["id"]}/sheet.pdf"' in html and "Aperçu de la feuille (PDF)" in section
    assert "imprimez-la après « Partir »" in section   # the receipt codes come with the departure
    assert f'action="/delivery-runs/{run["id"]}/start"' in html and "Partir" in section
    sheet = pages.client.get(f"/delivery-runs/{run['id']}/sheet.pdf")
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    left = pages.post(f"/delivery-runs/{run['id']}/start")
    assert left.status_code == 302
    after = pages.get(here)
    assert f"Tournée n° {run['id']} partie" in text_of(after) and "Coursier 1, tournée 1 En route" in text_of(after)
    assert f'action="/delivery-runs/{run["id"]}/start"' not in after and "Feuille de tournée (PDF)" in text_of(after)
    shipped = api.ok("get", f"/deliveries?request_id={rochefort['id']}", SEWING_OPERATOR)[0]
    assert f"Livraison n° {shipped['id']} Enlevée" in text_of(after)
    twice = pages.post(f"/delivery-runs/{run['id']}/start")
    assert "est déjà partie" in text_of(pages.get(twice.headers["Location"]))


def test_the_runs_section_speaks_english_and_another_organisation_cannot_open_it(pages: Pages, api: ApiClient,
                                                                                app: Flask) -> None:
    place = workshop(api)["id"]
    with_runners(api, place, vehicle="bike", runners=1)
    sewn(api, CARE_HOME, 12)
    api.ok("post", f"/places/{place}/delivery-runs", COORDINATOR, json={}, status=201)
    pages.sign_in(SEWING_OPERATOR)
    pages.post("/language", {"locale": "en", "next": "/"})
    page = text_of(pages.get(f"/places/{place}/deliveries"))
    for words in ("Today's delivery runs", "Propose the runs", "1 runner · Cargo bike · 10 km around the place",
                  "Runner 1, run 1 Proposed", "12 units", "Leave", "Preview of the sheet (PDF)", "print it after “Leave”"):
        assert words in page, words
    run = api.ok("get", f"/places/{place}/delivery-runs", SEWING_OPERATOR)["runs"][0]
    other = Pages(app.test_client())
    other.sign_in(OTHER_OPERATOR)
    other.get(f"/places/{place}/deliveries", status=404)
    assert other.client.get(f"/delivery-runs/{run['id']}/sheet.pdf").status_code == 404
    assert other.post(f"/delivery-runs/{run['id']}/start").status_code == 404
    assert other.post(f"/places/{place}/delivery-runs").status_code in (302, 404)
    assert api.ok("get", f"/delivery-runs/{run['id']}", SEWING_OPERATOR)["status"] == "proposed"
    api.ok("post", f"/delivery-runs/{run['id']}/start", SEWING_OPERATOR)   # its delivery names the runner in English
    assert "Carried by Runner 1 (cargo bike), Atelier couture solidaire" in text_of(
        pages.get(f"/places/{place}/deliveries"))


def test_a_place_without_runners_says_so_and_offers_no_button(pages: Pages, api: ApiClient) -> None:
    place = workshop(api)["id"]
    pages.sign_in(SEWING_OPERATOR)
    html = pages.get(f"/places/{place}/deliveries")
    assert "Ce lieu n'a pas de coursier bénévole : ses tournées ne sont pas proposées." in text_of(html)
    assert not re.search(rf'action="/places/{place}/delivery-runs"', html)
