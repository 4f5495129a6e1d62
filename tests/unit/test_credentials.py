"""Guessing passwords is throttled the same way through the pages and the API, and cannot lock a chosen user out."""
from __future__ import annotations

import statistics
import time
from datetime import timedelta

from flask import Flask
from sqlalchemy import update

from makernet.models.accounts import LoginAttempt
from makernet.models.base import utcnow
from tests.support.api import OPERATOR, REQUESTER
from tests.support.pages import Pages


def token(client, email: str, password: str, address: str = "198.51.100.9"):  # noqa: ANN001, ANN201
    return client.post("/api/v1/auth/tokens", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers={"Accept-Language": "en"})


def test_the_token_endpoint_is_throttled_like_the_sign_in_page(app: Flask) -> None:
    client = app.test_client()
    for _ in range(5):
        assert token(client, REQUESTER, "wrong-password").status_code == 401
    slowed = token(client, REQUESTER, "makernet-demo")
    assert slowed.status_code == 429 and slowed.get_json()["error"]["code"] == "accounts.slowed"
    web = Pages(app.test_client())
    assert web.sign_in(REQUESTER).status_code == 429   # one mechanism: the pages see the same failures


def test_an_account_guessed_from_elsewhere_is_slowed_not_locked(app: Flask) -> None:
    client = app.test_client()
    for n in range(12):
        token(client, OPERATOR, "wrong-password", f"203.0.113.{n}")
    with app.extensions["makernet"].db.transaction() as tx:   # half a minute later
        tx.session.execute(update(LoginAttempt).values(at=utcnow() - timedelta(seconds=31)))
    assert token(client, OPERATOR, "makernet-demo", "198.51.100.20").status_code == 201


def test_one_address_failing_thirty_times_waits_the_window_out_whatever_account_it_tries(app: Flask) -> None:
    client = app.test_client()
    for n in range(30):
        token(client, f"nobody{n}@example.org", "wrong-password", "203.0.113.50")
    refused = token(client, REQUESTER, "makernet-demo", "203.0.113.50")
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "accounts.throttled"
    assert token(client, REQUESTER, "makernet-demo", "198.51.100.21").status_code == 201


def test_an_unknown_e_mail_takes_as_long_as_a_wrong_password(app: Flask) -> None:
    client = app.test_client()

    def timed(email: str, address: str) -> float:
        started = time.perf_counter()
        token(client, email, "wrong-password", address)
        return time.perf_counter() - started

    known = statistics.median(timed(REQUESTER if n % 2 else OPERATOR, f"192.0.2.{n}") for n in range(4))
    unknown = statistics.median(timed(f"nobody{n}@example.org", f"192.0.2.{n + 10}") for n in range(4))
    assert unknown > known / 3   # before, an unknown e-mail answered about 150 times faster
