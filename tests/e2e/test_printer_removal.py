"""On a phone, the operator takes a printer whose OctoPrint does not answer out of the place, from the place page."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, shoot
from tests.e2e.test_journeys import place_id, sign_in
from tests.support.api import OPERATOR, ApiClient


def test_the_operator_removes_a_printer_on_a_phone_without_the_page_widening(page: Page, http_api: ApiClient) -> None:
    lab = place_id(http_api, "FabLab La Rochelle")
    printer = http_api.ok("post", f"/places/{lab}/printers", OPERATOR, {
        "name": "Ender du fond", "url": "http://192.168.1.31:5000", "printer_profile": "prusa-mk3",
        "api_key": "E2eKey0123456789"}, status=201)
    sign_in(page, OPERATOR)
    page.set_viewport_size(PHONE)
    page.goto(f"/places/{lab}#printer-onboarding")
    row = page.locator("#printer-onboarding tr", has_text="Ender du fond")
    expect(row).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Retirer l'imprimante").click()
    expect(page.get_by_text("Ender du fond est retirée du lieu.")).to_be_visible()
    expect(page.locator("#printer-onboarding tr", has_text="Ender du fond")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.get_by_label("Profil d'impression").locator("option", has_text="prusa-mk3")).to_have_count(1)
    shoot(page, "operator-removes-printer-phone")
    assert http_api.call("delete", f"/machines/{printer['id']}", OPERATOR).status_code == 404
