"""An operator connects a Klipper printer (Moonraker) at desktop width and a Prusa (PrusaLink) at phone width from
the place's page, in Debian's Chromium: the host chosen, its key pasted, the printer read, the connection tested; on
an installation of its own that may reach printers on loopback, against the real hosts (a wrong key, refused and
shown, is the host journeys' first step: tests/integration/test_host_journeys.py). Every page met goes through
`check_page`.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DESKTOP, PHONE, open_tab, require_chromium, shoot
from tests.e2e.people import check_page
from tests.e2e.test_journeys import sign_in
from tests.support.api import OPERATOR, OTHER_OPERATOR
from tests.support.host_venv import HostServer
from tests.support.moonraker import MoonrakerServer
from tests.support.processes import MakerNetInstallation
from tests.support.prusalink import PrusaLinkServer

pytestmark = [pytest.mark.moonraker, pytest.mark.prusalink]
LIVE = 15_000   # ms to wait for what the worker reads and the page's live refresh shows
# (host's label on the page, how its server starts, the printer's name, the width, whose place)
CASES = {"moonraker": ("Klipper (Moonraker)", MoonrakerServer, "Voron 2.4", DESKTOP, OTHER_OPERATOR),
         "prusalink": ("PrusaLink", PrusaLinkServer, "Prusa MK4", PHONE, OPERATOR)}


@pytest.fixture(scope="module")
def fablab(tmp_path_factory: pytest.TempPathFactory, demo_database: Path) -> Iterator[MakerNetInstallation]:
    """`makernet serve` (its worker inside) on a copy of the demo territory, printers allowed on loopback."""
    require_chromium()
    folder = tmp_path_factory.mktemp("hosts-journey")
    shutil.copy(demo_database, folder / "makernet.sqlite3")
    installation = MakerNetInstallation(folder)
    try:
        installation.serve()
        yield installation
    finally:
        installation.stop()


@pytest.mark.parametrize("host", list(CASES))
def test_an_operator_connects_a_klipper_or_prusa_printer_with_the_key_copied_from_its_host(
        fablab: MakerNetInstallation, launched_chromium: object, host: str) -> None:
    label, server_kind, printer, window, operator = CASES[host]
    server: HostServer = server_kind()
    server.start()
    try:
        with open_tab(launched_chromium, fablab.url) as page:
            page.set_viewport_size(window)
            sign_in(page, operator)
            page.get_by_role("navigation").get_by_role("link", name="Mon lieu").click()
            connect(page, label, printer, server.url, server.api_key)
            row = page.locator("#printer-onboarding tbody tr", has_text=printer)
            expect(row.locator(".badge")).to_have_text("Prête", timeout=LIVE)   # read by the worker, shown live
            row.get_by_role("button", name="Tester la connexion").click()
            expect(page.get_by_text(f"Connexion réussie : {label}")).to_be_visible()
            check_page(page, f"{host} printer connected")
            shoot(page, f"host-{host}-connected-{window['width']}")
    finally:
        server.close()


def connect(page: Page, label: str, printer: str, url: str, key: str) -> None:
    """Fill the place page's form as the operator does: name, host, address, profile, the key copied from the host."""
    page.get_by_label("Nom", exact=True).fill(printer)
    page.get_by_label("Hôte de l'imprimante").select_option(label=label)
    page.get_by_label("Adresse de l'hôte").fill(url)
    page.get_by_label("Profil d'impression").select_option("prusa-mk3")
    page.get_by_label("Clé de l'hôte").fill(key)
    page.get_by_role("button", name="Raccorder l'imprimante").click()
    expect(page.get_by_role("status").filter(has_text="Clé enregistrée")).to_be_visible()
