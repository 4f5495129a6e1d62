"""Behind the region's reverse proxy: real client addresses, links to the public address, secure cookies, headers."""
from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from makernet import create_app
from makernet.config import Settings
from tests.support.api import ADMIN, OPERATOR
from tests.support.fakes import RecordingQueue
from tests.support.pages import Pages

PUBLIC = "https://makernet.region.example"


@pytest.fixture
def proxied(tmp_path: Path, demo_database: Path) -> Iterator[Flask]:
    """The app as a region runs it: one nginx in front, a public https address."""
    shutil.copy(demo_database, tmp_path / "makernet.sqlite3")
    app = create_app(Settings(instance_dir=tmp_path, secret_key="test", public_url=PUBLIC, trusted_proxies=1))
    app.extensions["makernet"].tasks = RecordingQueue()
    yield app
    app.extensions["makernet"].db.dispose()


def from_client(app: Flask, address: str) -> Pages:
    """A browser behind the proxy, which says who it is in X-Forwarded-For."""
    client = app.test_client()
    client.environ_base.update({"HTTP_X_FORWARDED_FOR": address, "HTTP_X_FORWARDED_PROTO": "https",
                                "HTTP_X_FORWARDED_HOST": "makernet.region.example", "REMOTE_ADDR": "127.0.0.1",
                                "wsgi.url_scheme": "https",  # the proxy speaks https to the browser
                                "HTTP_REFERER": f"{PUBLIC}/login"})  # which names the page a form came from
    return Pages(client)


def test_failed_sign_ins_from_one_client_do_not_lock_out_the_others(proxied: Flask) -> None:
    attacker, operator = from_client(proxied, "203.0.113.7"), from_client(proxied, "198.51.100.20")
    for n in range(30):
        attacker.post("/login", {"email": f"nobody{n}@example.org", "password": "wrong-password"})
    assert attacker.post("/login", {"email": OPERATOR, "password": "makernet-demo"}).status_code == 429
    assert operator.sign_in(OPERATOR).status_code == 302


def test_without_a_trusted_proxy_a_forwarded_address_is_not_believed(app: Flask) -> None:
    forger = app.test_client()
    for n in range(30):
        forger.environ_base["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{n}"
        Pages(forger).post("/login", {"email": f"nobody{n}@example.org", "password": "wrong-password"})
    assert Pages(forger).post("/login", {"email": OPERATOR, "password": "makernet-demo"}).status_code == 429


def test_invitation_links_point_to_the_public_address_not_the_one_the_proxy_forwards_to(proxied: Flask) -> None:
    admin = from_client(proxied, "198.51.100.1")
    admin.client.environ_base.update({"HTTP_X_FORWARDED_HOST": "127.0.0.1:8000",
                                      "HTTP_REFERER": "https://127.0.0.1:8000/admin/users"})
    admin.sign_in(ADMIN)
    admin.get("/admin/users")
    answer = admin.post("/admin/users", {"email": "benevole@example.org", "name": "Bénévole", "role": "operator",
                                         "organisation_id": "4"}, follow_redirects=True)
    assert f"{PUBLIC}/invitation/" in answer.get_data(as_text=True)


def test_the_session_cookie_is_secure_and_lasts_a_working_day_unless_kept(proxied: Flask) -> None:
    browser = from_client(proxied, "198.51.100.2")
    browser.get("/login")
    signed_in = browser.post("/login", {"email": OPERATOR, "password": "makernet-demo"})
    cookie = next(c for c in signed_in.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert proxied.permanent_session_lifetime.total_seconds() == 10 * 3600
    assert not any(c.startswith("remember_token=") for c in signed_in.headers.getlist("Set-Cookie"))
    kept = from_client(proxied, "198.51.100.3")
    kept.get("/login")
    answer = kept.post("/login", {"email": OPERATOR, "password": "makernet-demo", "remember": "y"})
    remember = next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "Secure" in remember and "HttpOnly" in remember


def test_every_answer_carries_the_security_headers(proxied: Flask, app: Flask) -> None:
    for answer in (proxied.test_client().get("/login"), proxied.test_client().get("/api/v1/items")):
        assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
        assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "same-origin"
        assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    plain = app.test_client().get("/login")   # no https public address: no HSTS, no Secure cookie
    assert "Strict-Transport-Security" not in plain.headers and plain.headers["X-Frame-Options"] == "DENY"


def test_no_template_carries_inline_script_or_style_the_policy_would_block() -> None:
    root = Path(__file__).resolve().parents[2] / "templates"
    for template in root.rglob("*.html"):
        text = template.read_text()
        assert " style=" not in text and "<style" not in text, template
        assert "<script>" not in text and " onclick=" not in text, template
        # htmx evaluates trigger filters, hx-on and js: values as strings, which script-src 'self' forbids
        assert not re.search(r'hx-trigger="[^"]*\[|hx-on|js:', text), template
