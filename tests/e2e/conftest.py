"""A real `makernet serve` on a free port with its own copy of the demo data, and Debian's Chromium.

Never a downloaded browser: Playwright drives /usr/bin/chromium. Without it the journeys
skip and say why; with CI=true they fail instead (.ci/run installs it).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.api import ApiClient
from tests.support.waiting import START_TIMEOUT, stop_process

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"Debian's Chromium is not installed at {CHROMIUM}"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: .ci/run must install it (apt-get install chromium)", pytrace=False)
    pytest.skip(f"{message}; `apt-get install chromium` to run the browser journeys")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, demo_database: Path) -> Iterator[str]:
    """`makernet serve` in a subprocess, on its own SQLite copy of the demo territory; yields its URL."""
    require_chromium()
    folder = tmp_path_factory.mktemp("e2e-instance")
    shutil.copy(demo_database, folder / "makernet.sqlite3")
    port = _free_port()
    env = {**os.environ, "MAKERNET_INSTANCE_DIR": str(folder), "MAKERNET_SECRET_KEY": "e2e-secret",
           "MAKERNET_PORT": str(port), "MAKERNET_HOST": "127.0.0.1"}
    for name in ("MAKERNET_DATABASE_URL", "MAKERNET_BROKER_URL"):
        env.pop(name, None)
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "makernet.cli", "serve", "--threads", "4"], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, folder / "serve.log")
        yield url
    finally:
        stop_process(process)
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"makernet serve exited:\n{log.read_text()}")
        try:
            if httpx.get(url + "/health/web", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"makernet serve did not answer within {START_TIMEOUT:.0f} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def launched_chromium() -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright: one per test process, since Playwright's sync API runs
    one event loop per thread (every journey opens its own contexts in it)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def browser(server: str, launched_chromium: object) -> object:
    """The browser of the journeys on the shared demo server."""
    return launched_chromium


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium launched headless through Playwright, closed after."""
    require_chromium()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object, server: str) -> Iterator[object]:
    """A fresh browser context (no cookies) with a desktop window, French by default."""
    with open_tab(browser, server) as tab:
        yield tab


@contextmanager
def open_tab(browser: object, server: str) -> Iterator[object]:
    """A tab in a fresh browser context on `server`, failing the test if a request fails or answers 5xx."""
    context = browser.new_context(base_url=server, viewport=DESKTOP, locale="fr-FR")  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    tab = context.new_page()
    failed: list[str] = []
    # a live refresh cut short by leaving the page is aborted by the browser, not failed by the app
    tab.on("requestfailed", lambda r: failed.append(r.url) if "ERR_ABORTED" not in (r.failure or "") else None)
    tab.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 500 else None)
    # what the content security policy blocks would silently break a page: a live refresh, a style
    tab.on("console", lambda m: failed.append(m.text) if "Content Security Policy" in m.text else None)
    yield tab
    context.close()
    assert not failed, f"requests failed or answered 5xx, or the page broke the security policy: {failed}"


@pytest.fixture(scope="session")
def http_api(server: str) -> Iterator[ApiClient]:
    """The JSON API of the served app, for setting up a journey's starting point."""
    with httpx.Client(base_url=server, timeout=10) as client:
        yield ApiClient(client)


def shoot(page: object, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
