"""A full day of each role on the demo territory, in Debian's Chromium, at desktop and phone width.

Every page met is checked as a person would see it (`tests/e2e/people.py`): it fits the window, it speaks
French, and each state offers the next action — no dead end.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, shoot
from tests.e2e.people import check_page
from tests.e2e.test_journeys import proposed, sign_in
from tests.support.api import OTHER_OPERATOR, ApiClient

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
    made = rejected = 0
    for _turn in range(12):   # four plates: each printed by hand, reported, the bed cleared for the next
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
            machine.get_by_label("Unités bonnes").fill("9" if not rejected else "10")
            machine.get_by_label("Rebuts").fill("1" if not rejected else "0")
            machine.get_by_role("button", name="Enregistrer").click()
            made, rejected = made + (9 if not rejected else 10), 1
            expect(page.get_by_text(re.compile(r"n° \d+ enregistré"))).to_be_visible()
        else:
            clear.first.click()
            expect(page.get_by_text(re.compile("Plateau libre sur"))).to_be_visible()
    plates = http_api.ok("get", f"/jobs?work_order_id={order['id']}", OTHER_OPERATOR)
    assert [p["status"] for p in plates] == ["done"] * 4
    assert (sum(p["units_made"] for p in plates), sum(p["units_rejected"] for p in plates)) == (made, 1) == (39, 1)
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
