"""What must not work, in the browser: bad input, other people's data by URL, forms without their token."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import shoot
from tests.e2e.test_journeys import SOON, item_id, place_id, sign_in
from tests.support.api import OTHER_OPERATOR, OTHER_REQUESTER, REQUESTER, ApiClient


def test_bad_request_input_shows_errors_in_place_and_keeps_what_was_typed(page: Page) -> None:
    sign_in(page, REQUESTER)
    page.goto("/requests/new")
    page.get_by_label("Quantité").first.fill("-4")
    page.get_by_label("Date de besoin").fill("2020-03-17")
    page.get_by_label("Lieu de livraison").fill("Salle des fêtes")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator("#needed_by-errors")).to_contain_text("passée")
    expect(page.locator("#lines-0-quantity-errors")).to_contain_text("Entre 1 et 1 000 000")
    expect(page.locator("#lines-0-item_id-errors")).to_contain_text("Choisissez un article")
    expect(page.get_by_label("Lieu de livraison")).to_have_value("Salle des fêtes")
    expect(page.get_by_label("Quantité").first).to_have_value("-4")
    expect(page.get_by_label("Date de besoin")).to_have_attribute("aria-invalid", "true")
    shoot(page, "unhappy-bad-input")


def test_a_requester_cannot_open_another_organisations_request_by_changing_the_url(
        page: Page, http_api: ApiClient) -> None:
    theirs = http_api.ok("post", "/requests", OTHER_REQUESTER, {
        "needed_by": SOON.isoformat(), "delivery_point": "Mairie de Surgères, bureau 4",
        "lines": [{"item_id": item_id(http_api, "visiere"), "quantity": 15}]})
    sign_in(page, REQUESTER)
    answer = page.goto(f"/requests/{theirs['id']}")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    expect(page.get_by_text("bureau 4")).to_have_count(0)
    shoot(page, "unhappy-other-organisation")


def test_an_operator_cannot_see_another_places_queue(page: Page, http_api: ApiClient) -> None:
    sign_in(page, OTHER_OPERATOR)
    answer = page.goto(f"/places/{place_id(http_api, 'FabLab La Rochelle')}/queue")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    shoot(page, "unhappy-other-queue")


def test_a_form_posted_without_its_csrf_token_is_refused(page: Page, http_api: ApiClient) -> None:
    before = len(http_api.ok("get", "/requests", REQUESTER))
    sign_in(page, REQUESTER)
    page.goto("/requests/new")
    page.get_by_label("Article").first.select_option(label="Visière de protection")
    page.get_by_label("Quantité").first.fill("10")
    page.get_by_label("Date de besoin").fill(SOON.isoformat())
    page.get_by_label("Lieu de livraison").fill("Mairie")
    page.evaluate("() => document.querySelectorAll('form.stack input[name=csrf_token]').forEach(i => i.remove())")
    with page.expect_response(lambda r: r.url.endswith("/requests/new") and r.request.method == "POST") as posted:
        page.get_by_role("button", name="Envoyer la demande").click()
    assert posted.value.status == 400
    expect(page.get_by_text("Le formulaire a expiré")).to_be_visible()
    assert len(http_api.ok("get", "/requests", REQUESTER)) == before
    shoot(page, "unhappy-no-csrf")
