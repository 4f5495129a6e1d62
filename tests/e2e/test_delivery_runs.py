"""A workshop's volunteer runner on a phone, in Debian's headless Chromium: the operator proposes the day's runs,
opens the run sheet to print it, and sends the runner off; the page fits a 390 px screen and speaks French."""
from __future__ import annotations

import io
import re

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import PHONE, shoot
from tests.e2e.people import check_page
from tests.e2e.test_journeys import sign_in
from tests.e2e.test_logistics_journeys import sewn
from tests.support.api import CARE_HOME, SEWING_OPERATOR, ApiClient


def test_an_operator_proposes_prints_and_starts_the_days_run_on_a_phone(page: Page, http_api: ApiClient) -> None:
    order = sewn(http_api, 24, requester=CARE_HOME)
    place = order["place_id"]
    http_api.ok("put", f"/places/{place}/conditions", SEWING_OPERATOR, {"runners": 1, "vehicle": "bike"})
    try:
        page.set_viewport_size(PHONE)
        sign_in(page, SEWING_OPERATOR)
        page.goto(f"/places/{place}/deliveries")
        expect(page.get_by_role("heading", name="Tournées du jour")).to_be_visible()
        page.get_by_role("button", name="Proposer les tournées").click()
        expect(page.get_by_text(re.compile(r"\d+ tournées? proposées? pour \d+ unités"))).to_be_visible()
        run = page.locator("article.run", has_text=f"demande n° {order['request_id']}")
        expect(run).to_contain_text("Coursier 1, tournée 1")
        expect(run).to_contain_text("24 × Masque tissu AFNOR S76-001")
        check_page(page, "the day's runs on a phone")
        shoot(page, "operator-delivery-runs-phone")

        sheet = run.get_by_role("link", name="Aperçu de la feuille (PDF)")
        answer = page.request.get(sheet.get_attribute("href"))
        assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(answer.body())).pages)
        assert "Feuille de tournée" in text and "EHPAD Les Tilleuls" in text and "Arrêt 1" in text

        run.get_by_role("button", name="Partir").click()
        expect(page.get_by_text(re.compile(r"Tournée n° \d+ partie"))).to_be_visible()
        left = page.locator("article.run", has_text=f"demande n° {order['request_id']}")
        expect(left).to_contain_text("En route")
        expect(left.get_by_role("button", name="Partir")).to_have_count(0)
        check_page(page, "a run under way on a phone")
        delivery = http_api.ok("get", f"/deliveries?request_id={order['request_id']}", SEWING_OPERATOR)[0]
        assert (delivery["mode"], delivery["status"]) == ("runner", "picked_up")
    finally:   # the shared demo server's workshop goes back to having no runner, as the other journeys expect
        http_api.ok("put", f"/places/{place}/conditions", SEWING_OPERATOR, {"runners": 0})
