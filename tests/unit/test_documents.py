"""The three printed documents, read back from their PDFs: delivery note, production report, cost estimate."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

from pypdf import PdfReader

from makernet.documents.delivery_note import qr_code
from makernet.documents.formats import euros, long_date, number, percent, printable
from makernet.services import documents
from makernet.services.access import Actor
from tests.support.api import COORDINATOR, OPERATOR, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.unit.test_deliveries import made_masks, ship
from tests.unit.test_stock import material_id, place_id

FRENCH = {"Accept-Language": "fr"}   # the documents in the reader's language: these read the French ones

def today() -> date:
    """Read at each use: a run crossing midnight must not compare two different days."""
    return date.today()


def pdf_text(answer) -> str:  # noqa: ANN001
    """The text of a PDF answer, on one line, with no-break spaces made plain."""
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.get_data()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages).replace("\xa0", " "))


def test_french_formats_group_thousands_use_a_decimal_comma_and_name_the_month() -> None:
    assert euros(123450).replace("\xa0", " ") == "1 234,50 €"
    assert euros(5) .replace("\xa0", " ") == "0,05 €"
    assert number(1234567.891, 2).replace("\xa0", " ") == "1 234 567,89"
    assert number(-1500).replace("\xa0", " ") == "-1 500"
    assert long_date(date(2026, 11, 21)) == "21 novembre 2026"
    assert long_date(date(2020, 5, 1)) == "1er mai 2020"
    assert percent(1, 3).replace("\xa0", " ") == "33 %" and percent(5, 0) == "–"
    assert printable("Stock → Aunis ŝ") == "Stock -> Aunis ?"


def test_the_delivery_note_lists_the_lines_with_their_lot_and_links_to_the_receipt_page(client, api) -> None:  # noqa: ANN001
    made = made_masks(api, 40)
    delivery = ship(api, made, 40)
    api.ok("post", f"/deliveries/{delivery['id']}/pick-up", SEWING_OPERATOR, json={"carrier_name": "Lucas"})
    text = pdf_text(api.call("get", f"/deliveries/{delivery['id']}/note.pdf", REQUESTER, headers=FRENCH))
    workshop = made["place"]["id"]
    assert f"Bon de livraison BL-{today():%Y}-{delivery['id']:05d}" in text
    assert f"Préparé le {long_date(today())}" in text
    assert f"Masque tissu AFNOR S76-001 S76-001 S76-001-L{workshop:03d} Atelier couture solidaire 40" in text
    assert "Total 40" in text
    assert "Mairie de Rochefort" in text and "Hôtel de ville, Rochefort" in text
    assert "Coursier bénévole" not in text and "Livraison directe – Lucas" in text
    assert f"http://localhost/deliveries/{delivery['id']}/receipt" in text
    for box in ("Remis par (lieu de production)", "Transporté par", "Reçu par (destinataire)"):
        assert box in text
    assert api.call("get", f"/deliveries/{delivery['id']}/note.pdf", OPERATOR).status_code == 404
    api.ok("post", f"/deliveries/{delivery['id']}/confirm-receipt", REQUESTER, json={
        "receiver_name": "C. Martin", "missing": [{"request_line_id": made["line_id"], "quantity": 3}]})
    again = pdf_text(api.call("get", f"/deliveries/{delivery['id']}/note.pdf", REQUESTER, headers=FRENCH))
    assert "Total 40" in again   # the note printed again says what was packed, as the signed copy does


def test_the_qr_code_holds_the_receipt_page_address() -> None:
    drawing = qr_code("https://makernet.example/deliveries/12/receipt")
    assert drawing.contents[0].value == "https://makernet.example/deliveries/12/receipt"


def report_scenario(api: ApiClient) -> None:
    """100 masks asked, 60 made, 45 shipped, 25 received (and 10 prepared, not gone yet); 20 visors asked, none
    made."""
    made = made_masks(api, 100, made=60)
    first = ship(api, made, 25)
    second = ship(api, made, 20)
    api.ok("post", f"/deliveries/{second['id']}/pick-up", SEWING_OPERATOR, json={"carrier_name": "Lucie"})
    ship(api, made, 10)                                         # still on the shelf: not shipped
    api.ok("post", f"/deliveries/{first['id']}/confirm-receipt", REQUESTER, json={"receiver_name": "C. Martin"})
    visor = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    visors = api.ok("post", "/requests", REQUESTER, json={
        "needed_by": (today() + timedelta(days=5)).isoformat(), "delivery_point": "Mairie",
        "lines": [{"item_id": visor["id"], "quantity": 20}]})
    rejected = api.ok("post", "/requests", REQUESTER, json={
        "needed_by": (today() + timedelta(days=5)).isoformat(), "delivery_point": "Mairie",
        "lines": [{"item_id": visor["id"], "quantity": 999}]})
    api.ok("post", f"/requests/{rejected['id']}/reject", COORDINATOR, json={"reason": "doublon"})
    assert visors["status"] == "submitted"


def test_the_production_report_counts_demand_made_shipped_and_received(app, api) -> None:  # noqa: ANN001
    report_scenario(api)
    ctx = app.extensions["makernet"]
    coordinator = Actor(user_id=0, role="coordinator", organisation_id=0, territory=("16", "17", "79", "86"))
    figures = documents.production_figures(ctx, coordinator, today() - timedelta(days=1), today() + timedelta(days=1))
    assert [(i.name, i.asked, i.made, i.shipped, i.received) for i in figures.items] == [
        ("Masque tissu AFNOR S76-001", 100, 60, 45, 25), ("Visière de protection", 20, 0, 0, 0)]
    assert [(p.name, p.departement, p.made) for p in figures.places] == [("Atelier couture solidaire", "17", 60)]
    assert [(d.code, d.asked, d.made, d.received) for d in figures.departements] == [("17", 120, 60, 25)]
    assert sum(made for _day, made in figures.daily_made) == 60 and len(figures.daily_made) == 3
    shown = figures.territory_map   # its four départements' outlines, the two communes that asked, three places
    assert len(shown.rings) >= 4 and len(shown.communes) == 1 and len(shown.places) == 3
    assert figures.coverage == [("Urbaines", 0, 1), ("Rurales", 0, 0)]   # Rochefort asked: 25 km from the nearest place
    outside = documents.production_figures(ctx, coordinator, today() - timedelta(days=1), today() + timedelta(days=1),
                                           ["79"])
    assert outside.items == [] and outside.territory == "Départements 79"


def test_the_production_report_pdf_prints_the_figures_charts_and_period_in_french(api) -> None:  # noqa: ANN001
    report_scenario(api)
    start, end = today() - timedelta(days=1), today() + timedelta(days=1)
    text = pdf_text(api.call("get", f"/reports/production.pdf?start={start}&end={end}", COORDINATOR, headers=FRENCH))
    assert "Rapport de production" in text
    assert f"Départements 16, 17, 79, 86 – du {long_date(start)} au {long_date(end)}" in text
    for row in ("Unités demandées 120", "Unités fabriquées 60", "Unités expédiées 45", "Unités reçues 25",
                "Part de la demande reçue 21 %", "Masque tissu AFNOR S76-001 100 60 0 45 25 25 %",
                "Visière de protection 20 0 0 0 0 0 %", "Atelier couture solidaire 17 60 0", "17 120 60 25 21 %"):
        assert row in text, row
    assert "Unités fabriquées par jour" in text and "Demande et livraisons par article" in text
    assert "Le territoire et sa couverture" in text and "Urbaines 1 0 0 %" in text, text


def test_a_period_without_activity_gives_a_report_that_says_so(api) -> None:  # noqa: ANN001
    text = pdf_text(api.call("get", "/reports/production.pdf?start=2020-03-17&end=2020-05-11", COORDINATOR,
                             headers=FRENCH))
    assert "du 17 mars 2020 au 11 mai 2020" in text and "Unités demandées 0" in text
    assert "Aucune demande ni production dans ce territoire sur la période." in text


def test_reports_are_for_coordinators_over_a_sensible_period_of_their_territory(api) -> None:  # noqa: ANN001
    assert api.call("get", f"/reports/production.pdf?start={today()}&end={today()}", OPERATOR).status_code == 403
    assert api.call("get", "/reports/production.pdf?start=hier&end=demain", COORDINATOR).status_code == 422
    assert api.call("get", f"/reports/production.pdf?start={today()}&end={today() - timedelta(days=1)}",
                    COORDINATOR).status_code == 422
    assert api.call("get", f"/reports/production.pdf?start={today()}&end={today()}&departements=33",
                    COORDINATOR).status_code == 422


VISOR_PRICES = {"pla": 2.0, "feuille-a4": 30.0, "elastique": 5.0}


def test_a_cost_estimate_prices_the_places_time_and_material(api) -> None:  # noqa: ANN001
    visor = next(i for i in api.ok("get", "/items", OPERATOR) if i["code"] == "visiere")
    lab = place_id(api, "FabLab La Rochelle")
    text = pdf_text(api.call("post", "/cost-estimates", OPERATOR, headers=FRENCH, json={
        "place_id": lab, "item_id": visor["id"], "quantity": 30, "customer": "Pharmacie du Port",
        "unit_costs_cents": VISOR_PRICES}))
    assert f"Devis DEV-{today():%Y%m%d}-{lab:03d}-{visor['id']:03d}" in text
    assert f"Établi le {long_date(today())}, valable jusqu'au {long_date(today() + timedelta(days=30))}" in text
    assert "30 × Visière de protection (modèle v3)" in text
    assert "Impression : 3 plateaux de 10 unités, 360 min chacun 18,0 h 15,00 € / h 270,00 €" in text
    assert "Filament PLA 750 g 20,00 € / kg 15,00 €" in text
    assert "Feuille transparente A4 200 µm 30 pièces 0,30 € / pièce 9,00 €" in text
    assert "Élastique 30 pièces 0,05 € / pièce 1,50 €" in text
    assert "Sous-total matière 25,50 €" in text and "Total du devis 295,50 €" in text
    assert "Soit, par unité 9,85 €" in text
    assert "1 jour de production sur 4 imprimantes" in text


def test_a_cost_estimate_takes_material_prices_from_the_places_own_receipts(app, api) -> None:  # noqa: ANN001
    visor = next(i for i in api.ok("get", "/items", OPERATOR) if i["code"] == "visiere")
    lab = place_id(api, "FabLab La Rochelle")
    for code, quantity, cost in (("pla", 3000, 5400), ("pla", 2000, 4600), ("feuille-a4", 100, 3000),
                                 ("elastique", 200, 1000)):
        api.ok("post", f"/places/{lab}/stock/receipts", OPERATOR,
               json={"material_id": material_id(api, code), "quantity": quantity, "cost_cents": cost})
    estimate = documents.cost_estimate(app.extensions["makernet"], Actor(0, "admin", 0), place_id=lab,
                                       item_id=visor["id"], quantity=30, customer="Pharmacie du Port")
    assert [line.amount_cents for line in estimate.material_lines] == [150, 900, 1500]   # PLA at 2 c/g on average
    assert estimate.total_cents == 29_550


def test_hand_made_items_are_priced_by_the_minute_and_unknown_prices_are_refused(api) -> None:  # noqa: ANN001
    mask = next(i for i in api.ok("get", "/items", OPERATOR) if i["code"] == "masque-tissu")
    workshop = place_id(api, "Atelier couture solidaire")
    body = {"place_id": workshop, "item_id": mask["id"], "quantity": 40, "customer": "EHPAD Les Tilleuls",
            "unit_costs_cents": {"tissu-coton": 1.5, "elastique": 5}}
    missing = api.call("post", "/cost-estimates", SEWING_OPERATOR, json=body)
    assert missing.status_code == 422 and "minutes per unit" in missing.get_json()["error"]["message"]
    assert missing.get_json()["error"]["code"] == "documents.no_plate_layout"
    text = pdf_text(api.call("post", "/cost-estimates", SEWING_OPERATOR, json={**body, "minutes_per_unit": 15},
                             headers=FRENCH))
    assert "Fabrication : 40 × 15,0 min 10,0 h 15,00 € / h 150,00 €" in text
    assert "Tissu coton (laize 150 cm) 800 cm 1,50 € / m 12,00 €" in text
    assert "Total du devis 166,00 €" in text
    unpriced = api.call("post", "/cost-estimates", SEWING_OPERATOR, json={**body, "minutes_per_unit": 15,
                                                                          "unit_costs_cents": {}})
    assert unpriced.status_code == 422 and unpriced.get_json()["error"]["field"] == "unit_costs_cents.elastique"
    assert unpriced.get_json()["error"]["code"] == "documents.no_price"
    assert api.call("post", "/cost-estimates", OPERATOR, json={**body, "minutes_per_unit": 15}).status_code == 404


def test_documents_are_written_in_the_reader_s_language(api) -> None:  # noqa: ANN001
    """The API client here asks for English: each document is in English, figures and dates as English writes them;
    what people typed and the catalogue's names stay as written."""
    made = made_masks(api, 40)
    delivery = ship(api, made, 40)
    note = pdf_text(api.call("get", f"/deliveries/{delivery['id']}/note.pdf", REQUESTER))
    assert f"Delivery note BL-{today():%Y}-{delivery['id']:05d}" in note
    assert f"Prepared on {today():%B} {today().day}, {today():%Y}" in note
    assert "Contents of the parcel" in note and "Total 40" in note and "Page 1 of 1" in note
    assert "Masque tissu AFNOR S76-001" in note and "Bon de livraison" not in note
    report_scenario(api)
    report = pdf_text(api.call("get", f"/reports/production.pdf?start={today()}&end={today()}", COORDINATOR))
    assert "Production report" in report and "Units shipped" in report and "Share of demand received" in report
    assert "Rapport de production" not in report and "%" in report and " %" not in report.replace("% received", "")
    visor = next(i for i in api.ok("get", "/items", OPERATOR) if i["code"] == "visiere")
    estimate = pdf_text(api.call("post", "/cost-estimates", OPERATOR, json={
        "place_id": place_id(api, "FabLab La Rochelle"), "item_id": visor["id"], "quantity": 30,
        "customer": "Pharmacie du Port", "unit_costs_cents": VISOR_PRICES}))
    assert "Printing: 3 plates of 10 units, 360 min each 18.0 h €15.00 / h €270.00" in estimate
    assert "Feuille transparente A4 200 µm 30 pieces €0.30 / piece €9.00" in estimate
    assert "That is, per unit €9.85" in estimate and "VAT not applicable" in estimate
