"""On a phone, a town hall cancels one request and changes another, whose approval is then undone."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, shoot
from tests.e2e.test_journeys import SOON, item_id, place_id, sign_in
from tests.support.api import COORDINATOR, REQUESTER, SEWING_OPERATOR, ApiClient

LATER = date.today() + timedelta(days=25)


def no_sideways_scroll(page: Page) -> None:
    """Nothing on the page is wider than the phone's screen."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways at {PHONE['width']} px: {widths}"


def test_a_requester_cancels_a_request_and_changes_another_on_a_phone(page: Page, http_api: ApiClient) -> None:
    masks = item_id(http_api, "masque-tissu")
    dropped = http_api.ok("post", "/requests", REQUESTER, {
        "needed_by": SOON.isoformat(), "delivery_point": "École Jules-Ferry, Rochefort",
        "lines": [{"item_id": item_id(http_api, "visiere"), "quantity": 15}]})
    kept = http_api.ok("post", "/requests", REQUESTER, {
        "needed_by": SOON.isoformat(), "delivery_point": "Hôtel de ville, Rochefort",
        "lines": [{"item_id": masks, "quantity": 20}]})
    http_api.ok("post", f"/requests/{kept['id']}/approve", COORDINATOR)
    order = http_api.ok("post", "/work-orders", COORDINATOR, {
        "request_line_id": kept["lines"][0]["id"], "place_id": place_id(http_api, "Atelier couture solidaire"),
        "quantity": 20})
    page.set_viewport_size(PHONE)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, REQUESTER)

    page.goto(f"/requests/{dropped['id']}")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Annuler la demande").click()
    expect(page.get_by_text(f"Demande n° {dropped['id']} annulée.")).to_be_visible()
    expect(page.locator(".timeline li.stopped")).to_contain_text("Annulée")
    expect(page.get_by_role("link", name="Modifier la demande")).to_have_count(0)
    no_sideways_scroll(page)
    shoot(page, "requester-cancelled-phone")

    page.goto(f"/requests/{kept['id']}")
    page.get_by_role("link", name="Modifier la demande").click()
    expect(page.get_by_text(re.compile("retourne à son examen"))).to_be_visible()
    no_sideways_scroll(page)
    page.get_by_label("Date de besoin").fill(date.today().isoformat())
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.locator("#needed_by-errors")).to_contain_text("à partir de demain")
    page.get_by_label("Date de besoin").fill(LATER.isoformat())
    page.get_by_label("Quantité").first.fill("35")
    page.get_by_label("Lieu de livraison").fill("Mairie annexe, rue Pierre-Loti")
    page.get_by_label("Pourquoi c'est urgent").fill("Réouverture de l'accueil lundi")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_text(re.compile("Elle retourne à l'examen de la coordination"))).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("Modifiée et renvoyée")
    expect(page.get_by_text("Mairie annexe, rue Pierre-Loti")).to_be_visible()
    no_sideways_scroll(page)
    shoot(page, "requester-changed-phone")

    changed = http_api.ok("get", f"/requests/{kept['id']}", REQUESTER)
    assert changed["status"] == "submitted" and changed["lines"][0]["quantity"] == 35
    assert changed["needed_by"] == LATER.isoformat()
    assert http_api.ok("get", f"/work-orders/{order['id']}", SEWING_OPERATOR)["status"] == "cancelled"
