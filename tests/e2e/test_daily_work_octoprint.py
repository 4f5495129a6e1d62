"""The daily work of an operator whose fab-lab connects a printer's OctoPrint, in Debian's Chromium, at desktop and
phone width (beside tests/e2e/test_daily_work.py, on an installation of its own that may reach printers on loopback).

Against a real OctoPrint server with its Virtual Printer, through the worker inside `makernet serve`: the operator
connects the printer from the place's page (address, the key OctoPrint hands out once approved there, the connection
test), accepts proposed work, watches its plates print on it, frees the bed for the next one, and takes the printer
out of the place, its waiting plate going to the place's other printers. Every page met goes through `check_page`.
"""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, open_tab, require_chromium, shoot
from tests.e2e.people import check_page
from tests.e2e.test_journeys import place_id, proposed, sign_in
from tests.support.api import OPERATOR, OTHER_OPERATOR, ApiClient
from tests.support.octoprint import ADMIN_USER, OctoPrintServer
from tests.support.processes import MakerNetInstallation

pytestmark = [pytest.mark.octoprint]

PRINTER = "Prusa de l'entrée"
# each width at its own fab-lab, so one OctoPrint serves both journeys one after the other
PLACES = {DESKTOP["width"]: ("Fab-lab de l'Aunis", OTHER_OPERATOR), PHONE["width"]: ("FabLab La Rochelle", OPERATOR)}
LIVE = 15_000   # ms to wait for what the worker does and the page's live refresh shows


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory,
            demo_database: Path) -> Iterator[tuple[MakerNetInstallation, OctoPrintServer]]:
    """`makernet serve` (its worker and beat inside) on a copy of the demo territory, printers allowed on loopback,
    and a real OctoPrint with its Virtual Printer, nobody's printer yet: both started side by side."""
    require_chromium()
    folder = tmp_path_factory.mktemp("octoprint-journey")
    shutil.copy(demo_database, folder / "makernet.sqlite3")
    installation, printer = MakerNetInstallation(folder), OctoPrintServer(tmp_path_factory.mktemp("octoprint"))
    try:
        with ThreadPoolExecutor(1) as beside:
            printer_up = beside.submit(printer.start)
            installation.serve()
            printer_up.result()
        yield installation, printer
    finally:
        installation.stop()
        printer.close()


@pytest.fixture(scope="module")
def fablab(running: tuple[MakerNetInstallation, OctoPrintServer]) -> MakerNetInstallation:
    return running[0]


@pytest.fixture(scope="module")
def octoprint(running: tuple[MakerNetInstallation, OctoPrintServer]) -> OctoPrintServer:
    return running[1]


@pytest.fixture(scope="module")
def api(fablab: MakerNetInstallation) -> Iterator[ApiClient]:
    with httpx.Client(base_url=fablab.url, timeout=20) as client:
        yield ApiClient(client)


@pytest.fixture(scope="module")
def browser(fablab: MakerNetInstallation, launched_chromium: object) -> object:
    return launched_chromium


@pytest.fixture
def page(browser: object, fablab: MakerNetInstallation, octoprint: OctoPrintServer) -> Iterator[Page]:
    octoprint.wait_for_state("Operational")   # the other width's journey left it idle
    with open_tab(browser, fablab.url) as tab:
        yield tab


def printer_row(page: Page) -> Locator:
    return page.locator("#printer-onboarding tbody tr", has_text=PRINTER)


def printer_card(page: Page) -> Locator:
    return page.locator("section.card", has=page.get_by_role("heading", name=PRINTER))


@pytest.mark.parametrize("window", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_operator_connects_an_octoprint_printer_runs_plates_on_it_and_takes_it_out_of_the_place(
        page: Page, api: ApiClient, octoprint: OctoPrintServer, fablab: MakerNetInstallation, window: dict) -> None:
    page.set_viewport_size(window)
    place, operator = PLACES[window["width"]]
    lab = place_id(api, place)
    sign_in(page, operator)
    check_page(page, "proposed work")

    # the place's page: the printer's address, the user who will approve in OctoPrint, no key typed
    page.get_by_role("navigation").get_by_role("link", name="Mon lieu").click()
    expect(page.get_by_role("heading", name=place, exact=True)).to_be_visible()   # an operator's own place
    check_page(page, "place page")
    page.get_by_label("Nom", exact=True).fill(PRINTER)
    page.get_by_label("Adresse de l'hôte").fill(octoprint.url)
    page.get_by_label("Profil d'impression").select_option("prusa-mk3")
    page.get_by_label("Utilisateur OctoPrint qui acceptera").fill(ADMIN_USER)
    page.get_by_role("button", name="Raccorder l'imprimante").click()
    expect(page.get_by_text("Demande envoyée")).to_be_visible()
    expect(printer_row(page)).to_contain_text("en attente d'accord dans OctoPrint")
    # no dead end while waiting: OctoPrint is a click away, and a request it lost or let expire can be sent again
    expect(printer_row(page).get_by_role("link", name="ouvrir OctoPrint pour accepter")).to_have_attribute(
        "href", octoprint.url)
    expect(printer_row(page).get_by_role("button", name="Redemander une clé")).to_be_visible()
    printer_row(page).get_by_role("button", name="Tester la connexion").click()   # too early: it says what to do
    expect(page.get_by_text("MakerNet n'a pas encore sa clé : acceptez « MakerNet » dans OctoPrint")).to_be_visible()
    check_page(page, "connection tested before approval")
    check_page(page, "printer awaiting approval")

    # the operator says yes in OctoPrint's own page; back on MakerNet, the list has followed: key kept, state read
    assert octoprint.decide_key_requests(approve=True) == 1
    expect(printer_row(page)).to_contain_text("enregistrée", timeout=LIVE)
    expect(printer_row(page).locator(".badge")).to_have_text("Prête", timeout=LIVE)
    check_page(page, "printer connected")
    row = printer_row(page)
    in_sight(page, row.locator(".badge"), row.get_by_role("button", name="Retirer l'imprimante"))   # no sideways scroll
    printer_row(page).get_by_role("button", name="Tester la connexion").click()
    expect(page.get_by_text("Connexion réussie : OctoPrint 1.11.8, imprimante « Prête ».")).to_be_visible()
    check_page(page, "connection tested")
    shoot(page, f"daily-octoprint-connected-{window['width']}")

    # work proposed to the place: every third plate falls on the new printer, the last of them its third
    machines = [m for m in api.ok("get", f"/places/{lab}", operator)["machines"]
                if m["active"] and m["printer_profile"] == "prusa-mk3"]
    order = proposed(api, place, "visiere", 10 * 3 * len(machines))
    page.get_by_role("navigation").get_by_role("link", name="Travaux proposés").click()
    check_page(page, "proposed work")
    page.locator("article", has_text=f"Ordre n° {order['id']}").get_by_role("button", name="Accepter").click()
    expect(page.get_by_text(f"Ordre de fabrication n° {order['id']} accepté")).to_be_visible()
    page.locator(".flash").get_by_role("link", name="Voir la file d'attente").click()
    check_page(page, "machine queue")

    card = printer_card(page)
    for turn in (1, 2):
        # the plate goes to OctoPrint and prints; the live page says when it is done and offers the next
        expect(card.get_by_role("button", name="Plateau libre : lancer le suivant")).to_be_visible(timeout=LIVE)
        page.reload()   # the finished plates are listed, page by page, below the live machines
        card = printer_card(page)
        finished = page.locator("#history ~ ul.jobs li", has_text=PRINTER)
        expect(finished.filter(has=page.locator(".badge", has_text="Terminé"))).to_have_count(turn)
        expect(finished.filter(has_text="10 bonnes, aucun rebut")).to_have_count(turn)
        check_page(page, f"plate {turn} done")
        if turn == 1:
            card.get_by_role("button", name="Plateau libre : lancer le suivant").click()
            expect(page.get_by_text(f"Plateau libre sur {PRINTER}. Plateau suivant envoyé.")).to_be_visible()
            # the next plate is on its way to OctoPrint, its progress shown
            expect(card.get_by_text(re.compile(r"En cours : plateau \d+ de l'ordre"))).to_be_visible()
            expect(card.get_by_role("progressbar")).to_be_visible()
            check_page(page, "next plate sent")
    shoot(page, f"daily-octoprint-queue-{window['width']}")

    # out of the place, from its page: its last waiting plate goes to the place's first other printer
    last = 3 * len(machines)
    expect(card.get_by_text(f"Plateau {last} — ordre n° {order['id']}")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="Mon lieu").click()
    dialogs: list[str] = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    printer_row(page).get_by_role("button", name="Retirer l'imprimante").click()
    expect(page.get_by_text(f"{PRINTER} est retirée du lieu. 1 plateau en attente passe à Prusa 1.")).to_be_visible()
    assert "Ses plateaux en attente passent aux autres imprimantes" in dialogs[0]
    check_page(page, "printer removed")
    expect(printer_row(page)).to_have_count(0)
    page.get_by_role("link", name="File d'attente des machines").click()
    check_page(page, "queue without the printer")
    expect(printer_card(page)).to_have_count(0)
    first = page.locator("section.card", has=page.get_by_role("heading", name="Prusa 1"))
    expect(first.get_by_text(f"Plateau {last} — ordre n° {order['id']}")).to_be_visible()
    shoot(page, f"daily-octoprint-removed-{window['width']}")


def in_sight(page: Page, *parts: Locator) -> None:
    """What the operator must read or press is inside the window's width, not behind a sideways scroll."""
    width = page.viewport_size["width"]  # type: ignore[index]
    for part in parts:
        box = part.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{part} out of sight: {box}"
