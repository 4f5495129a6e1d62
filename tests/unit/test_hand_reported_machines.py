"""A machine whose counts are reported by hand (a printer without a host, a sewing station) has no state to read:
pages say "déclarée à la main", its running plate shows no made-up progress, and the coordinators' dashboard does
not count it as a printer in an unknown state."""
from __future__ import annotations

import re

from flask import Flask

from makernet.services import fleet
from makernet.services.access import Actor
from tests.support.api import COORDINATOR, OPERATOR, ApiClient
from tests.support.pages import Pages, text_of
from tests.unit.test_production import accepted_order, jobs


def card(page: str, name: str) -> str:
    """The text of one machine's card on the queue page, up to the next machine's."""
    found = re.search(rf"{re.escape(name)} (.*?)(?=Prusa \d|$)", page)
    assert found, page
    return found.group(1)


def test_a_hand_reported_printer_shows_it_is_reported_by_hand_and_its_plate_taken(app: Flask, api: ApiClient,
                                                                                   client) -> None:  # noqa: ANN001
    order = accepted_order(api)
    assert jobs(app)[0].status == "printing"   # in the operator's hands as soon as the work is accepted
    pages = Pages(client)
    pages.sign_in(OPERATOR)
    text = card(text_of(pages.get(f"/places/{order['place_id']}/queue")), "Prusa 1")
    assert text.startswith("Saisie à la main") and "Inconnu" not in text
    assert "plateau : occupé" in text and "à vider" not in text
    assert "En cours : plateau 1" in text and "Impression" in text and "0 %" not in text
    assert "Saisie à la main" in text_of(pages.get(f"/places/{order['place_id']}"))


def test_the_dashboard_counts_hand_reported_machines_apart_from_unknown_printers(app: Flask, api: ApiClient,
                                                                                client) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    states = fleet.territory_printers(ctx, Actor(0, "admin", 0))
    assert "unknown" not in states["counts"]          # the demo's machines are all reported by hand
    assert states["counts"]["by_hand"] == len(states["machines"]) == states["total"] > 0
    pages = Pages(client)
    pages.sign_in(COORDINATOR)
    printers = text_of(pages.get("/dashboard/printers"))
    assert "Inconnu" not in printers and "Saisie à la main" in printers
