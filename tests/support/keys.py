"""Printer keys as earlier versions stored them: in clear (CSV imports before sealing) or sealed the first way."""
from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet
from sqlalchemy import text

from makernet import schema
from makernet.db import Database

SECRET = "the installation's secret, thirty-two characters or more"


def sealed_the_first_way(secret: str, key: str) -> str:
    """What MakerNet stored before 0011: a Fernet key that is a plain SHA-256 of the secret."""
    digest = hashlib.sha256(b"makernet printer keys\0" + secret.encode()).digest()
    return "sealed:" + Fernet(base64.urlsafe_b64encode(digest)).encrypt(key.encode()).decode()


def installation_before_sealing(database: Database, keys: dict[int, dict]) -> None:
    """A database at the revisions before 0011, with one printer per entry of `keys` (id: driver settings)."""
    schema.upgrade(database, "0008_driver_settings")
    schema.upgrade(database, "0010_token_expiry")
    with database.engine.begin() as connection:
        connection.execute(text("INSERT INTO organisation (id, name, kind, commune, departement, territory, created_at) "
                                "VALUES (1, 'FabLab', 'fab_lab', 'La Rochelle', '17', '[]', CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO place (id, organisation_id, name, commune, departement, staff_available, opening_hours, "
            "batch_limit, hourly_value_cents, accepted_item_ids, auto_accept, offline_policy, site_worker, active, "
            "created_at) VALUES (1, 1, 'FabLab', 'La Rochelle', '17', 1, '{}', NULL, 0, '[]', false, 'hold', false, "
            "true, CURRENT_TIMESTAMP)"))
        for machine_id, settings in keys.items():
            connection.execute(text(
                "INSERT INTO machine (id, place_id, name, kind, driver, host, driver_settings, clears_itself, "
                "bed_clear, state, state_detail, key_status, active, created_at) VALUES (:id, 1, :name, "
                "'fdm_printer', 'octoprint', :host, :settings, false, true, 'unknown', '', 'stored', true, "
                "CURRENT_TIMESTAMP)"),
                {"id": machine_id, "name": f"M{machine_id}", "host": f"http://10.0.0.{machine_id}:5000",
                 "settings": json.dumps(settings)})


def driver_settings(database: Database) -> dict[int, dict]:
    """Each machine's driver settings as stored."""
    with database.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, driver_settings FROM machine ORDER BY id")).all()
    return {row[0]: row[1] if isinstance(row[1], dict) else json.loads(row[1]) for row in rows}
