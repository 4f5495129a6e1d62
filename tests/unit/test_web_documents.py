"""Documents through the pages: the production report of a period, cost estimates as PDF."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from tests.support.api import COORDINATOR, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.support.pages import Pages, errors_of, text_of

TODAY = date.today()


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
