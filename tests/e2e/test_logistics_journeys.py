"""Planning, stock and deliveries in Debian's headless Chromium: the coordinator plans and pins, the operator
records stock and sends a delivery with its note, the requester confirms it from the note's QR-code page."""
from __future__ import annotations

import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import PHONE, shoot
from tests.e2e.test_journeys import SOON, item_id, place_id, proposed, sign_in
from tests.support.api import (COORDINATOR, OPERATOR, OTHER_REQUESTER, REQUESTER, SEWING_OPERATOR, ApiClient)


def sewn(api: ApiClient, quantity: int, requester: str = REQUESTER) -> dict:
    """Masks proposed to the workshop, accepted and counted: the work order, ready to ship."""
    order = proposed(api, "Atelier couture solidaire", "masque-tissu", quantity, requester=requester)
    api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    job = api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)[0]
    api.ok("post", f"/jobs/{job['id']}/report", SEWING_OPERATOR, {"units_made": quantity, "units_rejected": 0})
    return order


def shipped(api: ApiClient, quantity: int, requester: str = REQUESTER) -> dict:
    """Masks on their way to the requester (prepared and picked up by a runner): the delivery."""
    order = sewn(api, quantity, requester)
    delivery = api.ok("post", "/deliveries", SEWING_OPERATOR, {
        "place_id": order["place_id"], "request_id": order["request_id"], "mode": "runner",
        "lines": [{"request_line_id": order["request_line_id"], "quantity": quantity}]})
    return api.ok("post", f"/deliveries/{delivery['id']}/pick-up", SEWING_OPERATOR, {})


def test_a_coordinator_runs_the_planner_reads_its_reasons_and_pins_a_line(page: Page, http_api: ApiClient) -> None:
    request = http_api.ok("post", "/requests", REQUESTER, {
        "needed_by": SOON.isoformat(), "delivery_point": "Caserne des pompiers, Rochefort",
        "priority": "emergency_services", "lines": [{"item_id": item_id(http_api, "visiere"), "quantity": 80}]})
    http_api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    line = request["lines"][0]["id"]
    sign_in(page, COORDINATOR)
    page.get_by_role("navigation").get_by_role("link", name="Planification").click()
    expect(page.get_by_role("heading", name="Planification", exact=True)).to_be_visible()
    page.get_by_role("button", name="Lancer le planificateur").click()
    expect(page.get_by_text(re.compile(r"Planification faite : [\d\s\u202f]+ unités proposées"))).to_be_visible()
    card = page.locator("article", has_text=f"demande n° {request['id']}").first
    expect(card.locator(".explanation")).to_contain_text("Prêtes vers le")
    expect(card.locator(".explanation")).to_contain_text("km du point de livraison")
    shoot(page, "coordinator-planning-run")

    page.get_by_role("link", name="Retour à la planification").click()
    page.get_by_label("Règle").select_option("pin")
    page.get_by_label("Ligne de demande").select_option(str(line))
    page.get_by_label("Lieu", exact=True).select_option(label="FabLab La Rochelle (17)")
    page.get_by_label("Unités épinglées").fill("30")
    page.get_by_label("Pourquoi").fill("la Rochelle a déjà l'élastique")
    page.get_by_role("button", name="Appliquer et replanifier la ligne").click()
    expect(page.get_by_text("Ligne épinglée : un passage du planificateur la replanifie.")).to_be_visible()
    expect(page.get_by_text("Règle de la coordination").first).to_be_visible()
    pinned = page.locator("article", has_text="FabLab La Rochelle").filter(has_text=f"demande n° {request['id']}")
    expect(pinned.first.locator(".explanation")).to_contain_text("Affectation épinglée par la coordination.")
    page.set_viewport_size(PHONE)
    shoot(page, "coordinator-planning-pin-phone")
    page.goto("/plans")
    expect(page.get_by_role("table", name="Règles en vigueur")).to_contain_text("la Rochelle a déjà l'élastique")
    orders = [o for o in http_api.ok("get", "/work-orders", COORDINATOR)
              if o["request_line_id"] == line and o["status"] == "proposed"]
    assert sum(o["quantity"] for o in orders) == 80
    assert sum(o["quantity"] for o in orders if o["place_id"] == place_id(http_api, "FabLab La Rochelle")) >= 30


def test_an_operator_records_a_receipt_prepares_a_delivery_and_downloads_its_note(page: Page, http_api: ApiClient) -> None:
    order = sewn(http_api, 24)
    sign_in(page, SEWING_OPERATOR)
    page.get_by_role("navigation").get_by_role("link", name="Mon lieu").click()
    page.get_by_role("link", name="Stock et mouvements").click()
    page.get_by_text("Réception de matière").click()
    page.get_by_label("Matière").first.select_option(label="Élastique (pièce)")
    page.get_by_label("Quantité reçue").fill("500")
    page.get_by_label("Coût total (€)").first.fill("25,00")
    page.get_by_label("Provenance").fill("mercerie de la rue Victor-Hugo")
    page.get_by_role("button", name="Enregistrer la réception").click()
    expect(page.get_by_text("Réception enregistrée.")).to_be_visible()
    expect(page.get_by_role("cell", name="mercerie de la rue Victor-Hugo")).to_be_visible()
    shoot(page, "operator-stock")

    page.goto(f"/places/{order['place_id']}/deliveries/new")
    page.get_by_role("link", name=f"Demande n° {order['request_id']}").click()
    page.get_by_label("Mode").select_option(label="Coursier bénévole")
    page.get_by_label("Coursier ou chauffeur").fill("Hugo, à vélo")
    page.get_by_role("button", name="Préparer la livraison").click()
    expect(page.get_by_text(re.compile(r"Livraison n° \d+ préparée"))).to_be_visible()
    card = page.locator("article", has_text=f"Demande n° {order['request_id']}").first
    with page.expect_download() as download:
        card.get_by_role("link", name="Bon de livraison (PDF)").click()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(download.value.path()).read_bytes())).pages)
    assert "Bon de livraison" in text and "Hugo, à vélo" in text and "Masque tissu" in text
    expect(card.get_by_label("Enlevée par")).to_have_value("Hugo, à vélo")   # as named when it was prepared
    card.get_by_role("button", name="Enregistrer l'enlèvement").click()
    expect(page.get_by_text(re.compile(r"Livraison n° \d+ enlevée"))).to_be_visible()
    page.set_viewport_size(PHONE)
    shoot(page, "operator-deliveries-phone")


def test_a_requester_confirms_receipt_from_the_page_the_qr_code_opens(page: Page, http_api: ApiClient) -> None:
    delivery = shipped(http_api, 16)
    page.set_viewport_size(PHONE)
    page.goto(f"/deliveries/{delivery['id']}/receipt")
    page.get_by_label("Adresse e-mail").fill(REQUESTER)
    page.get_by_label("Mot de passe").fill("makernet-demo")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name=f"Réception de la livraison n° {delivery['id']}")).to_be_visible()
    expect(page.get_by_text("16 × Masque tissu AFNOR S76-001")).to_be_visible()
    shoot(page, "requester-receipt-page-phone")
    page.get_by_label("Reçu par").fill("Claire Martin")
    page.get_by_text("Des unités sont abîmées ou manquantes…").click()     # three came crushed
    page.get_by_label("Masque tissu AFNOR S76-001 : abîmées ou manquantes").fill("3")
    shoot(page, "requester-receipt-units-missing-phone")
    page.get_by_role("button", name="Confirmer la réception").click()
    expect(page.get_by_text("Réception confirmée. Merci !")).to_be_visible()
    expect(page.get_by_text("Reçue par Claire Martin.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Demande n° {delivery['request_id']}")).to_be_visible()
    expect(page.get_by_text("13 · 3 abîmées ou manquantes")).to_be_visible()


def test_a_stock_adjustment_without_a_reason_shows_its_errors_in_place(page: Page, http_api: ApiClient) -> None:
    lab = place_id(http_api, "FabLab La Rochelle")
    sign_in(page, OPERATOR)
    page.goto(f"/places/{lab}/stock")
    page.get_by_text("Ajustement après inventaire").click()
    page.get_by_label("Écart constaté").fill("-40")
    page.get_by_role("button", name="Enregistrer l'ajustement").click()
    expect(page.locator("#adjustment-reason-errors")).to_contain_text("Indiquez le motif")
    expect(page.get_by_label("Écart constaté")).to_have_value("-40")
    expect(page.get_by_label("Motif de l'ajustement")).to_have_attribute("aria-invalid", "true")
    shoot(page, "unhappy-stock-adjustment")


def test_another_organisation_gets_not_found_on_a_delivery_receipt_page(page: Page, http_api: ApiClient) -> None:
    delivery = shipped(http_api, 5)
    sign_in(page, OTHER_REQUESTER)
    answer = page.goto(f"/deliveries/{delivery['id']}/receipt")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    expect(page.get_by_text("Masque tissu")).to_have_count(0)
    shoot(page, "unhappy-other-receipt")
