"""Signing in and out, throttling, CSRF, invitations by an admin, API tokens, the language switch; organisations
and users (admins)."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from sqlalchemy import update

from makernet.messages import first_of_month
from makernet.models import ApiToken

from tests.support.api import ADMIN, REQUESTER, ApiClient
from tests.support.pages import Pages, errors_of, field_value, text_of
from tests.support.snapshots import row_counts


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def test_a_wrong_password_is_refused_in_place_and_the_email_is_kept(pages: Pages) -> None:
    answer = pages.sign_in(REQUESTER, password="not-the-password")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 401
    assert "Adresse e-mail inconnue ou mot de passe erroné" in text_of(html)
    assert field_value(html, "email") == REQUESTER and field_value(html, "password") == ""


def test_a_blank_sign_in_form_names_the_missing_fields(pages: Pages) -> None:
    pages.get("/login")
    html = pages.post("/login", {"email": "", "password": ""}).get_data(as_text=True)
    assert "obligatoire" in errors_of(html, "email") and "obligatoire" in errors_of(html, "password")


def test_sign_in_is_throttled_after_five_failures_even_with_the_right_password(pages: Pages) -> None:
    for _ in range(5):
        assert pages.sign_in(REQUESTER, password="guess").status_code == 401
    answer = pages.sign_in(REQUESTER)
    assert answer.status_code == 429 and "Trop de tentatives" in text_of(answer.get_data(as_text=True))


def test_a_form_posted_without_its_csrf_token_is_refused_and_writes_nothing(pages: Pages, app) -> None:  # noqa: ANN001
    pages.sign_in(REQUESTER)
    before = row_counts(app)
    answer = pages.post("/requests/new", {"needed_by": "2099-01-01", "delivery_point": "Mairie",
                                          "lines-0-item_id": "1", "lines-0-quantity": "5"}, csrf=False)
    assert answer.status_code == 400
    assert "Le formulaire a expiré" in text_of(answer.get_data(as_text=True))
    assert row_counts(app) == before
    assert pages.post("/requests/new", {"csrf_token": "forged"}, csrf=False).status_code == 400


def test_a_malformed_referrer_on_a_secure_form_post_is_refused_not_a_crash(pages: Pages, app) -> None:  # noqa: ANN001
    pages.get("/login")
    before = row_counts(app)
    answer = pages.client.post("/login", base_url="https://localhost", data={"csrf_token": pages.token},
                               headers={"Referer": "https://localhost:12ab/login"})
    assert answer.status_code == 400 and "Le formulaire a expiré" in text_of(answer.get_data(as_text=True))
    assert row_counts(app) == before


def test_the_json_api_needs_no_csrf_token_it_takes_bearer_tokens(api: ApiClient) -> None:
    assert api.call("get", "/requests", REQUESTER).status_code == 200
    assert api.call("post", "/requests/1/approve", REQUESTER).status_code in (403, 404)


def test_signing_out_needs_a_post_and_ends_the_session(pages: Pages) -> None:
    pages.sign_in(REQUESTER)
    pages.get("/requests")
    assert pages.client.get("/logout").status_code == 405
    assert pages.post("/logout").status_code == 302
    assert pages.client.get("/requests").status_code == 302


def test_an_admin_invites_a_person_who_chooses_a_password_and_signs_in(pages: Pages, client) -> None:  # noqa: ANN001
    pages.sign_in(ADMIN)
    pages.get("/admin/users")
    bad = pages.post("/admin/users", {"email": "pas-une-adresse", "name": "Léa", "role": "requester",
                                      "organisation_id": "1"})
    assert bad.status_code == 422 and "e-mail" in text_of(bad.get_data(as_text=True)).lower()
    done = pages.post("/admin/users", {"email": "lea@mairie-rochefort.fr", "name": "Léa Petit", "role": "requester",
                                       "organisation_id": "1"})
    link = re.search(r'<code id="invitation-link">([^<]+)</code>', done.get_data(as_text=True)).group(1)
    path = link.split("localhost", 1)[1]
    newcomer = Pages(client.application.test_client())
    assert "Léa Petit" in newcomer.get(path)
    short = newcomer.post(path, {"password": "court", "confirm": "court"})
    assert short.status_code == 422 and "10" in errors_of(short.get_data(as_text=True), "password")
    newcomer.post("/language", {"locale": "en", "next": path})   # she reads her invitation in English
    assert newcomer.post(path, {"password": "une phrase assez longue", "confirm": "une phrase assez longue"}) \
        .status_code == 302
    assert "My requests" in newcomer.get("/requests")
    newcomer.get(path, status=404)  # the link works once
    fresh = Pages(client.application.test_client())
    assert fresh.sign_in("lea@mairie-rochefort.fr", "une phrase assez longue").status_code == 302
    assert "My requests" in fresh.get("/requests")   # her account keeps the language she chose


def test_a_password_reset_by_an_admin_ends_the_users_open_sessions(pages: Pages, client) -> None:  # noqa: ANN001
    user = Pages(client.application.test_client())
    user.sign_in(REQUESTER)
    user.get("/requests")
    pages.sign_in(ADMIN)
    users = pages.get("/admin/users")
    row = users[users.index(REQUESTER):]
    reset_path = re.search(r"/admin/users/\d+/reset", row).group(0)
    assert pages.post(reset_path).status_code == 200
    assert user.client.get("/requests").status_code == 302


def test_api_tokens_are_created_shown_once_and_revoked_from_the_account_page(pages: Pages, client) -> None:  # noqa: ANN001
    pages.sign_in(REQUESTER)
    pages.get("/account")
    blank = pages.post("/account", {"name": ""})
    assert blank.status_code == 422 and "obligatoire" in errors_of(blank.get_data(as_text=True), "name")
    html = pages.post("/account", {"name": "tableur"}).get_data(as_text=True)
    token = re.search(r'<code id="new-token">(mkn_[^<]+)</code>', html).group(1)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/requests", headers=headers).status_code == 200
    token_id = re.search(r"/account/tokens/(\d+)/revoke", html).group(1)
    assert pages.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    assert client.get("/api/v1/requests", headers=headers).status_code == 401
    assert "Révoqué" in pages.get("/account")


def test_the_account_page_shows_when_each_token_expires_and_which_have(app, pages: Pages) -> None:  # noqa: ANN001
    pages.sign_in(REQUESTER)
    pages.get("/account")
    pages.post("/account", {"name": "script de suivi"})
    row = text_of(pages.get("/account")).split("script de suivi", 1)[1]
    in_90_days = (datetime.now(UTC) + timedelta(days=90)).astimezone(ZoneInfo("Europe/Paris"))
    assert first_of_month(format_date(in_90_days.date(), "medium", locale="fr"), "fr") in row[:80] \
        and "Expiré" not in row[:120]
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(ApiToken).where(ApiToken.name == "script de suivi")  # type: ignore[arg-type]
                           .values(expires_at=datetime.now(UTC) - timedelta(days=1)))
    assert "Expiré" in text_of(pages.get("/account")).split("script de suivi", 1)[1][:120]


def test_pages_are_french_by_default_and_english_from_the_switch(pages: Pages) -> None:
    pages.sign_in(REQUESTER)
    french = pages.get("/requests/new")
    assert '<html lang="fr">' in french and "Date de besoin" in french
    assert pages.post("/language", {"locale": "en", "next": "/requests/new"}).status_code == 302
    english = pages.get("/requests/new")
    assert '<html lang="en">' in english and "Needed-by date" in english and "Date de besoin" not in english
    pages.post("/language", {"locale": "fr", "next": "/"})
    assert "Date de besoin" in pages.get("/requests/new")


def test_an_unknown_address_gets_a_french_page_and_the_api_keeps_json(client) -> None:  # noqa: ANN001
    page = client.get("/nulle-part")
    assert page.status_code == 404 and "Page introuvable" in page.get_data(as_text=True)
    api = client.get("/api/v1/nowhere")
    assert api.status_code == 404 and "error" in api.get_json()


def test_an_organisation_with_a_bad_departement_is_refused_in_place(pages: Pages, app) -> None:  # noqa: ANN001
    pages.sign_in(ADMIN)
    pages.get("/admin/organisations")
    before = row_counts(app)
    answer = pages.post("/admin/organisations", {"name": "Mairie de Royan", "kind": "municipality",
                                                 "commune": "Royan", "departement": "1Z", "territory": ""})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "département" in text_of(html)
    assert field_value(html, "name") == "Mairie de Royan"
    assert row_counts(app) == before
    done = pages.post("/admin/organisations", {"name": "Mairie de Royan", "kind": "municipality",
                                               "commune": "Royan", "departement": "17", "territory": ""})
    assert done.status_code == 302 and "Mairie de Royan" in pages.get("/admin/organisations")


def test_an_admin_cannot_lock_themselves_out(pages: Pages) -> None:
    pages.sign_in(ADMIN)
    users = pages.get("/admin/users")
    row = users[users.index("admin@demo.makernet.fr"):]
    path = re.search(r"/admin/users/\d+/active", row).group(0)
    pages.post(path, {"active": "0"})
    assert "propre compte" in text_of(pages.get("/admin/users"))
