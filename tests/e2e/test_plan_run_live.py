"""A coordinator follows a planner run live in Debian's Chromium: in production mode (`makernet serve` with Redis as
its broker, the worker a process of its own), the run's page says the run waits for a worker, then — once the worker
starts, without the page being reloaded — shows its proposals."""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, open_tab, require_chromium, shoot
from tests.e2e.people import check_page
from tests.e2e.test_journeys import SOON, item_id, sign_in
from tests.support.api import COORDINATOR, REQUESTER, ApiClient
from tests.support.processes import MakerNetInstallation
from tests.support.services import redis_key_space

pytestmark = [pytest.mark.redis]
LIVE = 30_000   # ms to wait for the worker to start, make the run, and the page's next refresh


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory, demo_database: Path) -> Iterator[MakerNetInstallation]:
    """`makernet serve` on a copy of the demo territory with Redis as its broker, and no worker yet."""
    require_chromium()
    folder = tmp_path_factory.mktemp("plan-run-live")
    shutil.copy(demo_database, folder / "makernet.sqlite3")
    with redis_key_space() as (redis_url, prefix):
        installation = MakerNetInstallation(folder, broker_url=redis_url, broker_key_prefix=prefix,
                                            plan_daily_at="off")
        try:
            installation.serve()
            yield installation
        finally:
            installation.stop()


@pytest.fixture(scope="module")
def api(region: MakerNetInstallation) -> Iterator[ApiClient]:
    with httpx.Client(base_url=region.url, timeout=20) as client:
        yield ApiClient(client)


@pytest.fixture(scope="module")
def browser(region: MakerNetInstallation, launched_chromium: object) -> object:
    return launched_chromium


@pytest.fixture
def page(browser: object, region: MakerNetInstallation) -> Iterator[Page]:
    with open_tab(browser, region.url) as tab:
        yield tab


def test_the_run_page_goes_from_waiting_for_a_worker_to_its_proposals_without_a_reload(
        page: Page, api: ApiClient, region: MakerNetInstallation) -> None:
    request = api.ok("post", "/requests", REQUESTER, {
        "needed_by": SOON.isoformat(), "delivery_point": "Caserne des pompiers, Rochefort",
        "priority": "emergency_services", "lines": [{"item_id": item_id(api, "visiere"), "quantity": 60}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    sign_in(page, COORDINATOR)
    page.goto("/plans")
    page.get_by_role("button", name="Lancer le planificateur").click()
    expect(page.get_by_text("Planificateur lancé : cette page suit le passage jusqu'à ses propositions.")).to_be_visible()
    progress = page.get_by_role("heading", name="Passage en cours")
    expect(progress).to_be_visible()
    expect(page.get_by_text("Il attend qu'un worker le prenne.")).to_be_visible()
    expect(page.locator("#plan-run progress")).to_have_attribute("value", "0")
    # no screenshot while the page is live: Playwright's leaves an empty style attribute on the form inputs, which
    # htmx's next swap copies onto the new ones of the same id, and the content security policy refuses
    check_page(page, "a run waiting for a worker")
    page.evaluate("window.stillTheSamePage = true")   # gone if the page were reloaded

    region.start("worker", "worker", "--concurrency", "1")
    expect(page.get_by_text(re.compile(r"Planification faite : 60 unités proposées, 0 non planifiée\."))) \
        .to_be_visible(timeout=LIVE)
    expect(progress).to_have_count(0)
    card = page.locator("article", has_text=f"demande n° {request['id']}").first
    expect(card.locator(".explanation")).to_contain_text("km du point de livraison")
    assert page.evaluate("window.stillTheSamePage") is True
    check_page(page, "a run done")
    page.set_viewport_size(PHONE)
    check_page(page, "a run done, on a phone")
    shoot(page, "coordinator-plan-run-done-phone")
