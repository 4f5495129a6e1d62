"""Documents and data files through the pages: production report, CSV exports, CSV import with a dry run, estimates."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from tests.support.api import COORDINATOR, OPERATOR, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.support.pages import Pages, errors_of, text_of
from tests.support.snapshots import row_counts

TODAY = date.today()
PLACES = ("nom;departement;commune;personnes;acceptation_auto\n"
          "Atelier de Royan;17;Royan;3;non\n"
          "Fab-lab de Bordeaux;33;Bordeaux;2;non\n"
          "Fab-lab de Niort;79;Niort;deux;non\n"
          "Fab-lab de Cognac;16;Cognac;2;peut-être\n")


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def pdf_text(answer) -> str:  # noqa: ANN001
    assert answer.status_code == 200 and answer.mimetype == "application/pdf", answer.get_data(as_text=True)[:500]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.get_data())).pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def test_a_coordinator_prints_the_production_report_of_a_period_and_is_told_when_it_makes_no_sense(pages: Pages) -> None:
    pages.sign_in(COORDINATOR)
    assert "Rapport de production" in text_of(pages.get("/reports"))
    start, end = TODAY - timedelta(days=30), TODAY
    text = pdf_text(pages.client.get(f"/reports/production.pdf?start={start}&end={end}&departements=17"))
    assert "Rapport de production" in text and "Départements 17" in text
    backwards = pages.client.get(f"/reports/production.pdf?start={end}&end={start}")
    assert backwards.status_code == 422 and "avant de commencer" in errors_of(backwards.get_data(as_text=True), "end")
    elsewhere = pages.client.get(f"/reports/production.pdf?start={start}&end={end}&departements=33")
    assert elsewhere.status_code == 422 and errors_of(elsewhere.get_data(as_text=True), "departements")


def test_csv_exports_download_what_the_user_may_see(pages: Pages, api: ApiClient) -> None:
    pages.sign_in(COORDINATOR)
    answer = pages.client.get("/exports/stock.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    assert answer.get_data(as_text=True).lstrip("\ufeff").startswith("place_id;place;departement;material")
    assert pages.client.get("/exports/nothing.csv").status_code == 404
    pages.sign_in(REQUESTER)
    assert pages.client.get("/exports/requests.csv").status_code == 200
    assert pages.client.get("/exports/stock.csv").status_code == 403


def test_an_import_dry_run_lists_every_bad_row_by_line_and_imports_nothing(pages: Pages, app) -> None:  # noqa: ANN001
    pages.sign_in(COORDINATOR)
    pages.get("/imports")
    before = row_counts(app)
    checked = pages.post("/imports", {"kind": "places", "action": "import",
                                      "file": (io.BytesIO(PLACES.encode()), "lieux.csv")},
                         content_type="multipart/form-data")
    page = text_of(checked.get_data(as_text=True))
    assert checked.status_code == 422 and "Rien n'a été importé" in page
    for line in ("3 le département 33 est hors de votre territoire", "4 staff_available doit être un nombre entier",
                 "5 auto_accept doit valoir oui ou non, pas 'peut-être'"):
        assert line in page, line
    assert row_counts(app) == before
    good = PLACES.split("\n")[:2]
    dry = pages.post("/imports", {"kind": "places", "action": "check",
                                  "file": (io.BytesIO("\n".join(good).encode()), "lieux.csv")},
                     content_type="multipart/form-data")
    assert dry.status_code == 200 and "Le fichier est correct" in text_of(dry.get_data(as_text=True))
    assert row_counts(app) == before
    done = pages.post("/imports", {"kind": "places", "action": "import",
                                   "file": (io.BytesIO("\n".join(good).encode()), "lieux.csv")},
                      content_type="multipart/form-data")
    assert done.status_code == 200 and "1 ligne(s) importée(s)" in text_of(done.get_data(as_text=True))
    assert row_counts(app)["place"] == before["place"] + 1


def test_operators_may_import_machines_but_not_places(pages: Pages) -> None:
    pages.sign_in(OPERATOR)
    page = pages.get("/imports")
    assert 'value="machines"' in page and 'value="places"' not in page
    refused = pages.post("/imports", {"kind": "places", "action": "check",
                                      "file": (io.BytesIO(PLACES.encode()), "lieux.csv")},
                         content_type="multipart/form-data")
    assert refused.status_code == 422 and errors_of(refused.get_data(as_text=True), "kind")


def test_a_cost_estimate_prints_from_the_form_and_an_unknown_price_is_asked_for(pages: Pages, api: ApiClient) -> None:
    workshop = next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "Atelier couture solidaire")
    mask = next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == "masque-tissu")
    pages.sign_in(SEWING_OPERATOR)
    assert "Devis pour une petite série" in text_of(pages.get(f"/estimates?place_id={workshop}"))
    form = {"place_id": workshop, "item_id": mask, "quantity": "40", "customer": "EHPAD Les Tilleuls",
            "minutes_per_unit": "15", "finishing_minutes_per_unit": "", "cost_tissu-coton": "1,50"}
    unpriced = pages.post("/estimates", form)
    assert unpriced.status_code == 422
    assert "Prix inconnu pour Élastique" in errors_of(unpriced.get_data(as_text=True), "cost_elastique")
    text = pdf_text(pages.post("/estimates", {**form, "cost_elastique": "0,05"}))
    assert "Fabrication : 40 × 15,0 min" in text and "Total du devis 166,00 €" in text
