"""The HTML pages through Flask's test client: sign in as a demo user, post forms with their CSRF token."""
from __future__ import annotations

import re
from html import unescape
from typing import Any

from flask.testing import FlaskClient

from makernet.demo import DEMO_PASSWORD

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Pages:
    """A browser-like session on the app: keeps cookies and the CSRF token of the last page."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.token = ""

    def get(self, path: str, status: int = 200) -> str:
        """Open a page; returns its HTML (and remembers its CSRF token)."""
        answer = self.client.get(path)
        assert answer.status_code == status, f"GET {path}: {answer.status_code}\n{answer.get_data(as_text=True)[:2000]}"
        html = answer.get_data(as_text=True)
        found = CSRF.search(html)
        if found:
            self.token = found.group(1)
        return html

    def post(self, path: str, data: dict[str, Any] | None = None, csrf: bool = True, **kwargs: Any) -> Any:
        """Post a form as the page would (with the CSRF token unless told not to); returns the response."""
        if csrf and not self.token:
            self.get("/login")
        body = dict(data or {})
        if csrf:
            body.setdefault("csrf_token", self.token)
        return self.client.post(path, data=body, **kwargs)

    def sign_in(self, email: str, password: str = DEMO_PASSWORD) -> Any:
        """Sign in through the sign-in page."""
        self.get("/login")
        answer = self.post("/login", {"email": email, "password": password})
        if answer.status_code == 302:
            self.get("/start", status=302)
        return answer


def text_of(html: str) -> str:
    """The visible text of a page, tags removed and whitespace squeezed (for assertions on wording)."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def field_value(html: str, name: str) -> str | None:
    """The value an input of that name is shown with (what the user typed, kept after an error)."""
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if tag is None:
        textarea = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', html, re.S)
        return unescape(textarea.group(1)).strip() if textarea else None
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


def errors_of(html: str, field_id: str) -> str:
    """The error text shown under a field (empty when none)."""
    found = re.search(rf'<ul class="errors" id="{re.escape(field_id)}-errors">(.*?)</ul>', html, re.S)
    return text_of(found.group(1)) if found else ""
