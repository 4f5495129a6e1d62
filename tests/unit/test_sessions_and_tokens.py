"""Signing out ends the session for real, and a reset password takes the user's API tokens with it."""
from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.support.api import ADMIN, OPERATOR, ApiClient
from makernet.demo import DEMO_PASSWORD
from tests.support.pages import Pages, text_of


def signed_in(app: Flask, email: str, password: str = DEMO_PASSWORD) -> Pages:
    pages = Pages(app.test_client())
    assert pages.sign_in(email, password).status_code == 302
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


NEW_PASSWORD = "une longue phrase de passe"


def test_changing_my_password_ends_my_other_sessions_and_tokens_but_not_this_one(app: Flask, api: ApiClient) -> None:
    token = api.token(OPERATOR)
    elsewhere = signed_in(app, OPERATOR)
    here = signed_in(app, OPERATOR)
    here.get("/account")
    changed = here.post("/account/password", {"current": DEMO_PASSWORD, "password": NEW_PASSWORD,
                                             "confirm": NEW_PASSWORD})
    assert changed.status_code == 302
    assert "Mot de passe changé" in here.get("/account")
    assert here.get("/work-orders")
    assert elsewhere.client.get("/work-orders").status_code == 302          # sent back to sign in
    refused = api.client.get("/api/v1/work-orders", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert Pages(app.test_client()).sign_in(OPERATOR).status_code != 302    # the old password is gone
    assert signed_in(app, OPERATOR, NEW_PASSWORD)


def test_a_wrong_current_or_weak_new_password_changes_nothing_and_says_why(app: Flask, api: ApiClient) -> None:
    token = api.token(OPERATOR)
    pages = signed_in(app, OPERATOR)
    pages.get("/account")
    wrong = pages.post("/account/password", {"current": "pas le bon", "password": NEW_PASSWORD,
                                            "confirm": NEW_PASSWORD})
    assert wrong.status_code == 422 and "Ce n'est pas votre mot de passe actuel." in text_of(wrong.get_data(as_text=True))
    weak = pages.post("/account/password", {"current": DEMO_PASSWORD, "password": "motdepasse123",
                                           "confirm": "motdepasse123"})
    assert weak.status_code == 422 and "parmi les plus courants" in weak.get_data(as_text=True)
    different = pages.post("/account/password", {"current": DEMO_PASSWORD, "password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD + "!"})
    assert different.status_code == 422
    assert api.client.get("/api/v1/work-orders", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert signed_in(app, OPERATOR)


def test_guessing_the_current_password_is_throttled_like_signing_in(app: Flask) -> None:
    pages = signed_in(app, OPERATOR)
    pages.get("/account")
    answers = [pages.post("/account/password", {"current": f"essai {n}", "password": NEW_PASSWORD,
                                                "confirm": NEW_PASSWORD}).status_code for n in range(7)]
    assert answers[:5] == [422] * 5 and answers[-1] == 429
