"""People are told, in Debian's Chromium: the bell counts what is new without a reload, each notification opens
the page to act on, and each role's part runs from the notification to the end (the receipt, the outbox)."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, open_tab, shoot
from tests.e2e.test_journeys import SOON, item_id, place_id, sign_in
from tests.support.api import ADMIN, COORDINATOR, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.support.waiting import wait_for

# what the bell does every half minute, and whenever the window comes back to the front: at least so many unread
# (the quarter-hour round may tell of a request at risk meanwhile)
REFRESHED = """() => { window.dispatchEvent(new Event("focus")); const n = document.querySelector("#bell .count");
                       return n && Number(n.textContent.trim()) >= %s; }"""


def told(http_api: ApiClient, who: str, *subjects: str) -> str:
    """Wait until the worker has told `who` each of `subjects` (telling runs in a task, after the change commits),
    and give the bell's check for at least as many unread as they have now."""
    def unread() -> list[str]:
        return [n["subject"] for n in http_api.ok("get", "/notifications?unread=true", who)]
    wait_for(f"{who} told {subjects}", lambda: all(any(re.search(s, u) for u in unread()) for s in subjects), 15)
    return REFRESHED % len(unread())


def open_notification(page: Page, subject: str | re.Pattern) -> None:
    """From the bell to the list, then the notification's own page."""
    page.locator("#bell").click()
    expect(page.get_by_role("heading", name="Notifications", exact=True)).to_be_visible()
    page.locator("li.notice", has=page.get_by_role("heading", name=subject)).get_by_role("button", name="Ouvrir").click()


def test_each_role_is_told_and_acts_from_its_notification_to_the_end(page: Page, browser, server: str,  # noqa: ANN001
                                                                     http_api: ApiClient) -> None:
    for who in (COORDINATOR, SEWING_OPERATOR, REQUESTER):
        http_api.ok("post", "/notifications/read-all", who)
    sign_in(page, COORDINATOR)

    # a town hall posts a request: the coordinator's bell counts it without a reload
    request = http_api.ok("post", "/requests", REQUESTER, {
        "needed_by": SOON.isoformat(), "delivery_point": "Hôtel de ville, Rochefort",
        "lines": [{"item_id": item_id(http_api, "masque-tissu"), "quantity": 30}]})
    page.wait_for_function(told(http_api, COORDINATOR, f"Nouvelle demande n° {request['id']} "),
                           polling=300, timeout=15_000)
    open_notification(page, f"Nouvelle demande n° {request['id']} : Mairie de Rochefort")
    expect(page).to_have_url(re.compile(f"/requests/{request['id']}$"))
    assert not any(f"Nouvelle demande n° {request['id']} " in n["subject"]   # opened: read (other news may come)
                   for n in http_api.ok("get", "/notifications?unread=true", COORDINATOR))
    shoot(page, "coordinator-told-of-a-request")
    http_api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    order = http_api.ok("post", "/work-orders", COORDINATOR, {
        "request_line_id": request["lines"][0]["id"], "place_id": place_id(http_api, "Atelier couture solidaire"),
        "quantity": 30})

    # the workshop, on a phone: told of the work, it opens the order and accepts it from there
    with open_tab(browser, server) as phone:
        phone.set_viewport_size(PHONE)
        sign_in(phone, SEWING_OPERATOR)
        phone.wait_for_function(told(http_api, SEWING_OPERATOR, "Travail proposé à Atelier couture solidaire : 30 × "),
                                polling=300, timeout=15_000)
        open_notification(phone, re.compile("Travail proposé à Atelier couture solidaire : 30 × Masque"))
        expect(phone).to_have_url(re.compile(f"/work-orders/{order['id']}$"))
        phone.get_by_role("link", name="Accepter ou décliner").click()
        card = phone.locator("article", has_text=f"Ordre n° {order['id']}")
        card.get_by_role("button", name="Accepter").click()
        expect(phone.get_by_text(f"Ordre de fabrication n° {order['id']} accepté")).to_be_visible()
        shoot(phone, "operator-told-of-work-phone")
    job = http_api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)[0]
    http_api.ok("post", f"/jobs/{job['id']}/report", SEWING_OPERATOR, {"units_made": 30, "units_rejected": 0})
    delivery = http_api.ok("post", "/deliveries", SEWING_OPERATOR, {
        "place_id": order["place_id"], "request_id": order["request_id"],
        "lines": [{"request_line_id": order["request_line_id"], "quantity": 30}]})
    http_api.ok("post", f"/deliveries/{delivery['id']}/pick-up", SEWING_OPERATOR, {})   # it leaves: told now

    # the town hall, on a phone: told it was approved and shipped, it confirms receipt from the notification
    with open_tab(browser, server) as phone:
        phone.set_viewport_size(PHONE)
        sign_in(phone, REQUESTER)
        phone.wait_for_function(told(http_api, REQUESTER, f"demande n° {request['id']} est validée",
                                     f"Livraison n° {delivery['id']} en route"), polling=300, timeout=15_000)
        phone.locator("#bell").click()
        expect(phone.get_by_role("heading", name=f"Votre demande n° {request['id']} est validée")).to_be_visible()
        shoot(phone, "requester-notifications-phone")
        open_notification(phone, f"Livraison n° {delivery['id']} en route pour la demande n° {request['id']}")
        expect(phone.get_by_role("heading", name=f"Réception de la livraison n° {delivery['id']}")).to_be_visible()
        phone.get_by_label("Reçu par").fill("Claire Martin")
        phone.get_by_role("button", name="Confirmer la réception").click()
        expect(phone.get_by_text("Réception confirmée. Merci !")).to_be_visible()

    # with no SMTP server set, every one of those e-mails waits in the outbox the administrator reads
    with open_tab(browser, server) as admin:
        sign_in(admin, ADMIN)
        admin.get_by_role("navigation").get_by_role("link", name="Boîte d'envoi").click()
        for to, subject in ((COORDINATOR, f"Nouvelle demande n° {request['id']}"),
                            (SEWING_OPERATOR, "Travail proposé à Atelier couture solidaire"),
                            (REQUESTER, f"Livraison n° {delivery['id']} en route")):
            row = admin.locator("tr", has_text=subject).filter(has_text=to).first
            expect(row).to_contain_text("Gardé ici (pas de serveur SMTP)")
        shoot(admin, "admin-outbox")


def test_a_coordinator_chooses_how_to_be_told_and_pipes_the_coordination_into_its_chat(
        page: Page, browser, server: str, http_api: ApiClient) -> None:  # noqa: ANN001
    sign_in(page, COORDINATOR)
    page.locator("#bell").click()
    page.get_by_role("link", name="Choisir comment être prévenu").click()
    expect(page.get_by_role("heading", name="Être prévenu", exact=True)).to_be_visible()
    page.get_by_label("Lieu qui reprend du travail").select_option(label="Jamais")
    page.get_by_label("Heure du résumé du jour (heure de Paris)").select_option("18")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Vos choix sont enregistrés.")).to_be_visible()
    expect(page.get_by_label("Lieu qui reprend du travail")).to_have_value("never")
    assert http_api.ok("get", "/notification-preferences", COORDINATOR)["digest_hour"] == 18

    page.get_by_label("Adresse (http ou https)").fill("ftp://chat.example.org")
    page.get_by_role("button", name="Ajouter le webhook").click()
    expect(page.get_by_text("Une adresse http:// ou https://")).to_be_visible()
    page.get_by_label("Adresse (http ou https)").fill("https://chat.example.org/hooks/coordination")
    page.get_by_role("button", name="Ajouter le webhook").click()
    secret = page.locator("#webhook-secret").inner_text()
    assert len(secret) >= 40
    shoot(page, "coordinator-notice-settings")
    page.goto(server + "/notifications/settings")
    expect(page.locator("#webhook-secret")).to_have_count(0)          # shown once
    assert secret not in page.content()
    page.locator("section.webhook", has_text="chat.example.org").get_by_role("button", name="Retirer").click()
    expect(page.get_by_text("Ce webhook ne recevra plus rien.")).to_be_visible()

    with open_tab(browser, server) as phone:   # an operator, on a phone: their own kinds only, nothing wider
        phone.set_viewport_size(PHONE)
        sign_in(phone, SEWING_OPERATOR)
        phone.goto(server + "/notifications/settings")
        expect(phone.get_by_label("Travail proposé au lieu")).to_have_value("now")
        expect(phone.get_by_label("Nouvelle demande à examiner")).to_have_count(0)
        phone.get_by_label("Travail proposé au lieu").select_option("digest")
        phone.get_by_role("button", name="Enregistrer").click()
        expect(phone.get_by_text("Vos choix sont enregistrés.")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shoot(phone, "operator-notice-settings-phone")
    http_api.ok("put", "/notification-preferences", SEWING_OPERATOR, {"ways": {"work_proposed": "now"}})
    http_api.ok("put", "/notification-preferences", COORDINATOR, {"ways": {"place_resumed": "digest"}, "digest_hour": 7})
