"""Coordinators plan through the pages: run the planner, read its reasons, pin, forbid, lift, re-plan."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date

from makernet.messages import first_of_month
from makernet.models.plans import PlanRun

from tests.support.api import COORDINATOR, OPERATOR, REQUESTER, ApiClient
from tests.support.pages import Pages, errors_of, text_of
from tests.support.runs import run_posted_plans
from tests.support.snapshots import row_counts

SOON = (date.today() + timedelta(days=12)).isoformat()


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def approved_visors(api: ApiClient, quantity: int) -> dict:
    """A requester's visors, approved by the coordination: a line waiting for the planner."""
    visor = next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    request = api.ok("post", "/requests", REQUESTER, {
        "needed_by": SOON, "delivery_point": "Hôtel de ville, Rochefort", "priority": "emergency_services",
        "lines": [{"item_id": visor, "quantity": quantity}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    return request


def place_id(api: ApiClient, name: str) -> int:
    return next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == name)


def test_a_coordinator_runs_the_planner_and_reads_why_each_proposal_was_made(pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    request = approved_visors(api, 150)
    pages.sign_in(COORDINATOR)
    screen = text_of(pages.get("/plans"))
    assert "150 unités à planifier" in screen.replace("\u202f", " ") and f"n° {request['id']}" in screen
    answer = pages.post("/plans")
    assert answer.status_code == 302
    assert run_posted_plans(app) == ["done"]
    run = text_of(pages.get(answer.headers["Location"]))
    assert "Propositions de ce passage" in run and "Lancée par la coordination" in run
    assert "Planification faite : 150 unités proposées, 0 non planifiée." in run.replace("\u202f", " ")
    assert re.search(r"km du point de livraison", run) and "Capacité de" in run and "Prêtes vers le" in run
    orders = [o for o in api.ok("get", "/work-orders", COORDINATOR) if o["request_id"] == request["id"]]
    assert sum(o["quantity"] for o in orders) == 150 and all(o["status"] == "proposed" for o in orders)
    assert f'href="/plans/{orders[0]["plan_run_id"]}"' in pages.get("/plans")


def test_a_pin_replans_the_line_to_that_place_and_can_be_lifted(pages: Pages, api: ApiClient) -> None:
    request = approved_visors(api, 40)
    line = request["lines"][0]["id"]
    aunis = place_id(api, "Fab-lab de l'Aunis")
    pages.sign_in(COORDINATOR)
    pages.get("/plans")
    answer = pages.post("/planning-rules", {"kind": "pin", "request_line_id": line, "place_id": aunis,
                                            "quantity": "", "note": "matière déjà sur place"})
    assert answer.status_code == 302
    assert run_posted_plans(pages.client.application) == ["done"]
    run = text_of(pages.get(answer.headers["Location"]))
    assert "Règle de la coordination" in run and "épinglée par la coordination" in run
    orders = [o for o in api.ok("get", "/work-orders", COORDINATOR) if o["request_line_id"] == line]
    assert {o["place_id"] for o in orders if o["status"] == "proposed"} == {aunis}
    screen = pages.get("/plans")
    assert "matière déjà sur place" in text_of(screen)
    rule = api.ok("get", "/planning-rules", COORDINATOR)[-1]
    assert pages.post(f"/planning-rules/{rule['id']}/lift").status_code == 302
    assert api.ok("get", "/planning-rules", COORDINATOR) == []


def test_a_forbidden_place_gets_none_of_the_line_when_it_is_planned_again(pages: Pages, api: ApiClient) -> None:
    request = approved_visors(api, 30)
    line = request["lines"][0]["id"]
    pages.sign_in(COORDINATOR)
    pages.get("/plans")
    first = pages.post("/plans").headers["Location"]
    run_posted_plans(pages.client.application)
    taken = next(o for o in api.ok("get", "/work-orders", COORDINATOR) if o["request_line_id"] == line)
    html = pages.get(first)
    assert "Interdire ce lieu" in html
    answer = pages.post("/planning-rules", {"kind": "forbid", "request_line_id": line, "place_id": taken["place_id"]})
    run_posted_plans(pages.client.application)
    run = text_of(pages.get(answer.headers["Location"]))
    assert "Retiré" in run and "affectation interdite par la coordination" in run
    proposed = [o for o in api.ok("get", "/work-orders", COORDINATOR)
                if o["request_line_id"] == line and o["status"] == "proposed"]
    assert proposed and taken["place_id"] not in {o["place_id"] for o in proposed}


def test_a_rule_refused_shows_its_error_beside_the_field_and_writes_nothing(pages: Pages, api: ApiClient, app) -> None:  # noqa: ANN001
    request = approved_visors(api, 10)
    pages.sign_in(COORDINATOR)
    pages.get("/plans")
    before = row_counts(app)
    refused = pages.post("/planning-rules", {"kind": "forbid", "request_line_id": request["lines"][0]["id"],
                                             "place_id": place_id(api, "FabLab La Rochelle"), "quantity": "5"})
    assert refused.status_code == 422
    assert "ne prend pas de quantité" in errors_of(refused.get_data(as_text=True), "quantity")
    sewing = pages.post("/planning-rules", {"kind": "pin", "request_line_id": request["lines"][0]["id"],
                                            "place_id": place_id(api, "Atelier couture solidaire")})
    assert sewing.status_code == 422
    assert "Atelier couture solidaire ne fabrique pas cet article." in text_of(sewing.get_data(as_text=True))
    assert row_counts(app) == before


def test_the_planning_screen_is_for_coordinators_only(pages: Pages) -> None:
    pages.sign_in(OPERATOR)
    pages.get("/plans", status=403)
    pages.sign_in(REQUESTER)
    pages.get("/plans/1", status=403)


def test_the_run_page_lists_the_work_held_for_later_with_its_place_and_start(pages: Pages, api: ApiClient) -> None:
    visor = next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    for quantity, days in ((250, 5), (100, 30), (90, 30), (40, 30)):   # days of work for the demo's printers
        request = api.ok("post", "/requests", REQUESTER, {
            "needed_by": (date.today() + timedelta(days=days)).isoformat(), "delivery_point": "Mairie",
            "lines": [{"item_id": visor, "quantity": quantity}]})
        api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    pages.sign_in(COORDINATOR)
    answer = pages.post("/plans")
    run_posted_plans(pages.client.application)
    run = api.ok("get", "/plans", COORDINATOR)[0]
    assert run["held_units"] > 0
    page = text_of(pages.get(answer.headers["Location"])).replace("\u202f", " ")
    assert "Prévu plus tard" in page and "unités prévues plus tard" in page
    held = run["held"][0]
    day = first_of_month(format_date(date.fromisoformat(held["start"]), "medium", locale="fr"), "fr")
    assert f"début prévu le {day}" in page
    assert f"{run['held_units']:,}".replace(",", " ") in page
    # work held that would be ready only after its date says so (the menu's "En retard" aside)
    assert page.count("En retard") == 1 + sum(not h["on_time"] for h in run["held"]) == 1


def test_a_run_over_a_nation_shows_the_first_lines_it_held_or_left_and_counts_the_rest(pages: Pages, api: ApiClient,
                                                                                        app) -> None:  # noqa: ANN001
    request = approved_visors(api, 10_000)
    pages.sign_in(COORDINATOR)
    answer = pages.post("/plans", {"release_days": 0})
    assert run_posted_plans(app) == ["done"]
    run_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    line = request["lines"][0]["id"]
    with app.extensions["makernet"].db.transaction() as tx:   # a run that held and left over many lines
        run = tx.session.get(PlanRun, run_id)
        run.held = [{"line_id": line, "place_id": 1, "quantity": 3, "start": None, "on_time": False,
                     "reason": "plus tard"}] * 250
        run.unplanned = [{"line_id": line, "quantity": 2, "reason": "Capacité épuisée"}] * 201
        tx.session.add(run)
    page = text_of(pages.get(f"/plans/{run_id}")).replace("\u202f", " ")
    assert "Et 50 autres lignes prévues plus tard" in page and "Et 1 autre ligne non planifiée" in page
    assert page.count("Capacité épuisée") == 200
    assert page.count("En retard") == 1 + 200   # the menu's, and each late line shown
    assert len(api.ok("get", f"/plans/{run_id}", COORDINATOR)["held"]) == 250   # the API gives them all
