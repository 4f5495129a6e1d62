"""One journey per role in Debian's headless Chromium, in French, each ending with a screenshot."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, shoot
from tests.support.api import ADMIN, COORDINATOR, OPERATOR, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.support.api import CARE_HOME
from makernet.demo import DEMO_PASSWORD

SOON = date.today() + timedelta(days=12)


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Through the sign-in page, by its labels, as a person would."""
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()


def item_id(api: ApiClient, code: str) -> int:
    return next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == code)


def place_id(api: ApiClient, name: str) -> int:
    return next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == name)


def proposed(api: ApiClient, place: str, code: str, quantity: int, requester: str = REQUESTER) -> dict:
    """A request approved and allocated to a place through the API: the work order proposed."""
    request = api.ok("post", "/requests", requester, {
        "needed_by": SOON.isoformat(), "delivery_point": "Hôtel de ville", "beneficiary": "agents",
        "lines": [{"item_id": item_id(api, code), "quantity": quantity}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    return api.ok("post", "/work-orders", COORDINATOR, {
        "request_line_id": request["lines"][0]["id"], "place_id": place_id(api, place), "quantity": quantity})


def test_a_requester_posts_a_request_follows_it_and_confirms_receipt(page: Page, http_api: ApiClient) -> None:
    sign_in(page, REQUESTER)
    page.get_by_role("navigation").get_by_role("link", name="Nouvelle demande").click()
    page.get_by_label("Article").first.select_option(label="Visière de protection")
    page.get_by_label("Quantité").first.fill("120")
    page.get_by_label("Date de besoin").fill(SOON.isoformat())
    page.get_by_label("Lieu de livraison").fill("Hôtel de ville, Rochefort")
    page.get_by_label("Pour qui").fill("agents d'accueil et policiers municipaux")
    page.get_by_label("Priorité").select_option(label="Secours (pompiers, gendarmes)")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.get_by_role("heading", name=re.compile(r"Demande n° \d+"))).to_be_visible()
    expect(page.locator(".timeline li.done")).to_have_count(1)
    expect(page.get_by_text("Où en est la demande")).to_be_visible()
    shoot(page, "requester-request-page")

    order = proposed(http_api, "Atelier couture solidaire", "masque-tissu", 40)
    http_api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    job = http_api.ok("get", f"/jobs?work_order_id={order['id']}", SEWING_OPERATOR)[0]
    http_api.ok("post", f"/jobs/{job['id']}/report", SEWING_OPERATOR, {"units_made": 40, "units_rejected": 0})
    delivery = http_api.ok("post", "/deliveries", SEWING_OPERATOR, {
        "place_id": order["place_id"], "request_id": order["request_id"],
        "lines": [{"request_line_id": order["request_line_id"], "quantity": 40}]})
    page.get_by_role("navigation").get_by_role("link", name="Mes demandes").click()
    page.get_by_role("link", name=f"Demande n° {order['request_id']}", exact=True).click()
    expect(page.locator(".timeline li.done")).to_have_count(4)   # prepared at the workshop: not on its way yet
    http_api.ok("post", f"/deliveries/{delivery['id']}/pick-up", SEWING_OPERATOR, {})
    page.reload()
    expect(page.locator(".timeline li.done")).to_have_count(5)
    page.get_by_label("Reçu par").fill("Claire Martin")
    page.get_by_role("button", name="Confirmer la réception").click()
    expect(page.get_by_text("Réception confirmée")).to_be_visible()
    expect(page.get_by_text("Reçue par Claire Martin.")).to_be_visible()
    expect(page.locator("h1 .badge")).to_have_text("Livrée")
    page.set_viewport_size(PHONE)
    shoot(page, "requester-receipt-phone")


def test_an_operator_accepts_work_follows_the_live_queue_and_clears_the_bed(page: Page, http_api: ApiClient) -> None:
    order = proposed(http_api, "FabLab La Rochelle", "visiere", 30)
    sign_in(page, OPERATOR)
    expect(page.get_by_role("heading", name="Travaux proposés")).to_be_visible()
    card = page.locator("article", has_text=f"Ordre n° {order['id']}")
    card.get_by_label("Quantité acceptée").fill("20")
    card.get_by_role("button", name="Accepter").click()
    expect(page.get_by_text(f"Ordre de fabrication n° {order['id']} accepté (20 unités)")).to_be_visible()

    page.locator(".flash").get_by_role("link", name="Voir la file d'attente").click()   # the flash leads there
    expect(page).to_have_url(re.compile(f"/places/{order['place_id']}/queue$"))
    machine = page.locator("section.card", has_text=f"l'ordre n° {order['id']}").first
    # the printer is reported by hand: its first plate is in the operator's hands as soon as the work is accepted
    expect(machine.get_by_text("Impression", exact=True).first).to_be_visible(timeout=15_000)
    expect(machine.get_by_text("Déclarer ce plateau…")).to_be_visible()
    shoot(page, "operator-queue-printing")
    machine.get_by_text("Déclarer ce plateau…").click()
    machine.get_by_label("Unités bonnes").fill("9")
    machine.get_by_label("Rebuts").fill("1")
    machine.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text(re.compile(r"Plateau n° \d+ enregistré : 9 unités bonnes"))).to_be_visible()
    machine = page.locator("section.card", has_text="Plateau libre : lancer le suivant").first
    machine.get_by_role("button", name="Plateau libre : lancer le suivant").click()
    expect(page.get_by_text(re.compile("Plateau libre sur Prusa"))).to_be_visible()
    page.set_viewport_size(PHONE)
    shoot(page, "operator-queue-phone")


def test_a_sewing_operator_counts_a_batch_and_prepares_a_delivery(page: Page, http_api: ApiClient) -> None:
    order = proposed(http_api, "Atelier couture solidaire", "masque-tissu", 25, requester=CARE_HOME)
    http_api.ok("post", f"/work-orders/{order['id']}/accept", SEWING_OPERATOR, {})
    sign_in(page, SEWING_OPERATOR)
    page.goto(f"/places/{order['place_id']}/queue")
    batch = page.locator(".jobs li", has_text=f"ordre n° {order['id']}").first
    batch.get_by_text("Déclarer ce lot…").click()
    batch.get_by_label("Unités bonnes").fill("25")
    batch.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text(re.compile(r"25 unités bonnes"))).to_be_visible()
    page.goto(f"/places/{order['place_id']}/deliveries/new")
    page.get_by_role("link", name=f"Demande n° {order['request_id']}").click()
    page.get_by_label("Mode").select_option(label="Coursier bénévole")
    page.get_by_role("button", name="Préparer la livraison").click()
    expect(page.get_by_text(re.compile(r"Livraison n° \d+ préparée"))).to_be_visible()
    shoot(page, "operator-delivery")


def test_a_coordinator_triages_allocates_and_reads_the_dashboard(page: Page, http_api: ApiClient) -> None:
    request = http_api.ok("post", "/requests", CARE_HOME, {
        "needed_by": SOON.isoformat(), "delivery_point": "EHPAD Les Tilleuls, Saintes", "priority": "care_staff",
        "lines": [{"item_id": item_id(http_api, "visiere"), "quantity": 60}]})
    sign_in(page, COORDINATOR)
    expect(page.get_by_role("heading", name="Tri des demandes")).to_be_visible()
    card = page.locator("article", has_text=f"Demande n° {request['id']}")
    card.get_by_role("button", name="Approuver").click()
    expect(page.get_by_text(f"Demande n° {request['id']} approuvée.")).to_be_visible()
    page.locator("article", has_text=f"Demande n° {request['id']}").get_by_role("link", name="Attribuer").click()
    expect(page.get_by_role("table", name="Lieux du territoire, du plus proche au plus lointain")).to_be_visible()
    page.get_by_label("Lieu de fabrication").select_option(label="Fab-lab de l'Aunis")
    page.get_by_label("Quantité").fill("60")
    page.get_by_role("button", name="Proposer").click()
    expect(page.get_by_text(re.compile(r"60 unités proposées à Fab-lab de l.Aunis"))).to_be_visible()
    shoot(page, "coordinator-allocation")
    page.get_by_role("navigation").get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", name="Demandé, fabriqué et livré (cumul)")).to_be_visible()
    # the heading paints before the scripts at the end of the page have run: wait for both charts
    page.wait_for_function("() => typeof Chart === 'function' && Object.keys(Chart.instances).length === 2",
                           timeout=10_000)
    expect(page.get_by_role("heading", name="Alertes de stock")).to_be_visible()
    shoot(page, "coordinator-dashboard")


def test_an_admin_invites_a_person_and_adds_a_plate_to_the_catalogue(page: Page, browser, server: str) -> None:  # noqa: ANN001
    sign_in(page, ADMIN)
    page.get_by_role("navigation").get_by_role("link", name="Utilisateurs").click()
    page.get_by_label("Adresse e-mail").fill("benevole@fablab-larochelle.fr")
    page.get_by_label("Nom").fill("Noé Bénévole")
    page.get_by_label("Rôle").select_option(label="Opérateur")
    page.get_by_label("Organisation").select_option(label="FabLab La Rochelle")
    page.get_by_role("button", name="Créer le compte et le lien d'invitation").click()
    link = page.locator("#invitation-link").inner_text()
    shoot(page, "admin-invitation")

    newcomer = browser.new_context(base_url=server, locale="fr-FR").new_page()
    newcomer.goto(link)
    newcomer.get_by_label("Nouveau mot de passe").fill("des filaments et des visières")
    newcomer.get_by_label("Confirmez le mot de passe").fill("des filaments et des visières")
    newcomer.get_by_role("button", name="Enregistrer").click()
    expect(newcomer.get_by_role("heading", name="Travaux proposés")).to_be_visible()
    newcomer.context.close()

    page.get_by_role("navigation").get_by_role("link", name="Catalogue").click()
    design = page.locator("section.card", has_text="Visière de protection")
    design.get_by_text("Ajouter ou remplacer un plateau…").click()
    design.get_by_label("Profil d'imprimante").fill("prusa-mini")
    design.get_by_label("Unités par plateau").fill("4")
    design.get_by_label("Durée d'impression (minutes)").fill("150")
    design.get_by_label("Fichier G-code").set_input_files(files=[{"name": "mini.gcode", "mimeType": "text/plain",
                                                                     "buffer": b"G28\nG1 X10 Y10 F3000\nM84\n"}])
    design.get_by_role("button", name="Enregistrer le plateau").click()
    expect(page.get_by_text("Plateau enregistré.")).to_be_visible()
    expect(page.get_by_role("cell", name="prusa-mini")).to_be_visible()
    shoot(page, "admin-catalogue")
