"""Admin and coordinator pages: organisations, catalogue with G-code plates, the dashboard; assets stay local."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tests.support.api import ADMIN, COORDINATOR, OPERATOR, REQUESTER, ApiClient
from tests.support.pages import Pages, errors_of, field_value, text_of
from tests.support.snapshots import row_counts

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def test_an_organisation_with_a_bad_departement_is_refused_in_place(pages: Pages, app) -> None:  # noqa: ANN001
    pages.sign_in(ADMIN)
    pages.get("/admin/organisations")
    before = row_counts(app)
    answer = pages.post("/admin/organisations", {"name": "Mairie de Royan", "kind": "municipality",
                                                 "commune": "Royan", "departement": "1Z", "territory": ""})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "département" in text_of(html)
    assert field_value(html, "name") == "Mairie de Royan"
    assert row_counts(app) == before
    done = pages.post("/admin/organisations", {"name": "Mairie de Royan", "kind": "municipality",
                                               "commune": "Royan", "departement": "17", "territory": ""})
    assert done.status_code == 302 and "Mairie de Royan" in pages.get("/admin/organisations")


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
    refused = pages.post(f"/admin/catalogue/designs/{design['id']}/plates", {
        "printer_profile": "prusa-mk3", "units_per_plate": "12", "print_minutes": "90",
        "gcode": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "photo.png")}, content_type="multipart/form-data")
    assert refused.status_code == 422 and "G-code" in text_of(refused.get_data(as_text=True))
    saved = pages.post(f"/admin/catalogue/designs/{design['id']}/plates", {
        "printer_profile": "prusa-mk3", "units_per_plate": "12", "print_minutes": "90",
        "gcode": (io.BytesIO(b"G28\nG1 X5 Y5\n"), "clip.gcode")}, content_type="multipart/form-data")
    assert saved.status_code == 302
    page = text_of(pages.get("/admin/catalogue"))
    assert "Clip de blouse" in page and "prusa-mk3 12 90" in page


def test_an_admin_cannot_lock_themselves_out(pages: Pages) -> None:
    pages.sign_in(ADMIN)
    users = pages.get("/admin/users")
    row = users[users.index("admin@demo.makernet.fr"):]
    path = re.search(r"/admin/users/\d+/active", row).group(0)
    pages.post(path, {"active": "0"})
    assert "propre compte" in text_of(pages.get("/admin/users"))


def test_the_coordinators_dashboard_shows_figures_alerts_and_printers(pages: Pages) -> None:
    pages.sign_in(COORDINATOR)
    html = pages.get("/dashboard?days=14")
    assert 'id="dashboard-data"' in html and "chart.umd.min.js" in html
    page = text_of(html)
    assert "Par département" in page and "Alertes de stock" in page and "Prusa 1" in page
    assert 'hx-get="/dashboard/printers"' in pages.get("/dashboard/printers")


def test_a_coordinator_sees_the_allocation_screen_with_capacity_and_distance(pages: Pages, api: ApiClient) -> None:
    visor = next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    request = api.ok("post", "/requests", REQUESTER, {"needed_by": "2099-01-01", "delivery_point": "Rochefort",
                                                      "lines": [{"item_id": visor, "quantity": 50}]})
    api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
    pages.sign_in(COORDINATOR)
    page = text_of(pages.get(f"/requests/{request['id']}/allocate"))
    assert "FabLab La Rochelle" in page and "km" in page and "Capacité par jour" in page
    refused = pages.post(f"/requests/{request['id']}/allocate", {
        "request_line_id": str(request["lines"][0]["id"]), "place_id": "1", "quantity": "abc"})
    assert refused.status_code == 422 and errors_of(refused.get_data(as_text=True), "quantity")


def test_operators_see_their_own_place_only(pages: Pages) -> None:
    pages.sign_in(OPERATOR)
    answer = pages.client.get("/places")
    assert answer.status_code == 302
    assert "FabLab La Rochelle" in pages.get(answer.headers["Location"])
    pages.get("/stock", status=403)


def test_the_pages_load_nothing_from_the_internet() -> None:
    offenders = []
    for path in list((ROOT / "templates").rglob("*.html")) + list((ROOT / "makernet" / "static").rglob("*.[cj]s*")):
        if "vendor" in path.parts:
            continue
        if re.search(r"""(src|href)=["']?(https?:)?//""", path.read_text()) or "@import url(http" in path.read_text():
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders
    for vendored in ("vendor/htmx/htmx.min.js", "vendor/htmx/LICENSE", "vendor/chartjs/chart.umd.min.js",
                     "vendor/chartjs/LICENSE.md"):
        assert (ROOT / "makernet" / "static" / vendored).is_file(), vendored


def test_the_static_assets_are_served_by_the_app(client) -> None:  # noqa: ANN001
    for asset in ("vendor/htmx/htmx.min.js", "vendor/chartjs/chart.umd.min.js", "css/makernet.css"):
        answer = client.get(f"/static/{asset}")
        assert answer.status_code == 200 and len(answer.data) > 1000
        answer.close()
