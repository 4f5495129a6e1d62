"""The coordinator's triage on a phone: who asks, for what, by when and why, without widening the page."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, shoot
from tests.e2e.test_journeys import SOON, item_id, sign_in
from tests.support.api import COORDINATOR, OTHER_REQUESTER, ApiClient


def test_triage_shows_each_request_in_full_on_a_390_px_phone(page: Page, http_api: ApiClient) -> None:
    reason = "Rentrée des écoles lundi : agents d'accueil sans protection (arrêté n° https://www.charente-maritime.gouv.fr/arretes/2020-03-17-0042-protection)"
    created = http_api.ok("post", "/requests", OTHER_REQUESTER, {
        "needed_by": SOON.isoformat(), "delivery_point": "Salle polyvalente, 4 rue Audry de Puyravault",
        "priority": "care_staff", "urgency_reason": reason,
        "lines": [{"item_id": item_id(http_api, "visiere"), "quantity": 40},
                  {"item_id": item_id(http_api, "masque-tissu"), "quantity": 125}]})
    page.set_viewport_size(PHONE)
    sign_in(page, COORDINATOR)
    page.goto("/triage")
    card = page.locator(f"article[aria-labelledby='request-{created['id']}']")
    expect(card).to_contain_text("Mairie de Surgères")
    expect(card.get_by_role("list", name="Articles demandés")).to_contain_text("Visière de protection : 40")
    expect(card.get_by_role("list", name="Articles demandés")).to_contain_text("Masque tissu AFNOR S76-001 : 125")
    expect(card).to_contain_text("Soignants")
    expect(card).to_contain_text(reason)
    expect(card).to_contain_text(f"{SOON.day}er " if SOON.day == 1 else f"{SOON.day} ")
    expect(card).to_contain_text("165 unités en tout")
    assert "(s)" not in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the phone"
    shoot(page, "coordinator-triage-phone")
