"""Upgrading an installation keeps its printers (the OctoPrint address and sealed key move to the driver settings)
and fills new running totals from the history it holds."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from makernet import schema
from makernet.db import Database
from tests.support.api import COORDINATOR, SEWING_OPERATOR, ApiClient
from tests.support.recount import demand_days, output_days, some_history, stock_days
from tests.support.services import postgres_database, postgres_demo_app

SEALED = "sealed:gAAAAABkexample"   # moved as stored, never unsealed


def a_printer_before_the_driver_settings(database: Database) -> None:
    """An installation at the onboarding revision with one OctoPrint printer and one sewing station."""
    schema.upgrade(database, "0007_onboarding")
    with database.engine.begin() as connection:
        connection.execute(text("INSERT INTO organisation (id, name, kind, commune, departement, territory, created_at) "
                                "VALUES (1, 'FabLab', 'fab_lab', 'La Rochelle', '17', '[]', CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO place (id, organisation_id, name, commune, departement, staff_available, opening_hours, "
            "batch_limit, hourly_value_cents, accepted_item_ids, auto_accept, offline_policy, site_worker, active, created_at) "
            "VALUES (1, 1, 'FabLab', 'La Rochelle', '17', 1, '{}', NULL, 0, '[]', false, 'hold', false, true, CURRENT_TIMESTAMP)"))
        for machine_id, driver, url, key in ((1, "octoprint", "http://10.0.0.12:5000", SEALED),
                                             (2, "manual", None, None)):
            connection.execute(text(
                "INSERT INTO machine (id, place_id, name, kind, driver, octoprint_url, api_key, clears_itself, "
                "bed_clear, state, state_detail, key_status, active, created_at) VALUES (:id, 1, :name, "
                "'fdm_printer', :driver, :url, :key, false, true, 'unknown', '', 'stored', true, CURRENT_TIMESTAMP)"),
                {"id": machine_id, "name": f"M{machine_id}", "driver": driver, "url": url, "key": key})


def machines(database: Database, columns: str) -> list[tuple]:
    with database.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(f"SELECT id, {columns} FROM machine ORDER BY id"))]


def upgrade_and_back(database: Database) -> None:
    a_printer_before_the_driver_settings(database)
    schema.upgrade(database)
    moved = machines(database, "host, driver_settings")
    settings = [s if isinstance(s, dict) else json.loads(s) for _id, _host, s in moved]
    assert [(m[0], m[1]) for m in moved] == [(1, "http://10.0.0.12:5000"), (2, None)]
    assert settings == [{"api_key": SEALED}, {}]
    schema.downgrade(database, "0007_onboarding")
    assert machines(database, "octoprint_url, api_key") == [(1, "http://10.0.0.12:5000", SEALED), (2, None, None)]


def test_a_printers_address_and_sealed_key_move_to_its_driver_settings_on_sqlite(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade_and_back(database)
    database.dispose()


@pytest.mark.postgres
def test_a_printers_address_and_sealed_key_move_to_its_driver_settings_on_postgresql() -> None:
    with postgres_database() as url:
        database = Database(url)
        upgrade_and_back(database)
        database.dispose()


def totals_filled_from_the_history(application: object) -> None:
    """Running totals are filled, on upgrade, from the finished plates and the ledger already there."""
    ctx = application.extensions["makernet"]  # type: ignore[attr-defined]
    api = ApiClient(application.test_client())  # type: ignore[attr-defined]
    some_history(api)
    on_the_shelf(api)
    schema.downgrade(ctx.db, "0016_notice_preferences")
    schema.upgrade(ctx.db)
    with ctx.db.reading() as s:
        made, made_kept = output_days(s)
        moved, moved_kept = stock_days(s)
        asked, asked_kept = demand_days(s)
    assert made_kept == made and sum(made.values()) == 25
    assert moved_kept == moved and moved
    assert asked_kept == asked and asked
    assert sum(q for (flow, *_), q in asked_kept.items() if flow == "shipped") == 20   # not the 5 on the shelf


def on_the_shelf(api: ApiClient) -> None:
    """The sewing workshop's last 5 masks prepared for their town hall, not yet gone: not shipped."""
    place = next(p["id"] for p in api.ok("get", "/places", COORDINATOR) if p["name"] == "Atelier couture solidaire")
    for request in api.ok("get", "/requests", COORDINATOR):
        if request["lines"] and request["lines"][0]["units_delivered"] == 20:
            api.ok("post", "/deliveries", SEWING_OPERATOR, {
                "place_id": place, "request_id": request["id"],
                "lines": [{"request_line_id": request["lines"][0]["id"], "quantity": 5}]})
            return
    raise AssertionError("the history has no request shipped in part")


def test_running_totals_are_filled_from_the_history_on_sqlite(app: Flask) -> None:
    totals_filled_from_the_history(app)


@pytest.mark.postgres
def test_running_totals_are_filled_from_the_history_on_postgresql(tmp_path: Path) -> None:
    with postgres_demo_app(tmp_path) as application:
        totals_filled_from_the_history(application)
