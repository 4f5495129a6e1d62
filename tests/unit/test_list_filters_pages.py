"""The pages listing a place's deliveries, supply requests, finished plates and planner runs say how many rows
there are, cut them in pages whose links keep the filters, filter them by state, place and days, say when a
filter matches nothing (with the way back), and refuse a bad filter with a coded page."""
from __future__ import annotations

import re

from flask import Flask

from makernet.models import Delivery, Job, PlanRun, SupplyRequest
from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, ApiClient
from tests.support.pages import Pages, text_of
from tests.unit.test_list_filters_api import add, at, place_ids
from tests.unit.test_production import accepted_order


def signed_in(app: Flask, who: str) -> Pages:
    pages = Pages(app.test_client())
    pages.sign_in(who)
    return pages


def links(html: str, rel: str) -> list[str]:
    return [href.replace("&amp;", "&") for href in re.findall(rf'rel="{rel}" href="([^"]+)"', html)]


def test_a_places_deliveries_are_counted_paged_and_filtered(app: Flask, api: ApiClient) -> None:
    order, places = accepted_order(api), place_ids(api)
    rochelle = places["FabLab La Rochelle"]
    add(app, *[Delivery(place_id=rochelle, request_id=order["request_id"], status="prepared",
                        created_at=at("2026-11-10T09:00:00")) for _ in range(55)],
        Delivery(place_id=rochelle, request_id=order["request_id"], status="received",
                 created_at=at("2026-11-20T09:00:00")))
    pages = signed_in(app, OPERATOR)
    path = f"/places/{rochelle}/deliveries"
    first = pages.get(path)
    assert "56 livraisons · page 1 sur 2" in text_of(first)
    assert len(re.findall(r'<article class="card"', first)) == 50
    prepared = pages.get(f"{path}?status=prepared&since=2026-11-01&until=2026-11-15")
    assert "55 livraisons" in text_of(prepared)
    following = links(prepared, "next")
    assert following and all("status=prepared" in href and "since=2026-11-01" in href for href in following)
    assert len(re.findall(r'<article class="card"', pages.get(following[0]))) == 5
    assert "1 livraison " in text_of(pages.get(f"{path}?status=received")) + " "
    nothing = pages.get(f"{path}?status=refused")
    assert "0 livraison " in text_of(nothing) + " "
    assert "Aucune livraison ne correspond à ces filtres." in text_of(nothing)
    assert f'<a href="{path}">Effacer les filtres</a>' in nothing
    assert "Aucune livraison pour l'instant." not in text_of(nothing)
    assert "Statut inconnu : « lost »." in text_of(pages.get(f"{path}?status=lost", status=422))
    pages.get(f"{path}?since=10/11/2026", status=422)
    pages.post("/language", {"locale": "en", "next": path})
    assert "56 deliveries" in text_of(pages.get(path))
    assert "0 deliveries" in text_of(pages.get(f"{path}?status=refused"))
    signed_in(app, OTHER_OPERATOR).get(path, status=404)


def test_the_supply_inbox_and_a_places_supply_are_counted_paged_and_filtered(app: Flask, api: ApiClient) -> None:
    places = place_ids(api)
    rochelle, aunis = places["FabLab La Rochelle"], places["Fab-lab de l'Aunis"]
    add(app, *[SupplyRequest(place_id=rochelle, kind="transport", status="open", created_at=at("2026-11-02T08:00:00"))
               for _ in range(52)],
        SupplyRequest(place_id=rochelle, kind="premises", status="fulfilled", created_at=at("2026-11-12T08:00:00")),
        SupplyRequest(place_id=aunis, kind="premises", status="open", created_at=at("2026-11-12T08:00:00")))
    coordinator = signed_in(app, COORDINATOR)
    inbox = coordinator.get("/supply")
    assert "54 demandes d'approvisionnement · page 1 sur 2" in text_of(inbox)
    assert 'name="place_id"' in inbox and "Fab-lab de l&#39;Aunis" in inbox
    assert "1 demande d'approvisionnement " in text_of(coordinator.get(f"/supply?place_id={aunis}")) + " "
    assert "2 demandes d'approvisionnement" in text_of(coordinator.get("/supply?since=2026-11-12"))
    closed = text_of(coordinator.get(f"/supply?status=fulfilled&place_id={rochelle}"))
    assert "1 demande d'approvisionnement " in closed + " " and "Closes" in closed
    empty = text_of(coordinator.get("/supply?status=cancelled"))
    assert "Aucune demande d'approvisionnement ne correspond à ces filtres. Effacer les filtres" in empty
    coordinator.get("/supply?place_id=999999", status=422)
    coordinator.get("/supply?until=2026-02-30", status=422)
    own = signed_in(app, OPERATOR)
    page = own.get(f"/places/{rochelle}/supply?status=open")
    assert "52 demandes d'approvisionnement · page 1 sur 2" in text_of(page)
    assert all("status=open" in href and f"/places/{rochelle}/supply" in href for href in links(page, "next"))
    assert "Fab-lab de l'Aunis" not in text_of(page)
    own.get(f"/places/{aunis}/supply", status=404)


def test_a_places_queue_pages_its_finished_plates_below_every_machine(app: Flask, api: ApiClient) -> None:
    order = accepted_order(api)
    machine = next(p for p in api.ok("get", "/places", COORDINATOR) if p["id"] == order["place_id"])["machines"][0]
    add(app, *[Job(work_order_id=order["id"], machine_id=machine["id"], sequence=10 + n, units=1, units_made=1,
                   status="done", finished_at=at(f"2026-11-10T{n % 24:02d}:00:00")) for n in range(51)],
        Job(work_order_id=order["id"], machine_id=machine["id"], sequence=99, units=1, status="failed",
            outcome="buse bouchée", finished_at=at("2026-11-11T09:00:00")))
    pages = signed_in(app, OPERATOR)
    path = f"/places/{order['place_id']}/queue"
    queue = pages.get(path)
    assert "52 plateaux ou lots terminés · page 1 sur 2" in text_of(queue)
    history = queue.split('id="history"', 1)[1]
    assert history.count("<li>") == 50 and "buse bouchée" in history   # the last finished first
    assert "En cours : plateau 1" in queue.split('id="history"', 1)[0]  # the machines stay whole
    following = links(queue, "next")
    assert following and following[0].endswith("#history")
    assert pages.get(following[0]).split('id="history"', 1)[1].count("<li>") == 2
    live = pages.client.get(path, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "terminés" not in live


def test_the_planning_screen_counts_and_pages_its_runs(app: Flask, api: ApiClient) -> None:
    add(app, *[PlanRun(trigger="manual", territory=["17"], created_at=at("2026-11-10T09:00:00")) for _ in range(31)],
        PlanRun(trigger="manual", territory=["33"], created_at=at("2026-11-10T09:00:00")))
    pages = signed_in(app, COORDINATOR)
    screen = pages.get("/plans")
    assert "31 passages · page 1 sur 2" in text_of(screen)
    following = links(screen, "next")
    assert following and "page=2" in following[0]
    assert "31 passages · page 2 sur 2" in text_of(pages.get(following[0]))
    pages.get("/plans?page=0", status=422)
