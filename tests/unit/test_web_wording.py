"""What the French pages and the API say: plates named as plates, printer states in French, plurals that agree,
who prepared a delivery and who carries it, links where the next step is, messages in the caller's language."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import update

from makernet.models import Machine
from tests.support.api import COORDINATOR, OPERATOR, SEWING_OPERATOR, ApiClient
from tests.support.pages import Pages, text_of
from tests.unit.test_web_deliveries import sewn_masks
from tests.unit.test_web_production import place_named, proposed_work


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def test_a_reported_plate_is_called_a_plate_in_the_flash_the_ledger_and_the_queue(pages: Pages, api: ApiClient) -> None:
    order = proposed_work(api, "FabLab La Rochelle", "visiere", 10)
    pages.sign_in(OPERATOR)
    accepted = pages.post(f"/work-orders/{order['id']}/accept", {f"accept{order['id']}-quantity": "10"})
    flash = pages.get(accepted.headers["Location"])
    assert f'<a href="/places/{order["place_id"]}/queue">Voir la file d&#39;attente</a>' in flash
    assert "accepté (10 unités) : elles sont dans la file d'attente du lieu." in text_of(flash)

    job = api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)[0]
    done = pages.post(f"/jobs/{job['id']}/report?place_id={order['place_id']}", {"units_made": "9", "units_rejected": "1"})
    assert done.status_code == 302
    queue = text_of(pages.get(done.headers["Location"]))
    assert f"Plateau n° {job['id']} enregistré : 9 unités bonnes." in queue and "Lot n°" not in queue
    assert f"ordre n° {order['id']} : 9 bonnes, 1 rebut" in queue

    ledger = text_of(pages.get(f"/places/{order['place_id']}/stock?kind=consumption"))
    assert f"Plateau n° {job['id']}" in ledger and f"job {job['id']}" not in ledger
    entries = api.ok("get", f"/places/{order['place_id']}/ledger", OPERATOR)
    assert {e["reason"] for e in entries if e["job_id"] == job["id"]} == {f"plateau n° {job['id']}"}


def test_a_counted_batch_is_called_a_batch_and_one_good_unit_is_singular(pages: Pages, api: ApiClient) -> None:
    order = proposed_work(api, "Atelier couture solidaire", "masque-tissu", 1)
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    job = api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)[0]
    pages.sign_in(SEWING_OPERATOR)
    done = pages.post(f"/jobs/{job['id']}/report?place_id={order['place_id']}", {"units_made": "1", "units_rejected": "0"})
    queue = text_of(pages.get(done.headers["Location"]))
    assert f"Lot n° {job['id']} enregistré : 1 unité bonne." in queue
    assert f"ordre n° {order['id']} : 1 bonne, aucun rebut" in queue


def test_printer_states_are_shown_in_french_with_the_hosts_words_only_in_a_title(pages: Pages, api: ApiClient,
                                                                                 app) -> None:  # noqa: ANN001
    place = place_named(api, "FabLab La Rochelle")
    printer = place["machines"][0]["id"]
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(Machine).where(Machine.id == printer).values(
            driver="octoprint", host="http://10.0.0.5:5000", state="ready", state_detail="Operational"))
    pages.sign_in(OPERATOR)
    for path in (f"/places/{place['id']}/queue", f"/places/{place['id']}"):
        html = pages.get(path)
        assert "Operational" not in text_of(html) and "Prête" in text_of(html), path
        assert 'title="Operational">Prête</span>' in html, path
    pages.sign_in(COORDINATOR)
    html = pages.get("/dashboard/printers")
    assert "Operational" not in text_of(html) and 'title="Operational">Prête</span>' in html


def test_a_delivery_says_who_prepared_it_and_who_carries_it(pages: Pages, api: ApiClient) -> None:
    order = sewn_masks(api, 12)
    pages.sign_in(SEWING_OPERATOR)
    path = f"/places/{order['place_id']}/deliveries/new?request_id={order['request_id']}"
    sent = pages.post(path, {f"line_{order['request_line_id']}": "12", "mode": "runner", "destination": "Mairie",
                             "carrier_name": "Marc (bénévole)"})
    assert sent.status_code == 302
    listing = text_of(pages.get(f"/places/{order['place_id']}/deliveries"))
    assert re.search(r"Préparée le [^·]+ par Martine Roux", listing), listing
    assert "par Martine Roux Transportée par Marc (bénévole)" in listing


def test_counts_on_the_pages_agree_with_their_words(pages: Pages, api: ApiClient) -> None:
    order = proposed_work(api, "Atelier couture solidaire", "masque-tissu", 5)
    pages.sign_in(COORDINATOR)
    for path in (f"/requests/{order['request_id']}/allocate", "/triage", "/imports", "/stock", "/",
                 f"/places/{order['place_id']}/stock"):
        assert "(s)" not in text_of(pages.get(path)), path
    assert re.search(r"\d pièces\b", text_of(pages.get(f"/places/{order['place_id']}/stock")))
    allocate = text_of(pages.get(f"/requests/{order['request_id']}/allocate"))
    assert re.search(r"\b1 (imprimante|poste|personne)\b|\b([02-9]|\d\d+) (imprimantes|postes|personnes)\b", allocate)
    assert not re.search(r"\b1 (imprimantes|postes|personnes)\b", allocate)


def test_the_production_report_offers_this_month_and_says_once_when_the_period_is_missing(pages: Pages) -> None:
    pages.sign_in(COORDINATOR)
    today = date.today()
    form = pages.get("/reports")
    assert f'name="start" type="date" value="{today.replace(day=1).isoformat()}"' in form
    assert re.search(rf'name="end" type="date" value="{today.year}-{today.month:02d}-(28|29|30|31)"', form)
    for query in ("", "?start=&end=", f"?start={today.isoformat()}"):
        answer = pages.client.get(f"/reports/production.pdf{query}")
        page = text_of(answer.get_data(as_text=True))
        assert answer.status_code == 422 and "Ce champ est obligatoire" not in page, query
        assert page.count("Indiquez la période du rapport : une date de début et une date de fin.") == 1, query


@pytest.mark.parametrize("language, words", [
    (None, ("Aucun travail ouvert à replanifier.", "valeur attendue parmi : printer_down, stock_out",
            "au moins 1 caractère", "au plus 120")),
    ("fr-FR,fr;q=0.9,en;q=0.8", ("Aucun travail ouvert à replanifier.", "valeur attendue parmi : printer_down")),
    ("en", ("No open work to re-plan.", "expected one of: printer_down, stock_out", "at least 1 character")),
])
def test_api_messages_follow_the_callers_language(client, api: ApiClient, language: str | None,  # noqa: ANN001
                                                  words: tuple[str, ...]) -> None:
    place = place_named(api, "FabLab La Rochelle")["id"]
    headers = {"Authorization": f"Bearer {api.token(COORDINATOR)}", **({"Accept-Language": language} if language else {})}
    nothing = client.post(f"/api/v1/places/{place}/replan", headers=headers,
                          json={"trigger": "printer_down", "reason": "buse bouchée"}).get_json()
    bad = client.post(f"/api/v1/places/{place}/replan", headers=headers, json={"trigger": "fire", "reason": ""})
    plan = client.post("/api/v1/plans", headers=headers, json={"release_days": 500})
    said = " ".join([nothing["message"], bad.get_json()["error"]["message"], plan.get_json()["error"]["message"]])
    assert bad.status_code == 422 and all(w in said for w in words), said
    assert "'stock_out'" not in said and "(s)" not in said
    assert bad.get_json()["details"][0]["params"] == {"expected": ["printer_down", "stock_out"]}
