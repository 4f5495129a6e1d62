"""Requests through the pages: the form keeps what was typed, triage decides, receipt closes the loop."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.support.api import COORDINATOR, OTHER_REQUESTER, REQUESTER, ApiClient
from tests.support.pages import Pages, errors_of, field_value, text_of
from tests.support.snapshots import row_counts

SOON = (date.today() + timedelta(days=10)).isoformat()


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def visor(api: ApiClient) -> int:
    return next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")


def request_form(**changes: object) -> dict:
    form = {"needed_by": SOON, "delivery_point": "Hôtel de ville, Rochefort", "beneficiary": "agents d'accueil",
            "priority": "normal", "urgency_reason": "", "lines-0-item_id": "1", "lines-0-quantity": "40",
            "lines-1-item_id": "0", "lines-1-quantity": "", "lines-2-item_id": "0", "lines-2-quantity": ""}
    form.update(changes)
    return form


def test_a_requester_posts_a_request_and_lands_on_its_timeline(pages: Pages, api: ApiClient) -> None:
    pages.sign_in(REQUESTER)
    answer = pages.post("/requests/new", request_form(**{"lines-0-item_id": str(visor(api))}))
    assert answer.status_code == 302
    page = text_of(pages.get(answer.headers["Location"]))
    assert "Demande n°" in page and "Envoyée" in page and "Où en est la demande" in page
    assert "40" in page and "Visière de protection" in page


@pytest.mark.parametrize("changes, field_id, words", [
    ({"needed_by": "2020-03-17"}, "needed_by", "passée"),
    ({"needed_by": "31/02/2026"}, "needed_by", "date"),
    ({"delivery_point": "   "}, "delivery_point", "obligatoire"),
    ({"lines-0-quantity": "2,5"}, "lines-0-quantity", "entier"),
    ({"lines-0-quantity": "0"}, "lines-0-quantity", "1 000 000"),
    ({"lines-0-item_id": "0"}, "lines-0-item_id", "Choisissez un article"),
    ({"lines-0-item_id": "9999"}, "lines-0-item_id", "inconnu"),
    ({"priority": "vip"}, "priority", "choix"),
])
def test_bad_request_input_shows_the_error_under_its_field_and_keeps_what_was_typed(
        pages: Pages, app, changes: dict, field_id: str, words: str) -> None:  # noqa: ANN001
    pages.sign_in(REQUESTER)
    before = row_counts(app)
    answer = pages.post("/requests/new", request_form(**changes))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422, text_of(html)[:500]
    assert words.lower() in errors_of(html, field_id).lower(), errors_of(html, field_id) or text_of(html)[:800]
    assert field_value(html, "delivery_point") == request_form(**changes)["delivery_point"].strip() or \
        field_id == "delivery_point"
    assert field_value(html, "beneficiary") == "agents d'accueil"
    assert row_counts(app) == before


def test_a_request_with_no_line_says_so_atop_the_lines(pages: Pages, app) -> None:  # noqa: ANN001
    pages.sign_in(REQUESTER)
    answer = pages.post("/requests/new", request_form(**{"lines-0-item_id": "0", "lines-0-quantity": ""}))
    assert answer.status_code == 422
    assert "au moins une ligne" in errors_of(answer.get_data(as_text=True), "lines")


def test_one_more_line_can_be_added_without_losing_the_others(pages: Pages) -> None:
    pages.sign_in(REQUESTER)
    answer = pages.post("/requests/new", request_form(add_line="1"))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'name="lines-3-quantity"' in html
    assert field_value(html, "lines-0-quantity") == "40"


def test_a_requester_cannot_open_another_organisations_request_by_its_url(pages: Pages, api: ApiClient) -> None:
    theirs = api.ok("post", "/requests", OTHER_REQUESTER, {
        "needed_by": SOON, "delivery_point": "Mairie de Surgères", "lines": [{"item_id": visor(api), "quantity": 5}]})
    pages.sign_in(REQUESTER)
    html = pages.get(f"/requests/{theirs['id']}", status=404)
    assert "Page introuvable" in html and "Traceback" not in html
    assert "Mairie de Surgères" not in text_of(html)


def test_pages_need_a_signed_in_user_and_the_right_role(pages: Pages) -> None:
    answer = pages.client.get("/requests/new")
    assert answer.status_code == 302 and "/login?next=" in answer.headers["Location"]
    pages.sign_in(REQUESTER)
    assert "Accès refusé" in pages.get("/triage", status=403)
    pages.get("/dashboard", status=403)
    pages.get("/admin/users", status=403)


def test_a_coordinator_approves_rejects_with_a_reason_splits_and_merges(pages: Pages, api: ApiClient) -> None:
    ids = [api.ok("post", "/requests", REQUESTER, {
        "needed_by": SOON, "delivery_point": f"École {n}", "lines": [{"item_id": visor(api), "quantity": 30}]})["id"]
        for n in range(4)]
    pages.sign_in(COORDINATOR)
    triage = text_of(pages.get("/triage"))
    assert all(f"Demande n° {i}" in triage for i in ids)

    assert pages.post(f"/requests/{ids[0]}/approve").status_code == 302
    assert api.ok("get", f"/requests/{ids[0]}", REQUESTER)["status"] == "approved"
    again = pages.post(f"/requests/{ids[0]}/approve")
    assert f"La demande n° {ids[0]} est « Approuvée » : seule une demande envoyée peut être approuvée." in text_of(
        pages.get(again.headers["Location"]))

    refused = pages.post(f"/requests/{ids[1]}/reject", {"reason": "  "})
    assert refused.status_code == 422 and "motif" in errors_of(refused.get_data(as_text=True), "reason").lower()
    assert pages.post(f"/requests/{ids[1]}/reject", {"reason": "Doublon"}).status_code == 302
    assert api.ok("get", f"/requests/{ids[1]}", REQUESTER)["status_reason"] == "Doublon"

    line = api.ok("get", f"/requests/{ids[2]}", REQUESTER)["lines"][0]["id"]
    too_many = pages.post(f"/requests/{ids[2]}/split", {f"line_{line}": "30"})
    assert too_many.status_code == 422 and "au moins une unité" in text_of(too_many.get_data(as_text=True))
    assert pages.post(f"/requests/{ids[2]}/split", {f"line_{line}": "10"}).status_code == 302
    assert api.ok("get", f"/requests/{ids[2]}", REQUESTER)["lines"][0]["quantity"] == 20

    assert pages.post("/triage/merge", {"into": str(ids[3]), "others": [str(ids[2])]}).status_code == 302
    kept = api.ok("get", f"/requests/{ids[3]}", REQUESTER)
    assert kept["lines"][0]["quantity"] == 50
    assert api.ok("get", f"/requests/{ids[2]}", REQUESTER)["status"] == "cancelled"


def test_a_refusal_is_shown_in_the_language_the_user_chose(pages: Pages, api: ApiClient) -> None:
    created = api.ok("post", "/requests", REQUESTER, {
        "needed_by": SOON, "delivery_point": "École", "lines": [{"item_id": visor(api), "quantity": 30}]})
    api.ok("post", f"/requests/{created['id']}/approve", COORDINATOR)
    pages.sign_in(COORDINATOR)
    pages.post("/language", {"locale": "en", "next": "/triage"})
    again = pages.post(f"/requests/{created['id']}/approve")
    assert f"Request {created['id']} is approved; only a submitted request can be approved." in text_of(
        pages.get(again.headers["Location"]))


def test_a_requester_confirms_receipt_and_the_request_closes(pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    from tests.unit.test_web_production import delivered_request
    request_id, delivery_id = delivered_request(api, app, quantity=10)
    pages.sign_in(REQUESTER)
    page = text_of(pages.get(f"/requests/{request_id}"))
    assert "Livraison n°" in page and "Confirmer la réception" in page
    blank = pages.post(f"/deliveries/{delivery_id}/receipt", {f"delivery{delivery_id}-receiver_name": ""})
    assert blank.status_code == 422
    assert "obligatoire" in errors_of(blank.get_data(as_text=True), f"delivery{delivery_id}-receiver_name")
    done = pages.post(f"/deliveries/{delivery_id}/receipt", {f"delivery{delivery_id}-receiver_name": "M. Dupont"})
    assert done.status_code == 302
    assert api.ok("get", f"/requests/{request_id}", REQUESTER)["status"] == "closed"
    assert "Reçue par M. Dupont" in text_of(pages.get(f"/requests/{request_id}"))


def test_triage_shows_who_asks_for_what_by_when_and_why(pages: Pages, api: ApiClient) -> None:
    items = {i["code"]: i["id"] for i in api.ok("get", "/items", REQUESTER)}
    created = api.ok("post", "/requests", OTHER_REQUESTER, {
        "needed_by": SOON, "delivery_point": "Salle polyvalente", "priority": "care_staff",
        "urgency_reason": "Rentrée des écoles lundi", "lines": [{"item_id": items["visiere"], "quantity": 40},
                                                                {"item_id": items["masque-tissu"], "quantity": 1250}]})
    pages.sign_in(COORDINATOR)
    html = pages.get("/triage")
    card = text_of(html.split(f'id="request-{created["id"]}"')[1].split("</article>")[0])
    assert "Mairie de Surgères" in card and "Rentrée des écoles lundi" in card and "Soignants" in card
    assert "Visière de protection : 40" in card and "Masque tissu AFNOR S76-001 : 1 250" in card
    assert f"{date.fromisoformat(SOON).day} " in card and "1 290 unités en tout" in card
    assert "(s)" not in text_of(html)
