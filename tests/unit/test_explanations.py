"""The planner's reasons are said in the reader's language: the planner writes them as words (codes and values),
kept beside their French text; pages and the API say them in French or in English, dates and figures as each
language writes them. Orders proposed before words were kept show the French text they have."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from makernet.domain.explanations import SENTENCES, french, stored
from makernet.messages import render_words
from makernet.models import DesignVersion, Notification, User, WorkOrder
from tests.support.api import CARE_HOME, COORDINATOR, OPERATOR, OTHER_OPERATOR, ApiClient
from tests.support.notices import run_tell_tasks
from tests.support.pages import Pages, text_of
from tests.support.runs import run_posted_plans


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def planned_visors(api: ApiClient, app, quantity: int = 30) -> dict:  # noqa: ANN001
    """The EHPAD's approved request of visors, planned: the run."""
    visor = next(i for i in api.ok("get", "/items", COORDINATOR) if i["code"] == "visiere")
    request = api.ok("post", "/requests", CARE_HOME, json={
        "needed_by": (date.today() + timedelta(days=6)).isoformat(), "delivery_point": "Accueil",
        "lines": [{"item_id": visor["id"], "quantity": quantity}], "priority": "care_staff"})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    started = api.ok("post", "/plans", COORDINATOR, json={}, status=202)
    assert run_posted_plans(app) == ["done"]
    return api.ok("get", f"/plans/{started['id']}", COORDINATOR)


def test_a_proposal_s_reasons_in_french_on_the_pages_and_in_english_for_an_english_reader(app, api, pages) -> None:  # noqa: ANN001
    run = planned_visors(api, app)
    order_id = run["changes"][0]["work_order_id"]
    with app.extensions["makernet"].db.reading() as s:
        order = s.get(WorkOrder, order_id)
        french_text, words = order.explanation, order.explanation_words
    assert words and words[0][0] == "explain.units" and french_text.startswith("30 unités sur 30 à planifier")

    # the API, in English (the test client's language) and in French
    answer = api.ok("get", f"/work-orders/{order_id}", COORDINATOR)
    english = answer["explanation"]
    assert answer["reason"] == "proposed by the planner"
    needed = date.today() + timedelta(days=6)
    assert english.startswith("30 units of the 30 left to plan on this line (Visière de protection)")
    assert f"for a need on {needed.strftime('%b')} {needed.day}: on time." in english
    assert "Priority: care staff." in english and "unités" not in english and "Priorité" not in english
    assert run["changes"][0]["why"] == english   # the run's record of it, said alike
    answer = api.client.get(f"/api/v1/work-orders/{order_id}", headers={
        "Authorization": f"Bearer {api.token(COORDINATOR)}", "Accept-Language": "fr"})
    assert answer.get_json()["explanation"] == french_text
    assert answer.get_json()["reason"] == "proposé par le planificateur"
    assert f"pour un besoin le {needed.strftime('%d/%m')} : à temps." in french_text

    # the pages: French by default, English once the reader switches
    pages.sign_in(COORDINATOR)
    assert french_text in text_of(pages.get(f"/work-orders/{order_id}"))
    assert "<strong>Proposé</strong> : 30 × Visière de protection" in pages.get(f"/plans/{run['id']}")
    pages.post("/language", {"locale": "en", "next": f"/work-orders/{order_id}"})
    page = text_of(pages.get(f"/work-orders/{order_id}"))
    assert english in page and "unités sur" not in page
    page = pages.get(f"/plans/{run['id']}")
    assert english in text_of(page) and "<strong>Proposed</strong>: 30 × Visière" in page   # an English colon
    history = text_of(pages.get("/plans"))   # a coordinator's run: its trigger says it, no reason repeats it
    assert "Run by the coordination" in history and "started by the coordination" not in history


def test_what_a_run_left_over_is_said_in_the_reader_s_language(app, api) -> None:  # noqa: ANN001
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(DesignVersion).values(validated_for=["municipality"]))
    run = planned_visors(api, app, 20)
    assert run["unplanned"] == [{"line_id": run["unplanned"][0]["line_id"], "quantity": 20,
                                 "reason": "No version of the item is validated for this kind of requester."}]
    with app.extensions["makernet"].db.reading() as s:
        kept = s.exec(select(WorkOrder)).all()
    assert kept == []


def test_an_order_proposed_before_words_were_kept_shows_its_french_text(app, api) -> None:  # noqa: ANN001
    run = planned_visors(api, app)
    order_id = run["changes"][0]["work_order_id"]
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(WorkOrder).where(WorkOrder.id == order_id)
                           .values(explanation="Raisons d'avant.", explanation_words=None))
    assert api.ok("get", f"/work-orders/{order_id}", COORDINATOR)["explanation"] == "Raisons d'avant."


def test_a_decline_reads_in_the_coordinator_s_language_in_the_run_and_in_what_they_are_told(app, api) -> None:  # noqa: ANN001
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(User).where(User.email == COORDINATOR).values(locale="en"))
    run = planned_visors(api, app, 20)
    order = next(o for o in api.ok("get", "/work-orders", COORDINATOR) if o["id"] == run["changes"][0]["work_order_id"])
    place = next(p["name"] for p in api.ok("get", "/places", COORDINATOR) if p["id"] == order["place_id"])
    operator = {"FabLab La Rochelle": OPERATOR, "Fab-lab de l'Aunis": OTHER_OPERATOR}[place]
    api.ok("post", f"/work-orders/{order['id']}/decline", operator, json={"reason": "plus de PETG"})
    assert run_posted_plans(app) == ["done"]
    again = api.ok("get", "/plans", COORDINATOR)[0]
    assert again["trigger"] == "decline" and again["reason"] == f"Proposal {order['id']} declined: plus de PETG"
    run_tell_tasks(app)
    with app.extensions["makernet"].db.reading() as s:
        [told] = s.exec(select(Notification).join(User, User.id == Notification.user_id).where(
            User.email == COORDINATOR, Notification.kind == "work_refused")).all()
    assert "declined: plus de PETG" in told.body and "refusée" not in told.body


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_every_sentence_is_said_whole_in_each_language(app, locale: str) -> None:  # noqa: ANN001
    values = {"quantity": 1200, "total": 1500, "item": "Visière", "km": 41, "place": "Lieu", "daily": 80,
              "backlog": 0, "machines": 4, "needed_day": date(2020, 3, 20), "ready_day": date(2020, 3, 19),
              "arrival_day": date(2020, 3, 20), "delivery_days": [date(2020, 3, 19), date(2020, 3, 21)],
              "priority": "care_staff", "why": "runs_full", "nearer": "Autre lieu", "start_day": date(2020, 3, 23),
              "reason": "imprimante en panne", "was_km": 61, "line": 12, "work_order_id": 7, "units": 3, "accepted": 15, "printers": ["Prusa 1", "Prusa 2"], "material": "PETG", "level": 200, "unit": "g", "needed": 900}
    with app.test_request_context("/api/v1/plans", headers={"Accept-Language": locale}):
        for code, sentence in SENTENCES.items():
            words = ((code, {name: values[name] for name in _placeholders(sentence)}),)
            said = render_words(stored(words))
            assert "%(" not in said and "…" not in said, code
            if locale == "fr":   # the pages say what the planner wrote, figures grouped as French writes them
                assert said == french(words).replace("1200", "1\u202f200").replace("1500", "1\u202f500"), code
            else:   # every sentence has its English
                assert said != french(words), code
    with app.test_request_context("/api/v1/plans", headers={"Accept-Language": "en"}):
        assert render_words([["explain.shuttle_arrives", {"arrival_day": "2020-03-20"}]]) == \
            "Another département: carried by the regional shuttle, which arrives on Mar 20."


def _placeholders(sentence: str) -> list[str]:
    return re.findall(r"%\((\w+)\)s", sentence)
