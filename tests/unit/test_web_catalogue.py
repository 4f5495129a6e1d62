"""Admins keep the catalogue: items, design versions, bills of materials, plates with their G-code."""
from __future__ import annotations

import io
import re

import pytest

from tests.support.api import ADMIN, REQUESTER, ApiClient
from tests.support.pages import Pages, text_of


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def test_the_catalogue_takes_an_item_a_design_a_bom_line_and_a_plate_with_its_gcode(pages: Pages, api: ApiClient) -> None:
    pages.sign_in(ADMIN)
    pages.get("/admin/catalogue")
    assert pages.post("/admin/catalogue/items", {"code": "Bad Code", "name": "Clip", "kind": "printed"}).status_code == 422
    assert pages.post("/admin/catalogue/items", {"code": "clip-blouse", "name": "Clip de blouse",
                                                 "kind": "printed"}).status_code == 302
    item = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "clip-blouse")
    assert pages.post(f"/admin/catalogue/items/{item['id']}/designs", {"label": "v1", "validated": "y"}).status_code == 302
    design = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "clip-blouse")["design_versions"][0]
    assert design["validated"] is True
    assert pages.post(f"/admin/catalogue/designs/{design['id']}/bom", {"material_id": "1", "quantity": "4"}).status_code == 302
    assert pages.post(f"/admin/catalogue/designs/{design['id']}/bom",
                      {"material_id": "2", "quantity": "1", "good_units_only": "y"}).status_code == 302
    bill = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "clip-blouse")["design_versions"][0][
        "bill_of_materials"]
    assert {line["material_id"]: (line["quantity"], line["good_units_only"]) for line in bill} == {
        1: (4, False), 2: (1, True)}
    # each line is changed from a form holding it as it is: a new quantity keeps the line fitted to good units
    page = pages.get("/admin/catalogue")
    forms = re.findall(r"<form .*?</form>", page, re.S)
    (line_form,) = [f for f in forms if f'id="bom-{design["id"]}-2"' in f]
    assert 'value="1"' in line_form and 'name="good_units_only" value="y" checked' in line_form
    refused = pages.post(f"/admin/catalogue/designs/{design['id']}/bom", {"material_id": "2", "quantity": "2,5"})
    said = text_of(refused.get_data(as_text=True))
    assert refused.status_code == 422 and "Rien n'a été enregistré" in said
    # one error, under the form it was sent from only (not every design's), and true
    assert said.count("Indiquez un nombre entier.") == 1 and "compris entre" not in said
    assert said.count("Le formulaire contient des erreurs") == 1
    assert pages.post(f"/admin/catalogue/designs/{design['id']}/bom",
                      {"material_id": "3", "quantity": "1 200"}).status_code == 302   # as French writes thousands
    bill = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "clip-blouse")["design_versions"][0][
        "bill_of_materials"]
    assert {line["material_id"]: line["quantity"] for line in bill}[3] == 1200
    refused = pages.post(f"/admin/catalogue/designs/{design['id']}/plates", {
        "printer_profile": "prusa-mk3", "units_per_plate": "12", "print_minutes": "90",
        "gcode": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "photo.png")}, content_type="multipart/form-data")
    said = text_of(refused.get_data(as_text=True))
    assert refused.status_code == 422 and "G-code" in said and said.count("Le formulaire contient des erreurs") == 1
    saved = pages.post(f"/admin/catalogue/designs/{design['id']}/plates", {
        "printer_profile": "prusa-mk3", "units_per_plate": "12", "print_minutes": "90",
        "gcode": (io.BytesIO(b"G28\nG1 X5 Y5\n"), "clip.gcode")}, content_type="multipart/form-data")
    assert saved.status_code == 302
    page = text_of(pages.get("/admin/catalogue"))
    assert "Clip de blouse" in page and "prusa-mk3 12 90" in page


def test_the_catalogue_s_choices_and_sizes_are_said_in_the_page_s_language(pages: Pages) -> None:
    pages.sign_in(ADMIN)
    french = pages.get("/admin/catalogue")
    assert "(pièce)</option>" in french and "(piece)" not in french and re.search(r"\d o</td>", french)
    pages.post("/language", {"locale": "en", "next": "/admin/catalogue"})
    page = pages.get("/admin/catalogue")
    assert re.search(r'<option value="printed">3D printed</option>', page)
    assert re.search(r'<option value="piece">piece</option>', page) and "pièce" not in page
    assert re.search(r"\d B</td>", page) and not re.search(r"\d o</td>", page)



def test_only_printed_items_offer_printer_plates(pages: Pages) -> None:
    pages.sign_in(ADMIN)
    parts = pages.get("/admin/catalogue").split("<h2 ")[1:]
    sections = {text_of("<h2 " + part).split(" (")[0]: part for part in parts}
    assert "Plateaux d'impression" in sections["Visière de protection"]
    sewn = sections["Masque tissu AFNOR S76-001"]
    assert "Nomenclature" in sewn and "Plateaux d'impression" not in sewn   # a design, and no G-code to give
