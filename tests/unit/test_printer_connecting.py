"""Connecting a printer: an unknown profile, MakerNet's own address or a malformed key are refused with nothing
written; a key typed by the operator is sealed, and refused at a place whose own worker keeps its keys; a printer
whose OctoPrint does not answer says why, in the page's language."""
from __future__ import annotations

import re
import socket
from datetime import datetime, timezone

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import update
from sqlmodel import select

from makernet.config import parse_networks
from makernet.messages import printer_detail
from makernet.models import Machine, Place
from makernet.services import fleet, printer_io
from makernet.services.secrets import is_sealed, reveal
from printers.base import KEY_REFUSED, PrinterRejected
from tests.support.api import OPERATOR, ApiClient
from tests.support.pages import Pages, text_of
from tests.support.snapshots import row_counts

KEY = "A1b2C3d4E5f6G7h8"


def fablab(api: ApiClient) -> int:
    api.token(OPERATOR)  # the operator's API token exists before rows are counted
    return next(p["id"] for p in api.ok("get", "/places", OPERATOR) if p["name"] == "FabLab La Rochelle")


def connect(api: ApiClient, **body: object):  # noqa: ANN201
    return api.call("post", f"/places/{fablab(api)}/printers", OPERATOR,
                    json={"name": "Prusa atelier", "url": "http://192.168.1.20:5000", "printer_profile": "prusa-mk3",
                          **body})


def refused(app: Flask, api: ApiClient, code: str, **body: object) -> dict:
    """Connect with these values; the refusal must be a 422 with its code, leaving nothing written or sent."""
    fablab(api)
    before = row_counts(app)
    answer = connect(api, **body)
    assert answer.status_code == 422, answer.json
    assert answer.json["error"]["code"] == code
    assert row_counts(app) == before and app.extensions["makernet"].tasks.sent == []
    return answer.json["error"]


def test_a_profile_the_catalogue_has_no_plate_for_is_refused_with_the_known_ones(app: Flask, api: ApiClient) -> None:
    error = refused(app, api, "fleet.profile_unknown", printer_profile="imprimante-inventee")
    assert error["params"]["allowed"] == ["prusa-mk3"]
    assert "prusa-mk3" in error["message"]


def test_makernets_own_address_is_refused_as_a_printer(app: Flask, api: ApiClient) -> None:
    fablab(api)
    before = row_counts(app)
    answer = api.call("post", f"/places/{fablab(api)}/printers", OPERATOR, base_url="http://192.168.1.5:8000",
                      json={"name": "X", "url": "http://192.168.1.5:8000", "printer_profile": "prusa-mk3"})
    assert answer.status_code == 422 and answer.json["error"]["code"] == "fleet.address_is_makernet"
    assert "MakerNet" in answer.json["error"]["message"] and row_counts(app) == before
    assert connect(api, url="http://192.168.1.5:8001").status_code == 201   # another port of that machine is not
    ctx = app.extensions["makernet"]
    ctx.tasks.sent.clear()
    ctx.settings = ctx.settings.with_overrides(public_url="https://makernet.region.example")
    refused(app, api, "fleet.address_is_makernet", url="https://MakerNet.region.example:443")


def test_a_key_typed_by_the_operator_is_sealed_and_the_printer_is_put_to_work(app: Flask, api: ApiClient) -> None:
    answer = connect(api, api_key=f" {KEY} ")
    assert answer.status_code == 201, answer.json
    assert answer.json["key_status"] == "stored" and "api_key" not in answer.json["settings"]
    ctx = app.extensions["makernet"]
    assert ctx.tasks.take("onboard_printer") == []   # nothing to ask OctoPrint for
    with ctx.db.reading() as s:
        machine = s.get(Machine, answer.json["id"])
    stored = machine.driver_settings["api_key"]
    assert machine.active and is_sealed(stored) and KEY not in stored and reveal(ctx, stored) == KEY


def test_a_malformed_key_is_refused(app: Flask, api: ApiClient) -> None:
    refused(app, api, "fleet.key_invalid", api_key="two words")


def test_a_place_with_its_own_worker_refuses_a_typed_key_and_says_where_keys_go(app: Flask, api: ApiClient) -> None:
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(Place).where(Place.id == fablab(api)).values(site_worker=True))
    error = refused(app, api, "fleet.key_kept_at_place", api_key=KEY)
    assert "makernet place key" in error["message"]


def a_closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_octoprint_that_does_not_answer_is_said_so_in_french_with_what_to_do(app: Flask, api: ApiClient,
                                                                               client) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    answer = connect(api, url="http://192.168.1.21:5000")
    (payload,), = ctx.tasks.take("onboard_printer")
    # the port refuses: nothing listens there
    _retry, result = printer_io.onboarding_step({**payload, "url": f"http://127.0.0.1:{a_closed_port()}"},
                                                parse_networks("127.0.0.1"))
    assert result["outcome"] == "unreachable" and "Errno" not in result["detail"]
    assert fleet.apply_key_result(ctx, answer.json["id"], result) == "unreachable"
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    row = next(r for r in text_of(pages.get(f"/places/{fablab(api)}")).split("Tester la connexion")
               if "192.168.1.21" in r)
    assert "L'hôte de l'imprimante ne répond pas à cette adresse (connexion refusée" in row and "fleet." not in row
    assert "non obtenue" in row and "refusée ou expirée" not in row   # no key was refused: none was had
    page = text_of(pages.get(f"/places/{fablab(api)}"))
    assert "Redemander une clé" in page and "Retirer l'imprimante" in page
    with app.test_request_context("/"), force_locale("en"):
        assert printer_detail("fleet.unreachable").startswith("The printer's host does not answer at this address")


@pytest.mark.parametrize(("result", "shown"), [
    ({"outcome": "refused", "detail": "OctoPrint at x refused the API key (HTTP 403)", "reason": "key_refused"},
     "L'hôte de l'imprimante refuse la clé de MakerNet"),
    ({"outcome": "refused", "detail": "does not offer application keys", "reason": "no_app_keys"},
     "ne distribue pas de clés d'application"),
    ({"outcome": "expired", "detail": "nobody approved", "reason": "expired"}, "à temps : redemandez une clé"),
])
def test_each_usual_failure_of_a_key_request_has_its_own_french_words(app: Flask, api: ApiClient, client,  # noqa: ANN001
                                                                      result: dict, shown: str) -> None:
    answer = connect(api)
    fleet.apply_key_result(app.extensions["makernet"], answer.json["id"], result)
    with app.extensions["makernet"].db.reading() as s:
        assert s.exec(select(Machine.state_detail).where(Machine.id == answer.json["id"])).one().startswith("fleet.")
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    assert shown in text_of(pages.get(f"/places/{fablab(api)}"))


def test_the_connect_form_offers_the_known_profiles_and_a_key_field(api: ApiClient, client) -> None:  # noqa: ANN001
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    html = pages.get(f"/places/{fablab(api)}")
    assert '<select id="printer-profile" name="printer_profile" required>' in html
    assert '<option value="prusa-mk3">' in html and 'name="api_key"' in html
    assert "Clé de l'hôte" in text_of(html)
    assert '<option value="octoprint">OctoPrint</option>' in html and '<option value="moonraker">' in html


def test_the_connection_test_says_the_printers_state_in_the_pages_language(app: Flask, api: ApiClient, client,  # noqa: ANN001
                                                                           printer) -> None:
    machine_id = next(m["id"] for m in api.ok("get", f"/places/{fablab(api)}", OPERATOR)["machines"]
                      if m["driver"] == "fake")
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    pages.post(f"/places/{fablab(api)}/printers/{machine_id}/test")
    page = text_of(pages.get(f"/places/{fablab(api)}"))
    assert "Connexion réussie : Imprimante de test 1.11.8, imprimante « Prête »." in page and "Operational" not in page
    pages.post("/language", {"locale": "en", "next": "/"})
    pages.post(f"/places/{fablab(api)}/printers/{machine_id}/test")
    assert "Connected: Imprimante de test 1.11.8, printer “Ready”." in text_of(pages.get(f"/places/{fablab(api)}"))


def test_the_printer_list_follows_a_key_request_and_the_first_reading_by_itself_then_stops(
        app: Flask, api: ApiClient, client) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    machine_id = connect(api).json["id"]
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    live = 'id="printer-table" hx-get='
    awaiting = pages.get(f"/places/{fablab(api)}")
    assert live in awaiting and "cette liste se met à jour toute seule" in text_of(awaiting)
    # the next step is one click away: OctoPrint, where the request waits
    assert '<a href="http://192.168.1.20:5000" target="_blank" rel="noopener noreferrer">ouvrir OctoPrint pour accepter</a>' \
        in awaiting
    fleet.apply_key_result(ctx, machine_id, {"outcome": "granted", "api_key": KEY})
    assert live in pages.get(f"/places/{fablab(api)}")   # the key is there, its first reading not yet
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Machine).where(Machine.id == machine_id).values(state="ready",
                                                                                  state_detail="Operational"))
    read = pages.get(f"/places/{fablab(api)}")
    assert live not in read and 'id="printer-table"' in read and "toute seule" not in text_of(read)


@pytest.mark.parametrize(("key_status", "shown"), [
    ("awaiting", "OctoPrint répond à cette adresse, mais MakerNet n'a pas encore sa clé : acceptez « MakerNet » "
                 "dans OctoPrint, puis testez de nouveau."),
    ("stored", "L'hôte de l'imprimante refuse la clé de MakerNet (HTTP 401 ou 403) : redemandez une clé (OctoPrint), "
               "ou retirez l'imprimante et raccordez-la avec sa bonne clé (Moonraker, PrusaLink)."),
])
def test_a_connection_test_before_the_key_is_approved_says_to_approve_it_not_to_ask_again(
        app: Flask, api: ApiClient, client, printer, key_status: str, shown: str) -> None:  # noqa: ANN001
    with app.extensions["makernet"].db.transaction() as tx:
        machine_id = tx.session.exec(select(Machine.id).where(Machine.host == "fake://p1")).one()
        tx.session.execute(update(Machine).where(Machine.id == machine_id).values(key_status=key_status))
    printer.version_error = PrinterRejected("OctoPrint refused the request (HTTP 403)", reason=KEY_REFUSED)
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    pages.post(f"/places/{fablab(api)}/printers/{machine_id}/test")
    assert f"Connexion impossible : {shown}" in text_of(pages.get(f"/places/{fablab(api)}"))


@pytest.mark.parametrize(("state", "detail", "shown"), [
    ("ready", "Operational", "imprimante « Prête »"), ("offline", "Offline after error", "imprimante « Hors ligne »"),
    ("offline", "fleet.unreachable", "imprimante « Hors ligne », dernier relevé"),
])
def test_at_a_place_with_its_own_worker_the_connection_test_words_its_last_reading_in_french(
        app: Flask, api: ApiClient, client, printer, state: str, detail: str, shown: str) -> None:  # noqa: ANN001
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(Place).where(Place.id == fablab(api)).values(site_worker=True))
        machine_id = tx.session.exec(select(Machine.id).where(Machine.host == "fake://p1")).one()
        tx.session.execute(update(Machine).where(Machine.id == machine_id).values(
            state=state, state_detail=detail, state_checked_at=datetime(2026, 11, 29, 8, 10, tzinfo=timezone.utc)))
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    pages.post(f"/places/{fablab(api)}/printers/{machine_id}/test")
    page = text_of(pages.get(f"/places/{fablab(api)}"))
    assert re.search(r"Lu par le worker du lieu : .*, dernier relevé 29 nov\. 2026, \d\d:10\.", page), page[:600]
    assert shown in page and not re.search(r"read by|Operational|Offline|fleet\.", page)
    if detail.startswith("fleet."):
        assert "L'hôte de l'imprimante ne répond pas à cette adresse" in page
