"""A region's MakerNet behind nginx (Debian's, on loopback, TLS): sign in through it, as a browser does.

Checks what only a real proxy shows: the session cookie is Secure and HttpOnly, every answer
carries the security headers and HSTS, and the delivery note's QR link is the public address.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.support import nginx
from tests.support.api import ApiClient
from tests.support.octoprint import free_port
from tests.unit.test_deliveries import made_masks, ship

SEWING = "couture.saintes@demo.makernet.fr"


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory, demo_database: Path) -> Iterator[str]:
    """`makernet serve` told it stands behind one proxy at a public https address, and nginx in front."""
    nginx.require_nginx()
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed")
    folder = tmp_path_factory.mktemp("proxied-instance")
    shutil.copy(demo_database, folder / "makernet.sqlite3")
    upstream, http_port, https_port = free_port(), free_port(), free_port()
    url = f"https://127.0.0.1:{https_port}"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MAKERNET_")},
           "MAKERNET_INSTANCE_DIR": str(folder), "MAKERNET_SECRET_KEY": "proxy-journey",
           "MAKERNET_PORT": str(upstream), "MAKERNET_HOST": "127.0.0.1",
           "MAKERNET_PUBLIC_URL": url, "MAKERNET_TRUSTED_PROXIES": "1"}
    log = (folder / "serve.log").open("w")
    app = subprocess.Popen([sys.executable, "-m", "makernet.cli", "serve", "--threads", "4"], env=env, stdout=log,
                           stderr=subprocess.STDOUT)
    proxy = None
    try:
        proxy = nginx.start(folder / "nginx", upstream, http_port, https_port)
        yield url
    finally:
        for process in (proxy, app):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def test_a_workshop_signs_in_through_the_proxy_and_its_delivery_note_links_to_the_public_address(
        public: str, browser: Browser) -> None:
    with httpx.Client(base_url=public, verify=False, timeout=20) as client:
        first = client.get("/login")
        assert first.status_code == 200 and first.headers["Strict-Transport-Security"].startswith("max-age=")
        made = made_masks(ApiClient(client), 20)
        delivery = ship(ApiClient(client), made, 20)
    context = browser.new_context(base_url=public, ignore_https_errors=True, locale="fr-FR")
    page = context.new_page()
    answer = page.goto("/login")
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    page.get_by_label("Adresse e-mail").fill(SEWING)
    page.get_by_label("Mot de passe").fill("makernet-demo")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    session = next(c for c in context.cookies() if c["name"] == "session")
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Lax"
    note = page.request.get(f"/deliveries/{delivery['id']}/note.pdf")
    assert note.status == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(note.body())).pages).replace("\n", "")
    assert f"{public}/deliveries/{delivery['id']}/receipt" in text
    context.close()

