"""The territory in Debian's Chromium: a coordinator's figures per commune on a map drawn with no tile server,
figures recalculated on demand; the public pages of a département and a commune on a phone; the open data."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, open_tab, shoot
from tests.e2e.test_journeys import SOON, item_id, place_id, sign_in
from tests.support.api import CARE_HOME, COORDINATOR, SEWING_OPERATOR, ApiClient

# how much of the map's canvas is drawn on: outlines, communes, places (an empty map is blank)
DRAWN = """() => { const c = document.querySelector("#map .leaflet-overlay-pane canvas"); if (!c) return 0;
                  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data; let n = 0;
                  for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n > 500; }"""


def made_and_received(api: ApiClient) -> None:
    """A care home's masks made at the sewing workshop of Saintes and received."""
    request = api.ok("post", "/requests", CARE_HOME, {
        "needed_by": SOON.isoformat(), "delivery_point": "EHPAD Les Tilleuls, Saintes",
        "lines": [{"item_id": item_id(api, "masque-tissu"), "quantity": 24}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    order = api.ok("post", "/work-orders", COORDINATOR, {
        "request_line_id": request["lines"][0]["id"], "place_id": place_id(api, "Atelier couture solidaire"),
        "quantity": 24})
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    job = api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)[0]
    api.ok("post", f"/jobs/{job['id']}/report", SEWING_OPERATOR, {"units_made": 24, "units_rejected": 0})
    delivery = api.ok("post", "/deliveries", SEWING_OPERATOR, {
        "place_id": order["place_id"], "request_id": request["id"],
        "lines": [{"request_line_id": order["request_line_id"], "quantity": 24}]})
    api.ok("post", f"/deliveries/{delivery['id']}/confirm-receipt", CARE_HOME, {"receiver_name": "Infirmière de garde"})


def test_a_coordinator_sees_the_territory_on_a_map_and_the_public_its_communes(page: Page, browser, server: str,  # noqa: ANN001
                                                                             http_api: ApiClient) -> None:
    made_and_received(http_api)
    sign_in(page, COORDINATOR)
    page.get_by_role("navigation").get_by_role("link", name="Territoire").click()
    page.get_by_role("button", name="Recalculer maintenant").click()
    expect(page.get_by_text("Chiffres recalculés")).to_be_visible()
    page.get_by_label("Département", exact=True).select_option("17")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"/territory\?departement=17"))
    expect(page.get_by_role("row", name=re.compile("^Saintes"))).to_be_visible()
    expect(page.get_by_role("heading", name="Jours de stock par matière")).to_be_visible()
    page.wait_for_function(DRAWN, timeout=10_000)
    shoot(page, "coordinator-territory")

    with open_tab(browser, server) as phone:   # anyone, on a phone: the département, then a commune, then the files
        phone.set_viewport_size(PHONE)
        phone.goto("/")
        phone.get_by_role("link", name="Le territoire commune par commune, sur une carte").click()
        phone.get_by_role("link", name="Charente-Maritime (17)").click()
        expect(phone.get_by_role("heading", name="Charente-Maritime (17)")).to_be_visible()
        phone.get_by_role("link", name="Saintes").first.click()
        expect(phone.get_by_role("heading", name="Saintes", exact=True)).to_be_visible()
        expect(phone.get_by_text("jusqu'au lieu de fabrication actif le plus proche")).to_be_visible()
        phone.wait_for_function(DRAWN, timeout=10_000)
        assert "Infirmière" not in phone.content() and "EHPAD" not in phone.content()
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shoot(phone, "public-commune-phone")
        phone.get_by_role("link", name="Télécharger ces données (CSV, GeoJSON)").click()
        expect(phone.get_by_role("heading", name="Données ouvertes")).to_be_visible()
        link = phone.get_by_role("link", name="communes-semaines.csv", exact=True).get_attribute("href")
        answer = phone.request.get(link)
        text = answer.text()
        assert answer.headers["content-type"] == "text/csv; charset=utf-8" and text.startswith("semaine,niveau,code_commune,commune,code_departement") and ",Saintes,17," in text
