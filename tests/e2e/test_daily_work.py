"""A full day of each role on the demo territory, in Debian's Chromium, at desktop and phone width.

Every page met is checked as a person would see it (`tests/e2e/people.py`): it fits the window, it speaks
French, and each state offers the next action — no dead end.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, shoot
from tests.e2e.people import check_page
from tests.e2e.test_journeys import SOON, item_id, place_id, proposed, sign_in
from tests.support.api import CARE_HOME, COORDINATOR, OTHER_OPERATOR, REQUESTER, SEWING_OPERATOR, ApiClient

WIDTHS = pytest.mark.parametrize("window", [DESKTOP, PHONE], ids=["desktop", "phone"])


@WIDTHS
def test_an_operator_with_printers_reported_by_hand_runs_accepted_work_to_the_end_and_delivers_it(
        page: Page, http_api: ApiClient, window: dict) -> None:
    page.set_viewport_size(window)
    order = proposed(http_api, "Fab-lab de l'Aunis", "visiere", 50)
    sign_in(page, OTHER_OPERATOR)
    check_page(page, "proposed work")
    card = page.locator("article", has_text=f"Ordre n° {order['id']}")
    card.get_by_label("Quantité acceptée").fill("40")   # a part: four plates over the place's printers
    card.get_by_role("button", name="Accepter").click()
    expect(page.get_by_text(f"Ordre de fabrication n° {order['id']} accepté (40 unités)")).to_be_visible()

    page.goto(f"/places/{order['place_id']}/queue")
    mine = f"l'ordre n° {order['id']}"
    rejected = 0
    for _turn in range(14):   # four plates and the one that makes the reject again: each printed by hand,
        # reported, the bed cleared for the next
        check_page(page, "machine queue")
        plates = http_api.ok("get", f"/jobs?work_order_id={order['id']}", OTHER_OPERATOR)
        if all(p["status"] == "done" for p in plates):
            break
        running = page.locator("section.card", has_text=mine).filter(has_text="Déclarer ce plateau…")
        clear = page.get_by_role("button", name="Plateau libre : lancer le suivant")
        # no dead end: a plate of the order is in hand to be reported, or a bed waits to be cleared
        assert running.count() or clear.count(), page.locator("#machines").inner_text()
        if running.count():
            machine = running.first
            machine.get_by_text("Déclarer ce plateau…").click()
            if not rejected:   # the first plate has a reject; the others come out whole (the count offered)
                machine.get_by_label("Unités bonnes").fill("9")
                machine.get_by_label("Rebuts").fill("1")
            machine.get_by_role("button", name="Enregistrer").click()
            expect(page.get_by_text(re.compile(r"n° \d+ enregistré"))).to_be_visible()
            if not rejected:
                expect(page.get_by_text("1 unité à refaire est remise dans la file.")).to_be_visible()
            rejected = 1
        else:
            clear.first.click()
            expect(page.get_by_text(re.compile("Plateau libre sur"))).to_be_visible()
    plates = http_api.ok("get", f"/jobs?work_order_id={order['id']}", OTHER_OPERATOR)
    assert [(p["status"], p["units"]) for p in plates][-1] == ("done", 1)   # the reject, made again
    assert [p["status"] for p in plates] == ["done"] * 5
    assert (sum(p["units_made"] for p in plates), sum(p["units_rejected"] for p in plates)) == (40, 1)
    assert http_api.ok("get", f"/work-orders/{order['id']}", OTHER_OPERATOR)["status"] == "done"
    shoot(page, f"daily-operator-by-hand-queue-{window['width']}")

    page.goto(f"/places/{order['place_id']}")   # the place's page, its printers in their tables
    check_page(page, "place page")
    page.goto(f"/places/{order['place_id']}/deliveries/new")
    check_page(page, "new delivery")
    page.get_by_role("link", name=f"Demande n° {order['request_id']}").click()
    check_page(page, "delivery form")
    page.get_by_label("Mode").select_option(label="Coursier bénévole")
    page.get_by_role("button", name="Préparer la livraison").click()
    expect(page.get_by_text(re.compile(r"Livraison n° \d+ préparée"))).to_be_visible()
    check_page(page, "delivery prepared")
    page.get_by_label("État").select_option(label="Préparée")   # the place's deliveries, filtered and counted
    page.get_by_label("Préparées à partir du").fill(date.today().isoformat())
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("nav.pager").first).to_contain_text(re.compile(r"^\s*\d+ livraisons?\s*$"))
    check_page(page, "deliveries, filtered")
    page.get_by_role("link", name="Effacer les filtres").first.click()
    expect(page.get_by_label("État")).to_have_value("")


@WIDTHS
def test_a_requester_posts_follows_changes_receives_and_confirms_a_request(
        page: Page, http_api: ApiClient, window: dict) -> None:
    page.set_viewport_size(window)
    sign_in(page, REQUESTER)
    page.get_by_role("navigation").get_by_role("link", name="Nouvelle demande").click()
    check_page(page, "new request")
    page.get_by_label("Article").first.select_option(label="Masque tissu AFNOR S76-001")
    page.get_by_label("Quantité").first.fill("30")
    page.get_by_label("Date de besoin").fill(SOON.isoformat())
    page.get_by_label("Lieu de livraison").fill("Médiathèque, Rochefort")
    page.get_by_role("button", name="Envoyer la demande").click()
    heading = page.get_by_role("heading", name=re.compile(r"Demande n° \d+"))
    expect(heading).to_be_visible()
    request_id = int(re.search(r"\d+", heading.inner_text()).group(0))  # type: ignore[union-attr]
    check_page(page, "request page")

    # the list says how many there are and filters by state
    page.get_by_role("navigation").get_by_role("link", name="Mes demandes").click()
    expect(page.locator(".pager")).to_contain_text("demande")
    page.get_by_label("État").select_option("submitted")
    page.get_by_role("button", name="Filtrer").click()
    check_page(page, "my requests, filtered")
    page.get_by_role("link", name=f"Demande n° {request_id}", exact=True).click()

    # a change before production: 30 becomes 40
    page.get_by_role("link", name="Modifier la demande").click()
    check_page(page, "change form")
    page.get_by_label("Quantité").first.fill("40")
    page.get_by_role("button", name="Enregistrer les modifications").click()
    expect(page.get_by_text("Médiathèque, Rochefort")).to_be_visible()
    check_page(page, "request changed")

    # the coordination and a sewing workshop do their part; the requester receives the masks
    lines = http_api.ok("get", f"/requests/{request_id}", REQUESTER)["lines"]
    assert lines[0]["quantity"] == 40
    http_api.ok("post", f"/requests/{request_id}/approve", COORDINATOR)
    workshop = place_id(http_api, "Atelier couture solidaire")
    order = http_api.ok("post", "/work-orders", COORDINATOR, {"request_line_id": lines[0]["id"], "place_id": workshop,
                                                               "quantity": 40})
    http_api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    for job in http_api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR):
        http_api.ok("post", f"/jobs/{job['id']}/report", SEWING_OPERATOR, {"units_made": job["units"]})
    http_api.ok("post", "/deliveries", SEWING_OPERATOR, {"place_id": workshop, "request_id": request_id,
                                                          "lines": [{"request_line_id": lines[0]["id"], "quantity": 40}]})
    page.reload()
    check_page(page, "request on its way")
    expect(page.get_by_role("link", name="Modifier la demande")).to_have_count(0)   # production has started
    page.get_by_label("Reçu par").fill("Claire Martin")
    page.get_by_role("button", name="Confirmer la réception").click()
    expect(page.get_by_text("Reçue par Claire Martin.")).to_be_visible()
    check_page(page, "request received")
    shoot(page, f"daily-requester-{window['width']}")


@WIDTHS
def test_a_coordinator_triages_allocates_by_hand_and_by_planner_and_reads_supply_reports_and_dashboard(
        page: Page, http_api: ApiClient, window: dict) -> None:
    page.set_viewport_size(window)
    by_hand = http_api.ok("post", "/requests", CARE_HOME, {
        "needed_by": SOON.isoformat(), "delivery_point": "EHPAD Les Tilleuls, Saintes", "priority": "care_staff",
        "urgency_reason": "visites des familles", "lines": [{"item_id": item_id(http_api, "visiere"), "quantity": 20}]})
    sign_in(page, COORDINATOR)
    expect(page.get_by_role("heading", name="Tri des demandes")).to_be_visible()
    check_page(page, "triage")
    card = page.locator("article", has_text=f"Demande n° {by_hand['id']}")
    expect(card).to_contain_text("visites des familles")   # who asks, for what and why
    card.get_by_role("button", name="Approuver").click()
    expect(page.get_by_text(f"Demande n° {by_hand['id']} approuvée.")).to_be_visible()
    page.locator("article", has_text=f"Demande n° {by_hand['id']}").get_by_role("link", name="Attribuer").click()
    check_page(page, "allocation")
    page.get_by_label("Lieu de fabrication").select_option(label="FabLab La Rochelle")
    page.get_by_label("Quantité").fill("20")
    page.get_by_role("button", name="Proposer").click()
    expect(page.get_by_text(re.compile(r"20 unités proposées à FabLab La Rochelle"))).to_be_visible()

    # the coordination takes half of it back, saying why: the place reads it, the rest is planned again
    (order,) = [o for o in http_api.ok("get", "/work-orders?status=proposed", COORDINATOR)
                if o["request_id"] == by_hand["id"]]
    page.get_by_role("navigation").get_by_role("link", name="Ordres de fabrication").click()
    page.get_by_role("link", name=f"Ordre n° {order['id']}").click()
    check_page(page, "work order")
    page.get_by_label("Nouvelle quantité").fill("10")
    page.get_by_label("Motif, que le lieu lira").fill("La Rochelle est déjà très chargée")
    page.get_by_role("button", name="Réduire à cette quantité").click()
    expect(page.get_by_text("10 unités reprises par la coordination : La Rochelle est déjà très chargée").first
           ).to_be_visible()
    check_page(page, "work order taken back")

    page.get_by_role("navigation").get_by_role("link", name="Planification").click()
    check_page(page, "planning")
    page.get_by_role("button", name="Lancer le planificateur").click()
    expect(page.get_by_role("heading", name=re.compile(r"Planification n° \d+"))).to_be_visible()
    check_page(page, "plan run")
    for name, where in (("En retard", "late work"), ("Ordres de fabrication", "work orders"), ("Approvisionnement", "supply"),
                        ("Stocks", "stocks"), ("Tableau de bord", "dashboard"), ("Rapports", "reports")):
        page.get_by_role("navigation").get_by_role("link", name=name).click()
        check_page(page, where)
    with page.expect_response(lambda answer: "/reports/production.pdf" in answer.url) as report:
        page.get_by_role("button", name="Produire le rapport").click()
    assert report.value.status == 200 and report.value.headers["content-type"] == "application/pdf"
    shoot(page, f"daily-coordinator-{window['width']}")
