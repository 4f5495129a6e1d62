"""Data files through the pages: CSV exports of what the user may see, the CSV import with a dry run."""
from __future__ import annotations

import io

import pytest

from tests.support.api import COORDINATOR, OPERATOR, REQUESTER, ApiClient
from tests.support.pages import Pages, errors_of, text_of
from tests.support.snapshots import row_counts

PLACES = ("nom;departement;commune;personnes;acceptation_auto\n"
          "Atelier de Royan;17;Royan;3;non\n"
          "Fab-lab de Bordeaux;33;Bordeaux;2;non\n"
          "Fab-lab de Niort;79;Niort;deux;non\n"
          "Fab-lab de Cognac;16;Cognac;2;peut-être\n")


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


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
    assert done.status_code == 200 and "1 ligne importée." in text_of(done.get_data(as_text=True))
    assert row_counts(app)["place"] == before["place"] + 1


def test_operators_may_import_machines_but_not_places(pages: Pages) -> None:
    pages.sign_in(OPERATOR)
    page = pages.get("/imports")
    assert 'value="machines"' in page and 'value="places"' not in page
    refused = pages.post("/imports", {"kind": "places", "action": "check",
                                      "file": (io.BytesIO(PLACES.encode()), "lieux.csv")},
                         content_type="multipart/form-data")
    assert refused.status_code == 422 and errors_of(refused.get_data(as_text=True), "kind")
