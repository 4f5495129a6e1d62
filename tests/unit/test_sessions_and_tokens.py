"""Signing out ends the session for real, and a reset password takes the user's API tokens with it."""
from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.support.api import ADMIN, OPERATOR, ApiClient
from tests.support.pages import Pages


def signed_in(app: Flask, email: str) -> Pages:
    pages = Pages(app.test_client())
    assert pages.sign_in(email).status_code == 302
    return pages


def test_a_session_cookie_copied_before_sign_out_no_longer_opens_anything(app: Flask) -> None:
    pages = signed_in(app, OPERATOR)
    copied = pages.client.get_cookie("session").value
    pages.get("/work-orders")
    assert pages.post("/logout").status_code == 302
    thief: FlaskClient = app.test_client()
    thief.set_cookie("session", copied)
    answer = thief.get("/work-orders")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_signing_out_also_ends_the_stay_signed_in_cookie(app: Flask) -> None:
    pages = Pages(app.test_client())
    pages.get("/login")
    assert pages.post("/login", {"email": OPERATOR, "password": "makernet-demo", "remember": "y"}).status_code == 302
    remembered = pages.client.get_cookie("remember_token").value
    pages.get("/work-orders")
    pages.post("/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", remembered)
    assert thief.get("/work-orders").status_code == 302


def test_signing_in_again_after_signing_out_works(app: Flask) -> None:
    pages = signed_in(app, OPERATOR)
    pages.get("/work-orders")
    pages.post("/logout")
    assert signed_in(app, OPERATOR).get("/work-orders")


def test_a_password_reset_revokes_the_users_api_tokens(app: Flask, api: ApiClient) -> None:
    token = api.token(OPERATOR)
    assert api.client.get("/api/v1/work-orders", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    admin = signed_in(app, ADMIN)
    users = admin.get("/admin/users")
    row = users[users.index(OPERATOR):]
    assert admin.post(re.search(r"/admin/users/\d+/reset", row).group(0)).status_code == 200
    refused = api.client.get("/api/v1/work-orders", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "accounts.token_invalid"
