"""Input at the edges of what the database holds answers a coded 4xx and changes nothing, never a server error:
ids too large for a key, numbers of a thousand digits or beyond 2^63, NaN, a bare CR in a CSV header, NUL."""
from __future__ import annotations

import pytest

from tests.support.api import COORDINATOR, OPERATOR, REQUESTER, ApiClient
from tests.support.pages import Pages
from tests.support.snapshots import data_counts
from tests.unit.test_exchange_import import PLACES_HEADER, upload

HUGE_IDS = [2**31, 2**63, 10**30]


@pytest.mark.parametrize("huge", HUGE_IDS)
@pytest.mark.parametrize(("method", "path", "who"), [
    ("get", "/requests/{}", REQUESTER), ("post", "/requests/{}/approve", COORDINATOR),
    ("get", "/work-orders/{}", COORDINATOR), ("post", "/work-orders/{}/cancel", COORDINATOR),
    ("get", "/places/{}", OPERATOR), ("delete", "/machines/{}", OPERATOR), ("post", "/jobs/{}/retry", OPERATOR),
    ("get", "/supply-requests/{}", COORDINATOR), ("get", "/deliveries/{}/note.pdf", OPERATOR),
])
def test_an_id_beyond_any_row_is_not_found_in_the_api(api: ApiClient, method: str, path: str, who: str,
                                                      huge: int) -> None:
    answer = api.call(method, path.format(huge), who, {"reason": "x"} if method == "post" else None)
    assert answer.status_code == 404, answer.get_data(as_text=True)[:300]
    assert answer.get_json()["error"]["code"] == "http.not_found"


@pytest.mark.parametrize("huge", HUGE_IDS)
@pytest.mark.parametrize("path", ["/requests/{}", "/work-orders/{}", "/places/{}/queue", "/places/{}/stock",
                                  "/plans/{}", "/supply-requests/{}", "/deliveries/{}/note.pdf"])
def test_an_id_beyond_any_row_is_not_found_in_the_pages(client, path: str, huge: int) -> None:  # noqa: ANN001
    pages = Pages(client)
    pages.sign_in(COORDINATOR)
    pages.get(path.format(huge), status=404)


@pytest.mark.parametrize(("cell", "code"), [
    ("9" * 5000, "import.out_of_range"),          # beyond what Python parses without a limit
    (str(2**63), "import.out_of_range"),          # beyond any database integer
    ("-" + "9" * 5000, "import.too_small"),
])
def test_a_whole_number_beyond_bounds_is_a_row_error(app, api: ApiClient, cell: str, code: str) -> None:  # noqa: ANN001
    before = data_counts(app)
    sheet = f"place;material;quantity\nFabLab La Rochelle;pla;{cell}\n"
    report = upload(api, "stock", sheet, OPERATOR)
    assert report.status_code == 200, report.get_data(as_text=True)[:300]
    (error,) = report.get_json()["errors"]
    assert (error["line"], error["code"], error["params"]["column"]) == (2, code, "quantity")
    refused = upload(api, "stock", sheet, OPERATOR, dry_run=False)
    assert refused.status_code == 422 and refused.get_json()["details"][0]["code"] == code
    assert data_counts(app) == before


@pytest.mark.parametrize("number", ["NaN", "sNaN", "-Infinity", "1e999999"])
def test_nan_and_infinities_are_refused_in_a_latitude_and_a_cost(app, api: ApiClient, number: str) -> None:  # noqa: ANN001
    before = data_counts(app)
    places = upload(api, "places", f"{PLACES_HEADER}\nFab-lab Z;Fab-lab Z;Niort;79;{number};-0,4;1;;;;non\n")
    assert [(e["line"], e["code"], e["params"]["column"]) for e in places.get_json()["errors"]] == [
        (2, "import.out_of_range", "latitude")]
    stock = upload(api, "stock", f"place;material;quantity;cost_eur\nFabLab La Rochelle;pla;5;{number}\n", OPERATOR)
    assert [(e["line"], e["code"]) for e in stock.get_json()["errors"]] == [(2, "import.out_of_range")]
    assert data_counts(app) == before


def test_a_bare_carriage_return_in_the_header_is_an_unreadable_file_named_at_line_one(api: ApiClient) -> None:
    report = upload(api, "places", 'name;"departement\rx";commune\nFab-lab;79;Niort\n')
    assert report.status_code == 422
    assert [(e["line"], e["code"]) for e in report.get_json()["details"]] in (
        [(1, "import.unreadable")], [(1, "import.columns_wrong")])
    broken = upload(api, "places", 'name;departement\r"x\n')
    assert broken.status_code == 422 and broken.get_json()["details"][0]["line"] == 1


def test_a_nul_character_is_refused_in_a_body_a_query_and_a_form(app, api: ApiClient, client) -> None:  # noqa: ANN001
    before = data_counts(app)
    visor = next(i for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
    answer = api.call("post", "/requests", REQUESTER, {"needed_by": "2099-01-01", "delivery_point": "Mairie\x00",
                                                        "lines": [{"item_id": visor["id"], "quantity": 5}]})
    assert answer.status_code == 422
    assert answer.get_json()["details"] == [{"field": "delivery_point", "code": "body.nul_character",
                                             "message": "a text may not hold a NUL character"}]
    assert api.call("get", "/requests?status=submitted%00", REQUESTER).status_code == 422
    pages = Pages(client)
    pages.sign_in(REQUESTER)
    refused = pages.post("/requests/new", {"needed_by": "2099-01-01", "delivery_point": "Mairie\x00",
                                           "lines-0-item_id": str(visor["id"]), "lines-0-quantity": "5"})
    assert refused.status_code == 422 and "caractère nul" in refused.get_data(as_text=True)
    assert data_counts(app) == before


def test_a_nul_character_in_a_csv_file_is_refused_at_its_line(app, api: ApiClient) -> None:  # noqa: ANN001
    before = data_counts(app)
    report = upload(api, "places", f"{PLACES_HEADER}\nFab-lab Z;Fab-lab Z;Niort;79;;;1;;;;non\nFab\x00;x;y;79;;;1;;;;\n",
                    dry_run=False)
    assert report.status_code == 422
    assert [(e["line"], e["code"]) for e in report.get_json()["details"]] == [(3, "import.nul_character")]
    assert data_counts(app) == before


@pytest.mark.parametrize("days", ["since=0001-01-01&until=0022-01-01", "until=9999-12-31", "since=9999-12-31"])
@pytest.mark.parametrize("path", ["/plans", "/deliveries", "/supply-requests", "/jobs"])
def test_the_calendar_s_first_and_last_days_filter_lists_without_error(api: ApiClient, path: str, days: str) -> None:
    answer = api.call("get", f"{path}?{days}", COORDINATOR)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]


def test_the_pages_filter_by_the_calendar_s_first_and_last_days_too(client) -> None:  # noqa: ANN001
    pages = Pages(client)
    pages.sign_in(COORDINATOR)
    pages.get("/supply?since=0001-01-01&until=9999-12-31")


def test_a_yes_or_no_parameter_takes_only_yes_or_no_and_an_empty_one_is_refused(app, api: ApiClient) -> None:  # noqa: ANN001
    before = data_counts(app)
    sheet = b"place;material;quantity\nFabLab La Rochelle;pla;5\n"
    maybe = api.call("post", "/imports/stock?dry_run=maybe", OPERATOR, data=sheet, headers={"Content-Type": "text/csv"})
    assert maybe.status_code == 422 and maybe.get_json()["error"]["code"] == "query.not_flag"
    empty = api.call("get", "/requests?status=", REQUESTER)
    assert empty.status_code == 422 and empty.get_json()["error"]["code"] == "query.empty"
    assert data_counts(app) == before
    oui = api.call("post", "/imports/stock?dry_run=oui", OPERATOR, data=sheet, headers={"Content-Type": "text/csv"})
    assert oui.status_code == 200 and oui.get_json()["dry_run"] is True


def test_a_cost_beyond_what_the_database_counts_is_refused(app, api: ApiClient) -> None:  # noqa: ANN001
    before = data_counts(app)
    lab = next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "FabLab La Rochelle")
    answer = api.call("post", f"/places/{lab}/stock/receipts", OPERATOR,
                      {"material_id": 1, "quantity": 1, "reason": "", "cost_cents": 99_999_999_999})
    assert answer.status_code == 422 and answer.get_json()["details"][0]["field"] == "cost_cents"
    assert data_counts(app) == before
