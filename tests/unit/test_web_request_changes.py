"""Changing, cancelling, and asking the coordination about a request through its page."""
from __future__ import annotations

from datetime import date

import pytest

from tests.support.api import COORDINATOR, OTHER_REQUESTER, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.support.pages import Pages, errors_of, field_value, text_of
from tests.support.snapshots import row_counts
from tests.unit.test_request_changes import LATER, allocated, item, posted


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def change_form(api: ApiClient, **changes: object) -> dict:
    form = {"needed_by": LATER, "delivery_point": "Salle des fêtes", "beneficiary": "", "priority": "normal",
            "urgency_reason": "", "lines-0-item_id": str(item(api, "visiere")), "lines-0-quantity": "60",
            "lines-1-item_id": "0", "lines-1-quantity": "", "lines-2-item_id": "0", "lines-2-quantity": ""}
    form.update(changes)
    return form


def test_the_change_form_starts_from_the_request_and_saves_it_back_to_triage(pages: Pages, api: ApiClient) -> None:
    request, order = allocated(api)
    pages.sign_in(REQUESTER)
    page = text_of(pages.get(f"/requests/{request['id']}"))
    assert "Modifier la demande" in page and "Annuler la demande" in page
    html = pages.get(f"/requests/{request['id']}/edit")
    assert field_value(html, "delivery_point") == "Hôtel de ville, Rochefort"
    assert field_value(html, "lines-0-quantity") == "25"
    assert "retourne à son examen" in text_of(html)
    answer = pages.post(f"/requests/{request['id']}/edit", change_form(api))
    assert answer.status_code == 302
    page = text_of(pages.get(answer.headers["Location"]))
    assert "Elle retourne à l'examen de la coordination" in page and "Modifiée et renvoyée" in page
    assert "Modifiée par le demandeur" in page
    changed = api.ok("get", f"/requests/{request['id']}", REQUESTER)
    assert changed["status"] == "submitted" and changed["delivery_point"] == "Salle des fêtes"
    assert api.ok("get", f"/work-orders/{order['id']}", SEWING_OPERATOR)["status"] == "cancelled"
    pages.sign_in(SEWING_OPERATOR)   # the place reads its order as cancelled, in the masculine of "un ordre"
    assert f"Ordre n° {order['id']} Annulé" in text_of(pages.get(f"/work-orders/{order['id']}"))
    orders = text_of(pages.get("/work-orders"))
    assert "Annulé" in orders and "Annulée" not in orders


@pytest.mark.parametrize("changes, field_id, words", [
    ({"needed_by": date.today().isoformat()}, "needed_by", "à partir de demain"),
    ({"lines-1-item_id": None, "lines-1-quantity": "5"}, "lines-1-item_id", "déjà demandé ligne 1"),
])
def test_a_date_before_tomorrow_or_an_item_twice_shows_under_its_field(
        pages: Pages, api: ApiClient, app, changes: dict, field_id: str, words: str) -> None:  # noqa: ANN001
    request = posted(api)
    pages.sign_in(REQUESTER)
    changes = {k: v or str(item(api, "visiere")) for k, v in changes.items()}
    before = row_counts(app)
    for path in ("/requests/new", f"/requests/{request['id']}/edit"):
        answer = pages.post(path, change_form(api, **changes))
        assert answer.status_code == 422
        assert words in errors_of(answer.get_data(as_text=True), field_id)
    assert row_counts(app) == before


def test_a_requester_cancels_from_the_page_and_the_buttons_go(pages: Pages, api: ApiClient) -> None:
    request = posted(api)
    pages.sign_in(REQUESTER)
    answer = pages.post(f"/requests/{request['id']}/cancel")
    assert answer.status_code == 302
    page = text_of(pages.get(answer.headers["Location"]))
    assert f"Demande n° {request['id']} annulée." in page and "Annulée" in page
    assert "Modifier la demande" not in page and "Demander une modification" not in page


def test_after_production_started_the_requester_asks_and_the_coordination_reads_it(
        pages: Pages, api: ApiClient) -> None:
    request, order = allocated(api)
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    batch = api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)[0]
    api.ok("post", f"/jobs/{batch['id']}/report", SEWING_OPERATOR, {"units_made": 5})
    pages.sign_in(REQUESTER)
    page = text_of(pages.get(f"/requests/{request['id']}"))
    assert "Modifier la demande" not in page and "Demander une modification à la coordination" in page
    assert pages.get(f"/requests/{request['id']}/edit", status=302)
    blank = pages.post(f"/requests/{request['id']}/ask", {"message": "  "})
    assert blank.status_code == 422 and "Écrivez" in errors_of(blank.get_data(as_text=True), "message")
    sent = pages.post(f"/requests/{request['id']}/ask", {"message": "Livrer plutôt à la mairie annexe."})
    assert sent.status_code == 302
    assert "Livrer plutôt à la mairie annexe." in text_of(pages.get(f"/requests/{request['id']}"))
    coordination = Pages(pages.client.application.test_client())
    coordination.sign_in(COORDINATOR)
    assert "Livrer plutôt à la mairie annexe." in text_of(coordination.get("/triage"))
    assert "Livrer plutôt à la mairie annexe." in text_of(coordination.get(f"/requests/{request['id']}"))


def test_another_organisation_cannot_change_cancel_or_ask(pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    request = posted(api)
    pages.sign_in(OTHER_REQUESTER)
    before = row_counts(app)
    pages.get(f"/requests/{request['id']}/edit", status=404)
    assert pages.post(f"/requests/{request['id']}/edit", change_form(api)).status_code == 404
    assert pages.post(f"/requests/{request['id']}/ask", {"message": "Annulez"}).status_code == 404
    pages.post(f"/requests/{request['id']}/cancel")
    assert row_counts(app) == before
    assert api.ok("get", f"/requests/{request['id']}", REQUESTER)["status"] == "submitted"


def test_a_coordinator_cancels_from_the_requests_page_but_has_no_change_form(pages: Pages, api: ApiClient) -> None:
    request = posted(api)
    pages.sign_in(COORDINATOR)
    page = text_of(pages.get(f"/requests/{request['id']}"))
    assert "Annuler la demande" in page and "Modifier la demande" not in page
    pages.get(f"/requests/{request['id']}/edit", status=403)
    assert pages.post(f"/requests/{request['id']}/cancel").status_code == 302
    assert api.ok("get", f"/requests/{request['id']}", REQUESTER)["status_reason"] == "annulée par la coordination"
