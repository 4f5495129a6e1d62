"""Onboarding from CSV: a dry run names every bad row by its line, and a file with one bad row imports nothing."""
from __future__ import annotations

from sqlmodel import select

from makernet.models import Machine
from makernet.services.secrets import reveal
from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, ApiClient
from tests.support.snapshots import data_counts

PLACES_HEADER = "organisation;name;commune;departement;latitude;longitude;staff_available;batch_limit;" \
                "hourly_value_eur;accepted_items;auto_accept"


def twenty_places() -> str:
    """Twenty fab-labs of the four départements, as a coordinator's spreadsheet exports them."""
    rows = [f"Fab-lab {n};Fab-lab {n};Commune {n};{('16', '17', '79', '86')[n % 4]};45,{n:02d};-0,5;{n % 5 + 1};"
            f"{100 + n};12,50;visiere;non" for n in range(1, 21)]
    return "\n".join([PLACES_HEADER, *rows]) + "\n"


def upload(api: ApiClient, kind: str, text: str | bytes, who: str = COORDINATOR, dry_run: bool = True):  # noqa: ANN201
    data = text.encode() if isinstance(text, str) else text
    return api.call("post", f"/imports/{kind}?dry_run={'true' if dry_run else 'false'}", who, data=data,
                    headers={"Content-Type": "text/csv"})


def counts(app) -> dict:  # noqa: ANN001
    return data_counts(app)


def test_twenty_places_are_checked_by_a_dry_run_then_imported_at_once(app, api) -> None:  # noqa: ANN001
    before = counts(app)
    dry = upload(api, "places", twenty_places()).get_json()
    assert (dry["rows"], dry["valid"], dry["errors"], dry["imported"]) == (20, 20, [], 0)
    assert counts(app) == before
    done = upload(api, "places", twenty_places(), dry_run=False).get_json()
    assert (done["imported"], done["errors"]) == (20, [])
    place = next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "Fab-lab 7")
    assert (place["departement"], place["latitude"], place["staff_available"], place["batch_limit"],
            place["hourly_value_cents"], place["auto_accept"]) == ("86", 45.07, 3, 107, 1250, False)
    again = upload(api, "places", twenty_places()).get_json()
    assert len(again["errors"]) == 20 and again["errors"][0] == {
        "line": 2, "code": "import.place_exists", "params": {"name": "Fab-lab 1"},
        "reason": "place 'Fab-lab 1' already exists"}


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(app, api) -> None:  # noqa: ANN001
    text = "\n".join([
        PLACES_HEADER,
        "Fab-lab A;Fab-lab A;Niort;79;46,3;-0,46;4;;15;visiere;oui",          # line 2: good
        "Fab-lab B;Fab-lab B;Bordeaux;33;;;2;;;;",                            # 3: outside the territory
        "Fab-lab C;Fab-lab C;Poitiers;86;;;deux;;;;",                         # 4: not a number
        "Fab-lab D;Fab-lab D;Cognac;16;;;2;;;fusée;",                          # 5: unknown item
        "Fab-lab A;Fab-lab A;Niort;79;;;1;;;;",                               # 6: twice in the file
        "Mairie de Rochefort;Salle Pierre Loti;Rochefort;17;;;1;;;;",          # 7: not a producer
        "Fab-lab E;Fab-lab E;Saintes;ZZ;;;1;;;;",                             # 8: not a département
        "Fab-lab F;Fab-lab F;Saintes;17;95;;1;;;;",                           # 9: latitude out of range
        "Fab-lab G;Fab-lab G;Saintes;17;;;1;;;;peut-être",                    # 10: not a yes or no
        "Fab-lab H;Fab-lab H;Saintes;17",                                     # 11: missing fields
    ]) + "\n"
    api.token(COORDINATOR)
    before = counts(app)
    report = upload(api, "places", text).get_json()
    assert [e["line"] for e in report["errors"]] == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    reasons = dict((e["line"], e["reason"]) for e in report["errors"])
    assert reasons[3] == "département 33 is outside your territory"
    assert reasons[4] == "staff_available must be a whole number, not 'deux'"
    assert reasons[5] == "unknown items: fusée"
    assert reasons[6] == "place 'Fab-lab A' appears twice in the file"
    assert "must be one of: fab_lab" in reasons[7]
    assert "not a French département code" in reasons[8]
    assert reasons[9] == "latitude must be between -90 and 90"
    assert reasons[10] == "auto_accept must be oui or non, not 'peut-être'"
    assert reasons[11] == "4 fields, the header has 11"
    assert (report["rows"], report["valid"]) == (10, 1)
    refused = upload(api, "places", text, dry_run=False)
    assert refused.status_code == 422 and refused.get_json()["error"]["message"].startswith("9 problems in the file")
    assert refused.get_json()["error"]["code"] == "body.import_refused"
    assert [d["line"] for d in refused.get_json()["details"]] == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert counts(app) == before


def test_machines_and_opening_stock_follow_the_places(app, api) -> None:  # noqa: ANN001
    upload(api, "places", twenty_places(), dry_run=False)
    machines = "place,name,kind,printer_profile,octoprint_url,clears_itself\n" + "".join(
        f"Fab-lab {n},Prusa {m},fdm_printer,prusa-mk3,,non\n" for n in range(1, 21) for m in (1, 2, 3)) + \
        "Fab-lab 1,Laser,laser_cutter,,,\nFab-lab 2,Belt,fdm_printer,prusa-mk3,http://192.0.2.10:5000/,oui\n"
    done = upload(api, "machines", machines, dry_run=False).get_json()
    assert (done["imported"], done["errors"]) == (62, [])
    lab = next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "Fab-lab 2")
    belt = next(m for m in lab["machines"] if m["name"] == "Belt")
    assert (belt["driver"], belt["host"], belt["clears_itself"]) == ("octoprint", "http://192.0.2.10:5000", True)
    stock = "\ufefflieu;matière;quantité;coût_eur\nFab-lab 1;pla;12 000;240,00\nFab-lab 1;elastique;500;\n"
    done = upload(api, "stock", stock, dry_run=False).get_json()
    assert (done["imported"], done["errors"]) == (2, [])
    first = next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "Fab-lab 1")
    levels = {m["code"]: m["level"] for m in api.ok("get", f"/places/{first}/stock", COORDINATOR)}
    assert levels == {"pla": 12_000, "elastique": 500}
    ledger = api.ok("get", f"/places/{first}/ledger", COORDINATOR)
    assert {(e["kind"], e["cost_cents"], e["reason"]) for e in ledger} == {
        ("receipt", 24_000, "stock d'ouverture (import)"), ("receipt", None, "stock d'ouverture (import)")}


def test_a_printer_key_imported_by_csv_is_sealed_at_rest_and_never_shown(app, api) -> None:  # noqa: ANN001
    upload(api, "places", twenty_places(), dry_run=False)
    machines = "place;name;kind;octoprint_url;api_key\nFab-lab 3;Voron;fdm_printer;http://192.0.2.11:5000;CLEAR-KEY-42\n"
    assert upload(api, "machines", machines, dry_run=False).get_json()["errors"] == []
    with app.extensions["makernet"].db.reading() as s:
        stored = s.exec(select(Machine.driver_settings).where(Machine.name == "Voron")).one()["api_key"]
    assert stored.startswith("sealed:") and "CLEAR-KEY-42" not in stored
    assert reveal(app.extensions["makernet"], stored) == "CLEAR-KEY-42"
    lab = next(p for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "Fab-lab 3")
    assert "CLEAR-KEY-42" not in str(lab) and "sealed:" not in str(lab)


def test_printers_of_each_host_are_imported_by_its_name_and_a_host_unknown_or_without_address_is_named(
        app, api) -> None:  # noqa: ANN001
    upload(api, "places", twenty_places(), dry_run=False)
    machines = "\n".join(["lieu;nom;type_machine;hote;adresse;api_key", "Fab-lab 3;Voron;fdm_printer;klipper;"
                          "http://192.0.2.31:7125;", "Fab-lab 3;MK4;fdm_printer;PrusaLink;http://192.0.2.32;PL-KEY-1234",
                          "Fab-lab 3;Old MK3;fdm_printer;;http://192.0.2.33:5000;OP-KEY-1234",
                          "Fab-lab 3;X1;fdm_printer;bambu;http://192.0.2.34;", "Fab-lab 3;K1;fdm_printer;moonraker;;"])
    reasons = [(e["line"], e["code"]) for e in upload(api, "machines", machines).get_json()["errors"]]
    assert reasons == [(5, "import.host_unknown"), (6, "import.host_without_url")]
    good = "\n".join(machines.splitlines()[:4])
    assert upload(api, "machines", good, dry_run=False).get_json()["errors"] == []
    with app.extensions["makernet"].db.reading() as s:
        drivers = dict(s.exec(select(Machine.name, Machine.driver).where(Machine.name.in_(["Voron", "MK4", "Old MK3"]))).all())
    assert drivers == {"Voron": "moonraker", "MK4": "prusalink", "Old MK3": "octoprint"}


def test_bad_machine_and_stock_rows_are_named(api) -> None:  # noqa: ANN001
    machines = "\n".join(["place;name;kind;octoprint_url", "Atelier inconnu;P1;fdm_printer;",
                          "FabLab La Rochelle;Prusa 1;fdm_printer;", "FabLab La Rochelle;P9;imprimante;",
                          "FabLab La Rochelle;P10;sewing_station;http://192.0.2.1", "FabLab La Rochelle;P11;fdm_printer;ftp://x",
                          "FabLab La Rochelle;P12;fdm_printer;http://admin:pw@192.0.2.10:5000/api/files"])
    reasons = [(e["line"], e["reason"]) for e in upload(api, "machines", machines).get_json()["errors"]]
    assert reasons == [(2, "unknown place 'Atelier inconnu' (import the places first)"),
                       (3, "FabLab La Rochelle already has a machine named 'Prusa 1'"),
                       (4, "kind must be one of: fdm_printer, laser_cutter, sewing_station, assembly_bench"),
                       (5, "only a 3D printer (fdm_printer) has a host address"),
                       (6, "the printer's address must start with http:// or https://"),
                       (7, "the printer's address is its bare address (http://host:port), with no path or credentials")]
    stock = "place;material;quantity\nFabLab La Rochelle;or;5\nFabLab La Rochelle;pla;0\nFabLab La Rochelle;pla;\n" \
            "FabLab La Rochelle;petg;10\nFabLab La Rochelle;petg;10\n"
    reasons = [(e["line"], e["reason"]) for e in upload(api, "stock", stock, OPERATOR).get_json()["errors"]]
    assert reasons == [(2, "unknown material 'or'"), (3, "quantity must be at least 1"), (4, "quantity is required"),
                       (6, "petg at FabLab La Rochelle appears twice in the file")]
    others = upload(api, "stock", "place;material;quantity\nFabLab La Rochelle;pla;5\n", OTHER_OPERATOR).get_json()
    assert others["errors"] == [{"line": 2, "code": "import.place_unknown", "params": {"name": "FabLab La Rochelle"},
                                 "reason": "unknown place 'FabLab La Rochelle' (import the places first)"}]


def test_a_file_that_cannot_be_read_is_refused_whole(api) -> None:  # noqa: ANN001
    refused = upload(api, "places", "nom;ville\nFab-lab;Niort\n")   # even on a dry run: there is nothing to check
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "body.import_refused"
    report = {"errors": refused.get_json()["details"]}
    assert report["errors"][0]["line"] == 1 and "missing columns: departement" in report["errors"][0]["reason"]
    assert report["errors"][0]["code"] == "import.columns_wrong"
    assert report["errors"][0]["params"] == {"missing": ["departement"], "unknown": ["ville"],
                                             "expected": ["name", "departement", "organisation", "organisation_kind",
                                                          "commune", "latitude", "longitude", "staff_available",
                                                          "batch_limit", "hourly_value_eur", "accepted_items",
                                                          "auto_accept"]}
    assert "unknown columns: ville" in report["errors"][0]["reason"]
    cp1252 = "name;departement;commune\nFab-lab de Sèvres;79;Sèvres\n".encode("cp1252")
    assert upload(api, "places", cp1252).get_json()["errors"] == []
    assert api.call("post", "/imports/places", COORDINATOR, json={"csv": "x"}).status_code == 415
    assert upload(api, "places", twenty_places(), OPERATOR).status_code == 403
