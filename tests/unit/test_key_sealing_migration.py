"""The upgrade to 0011 seals the printer keys older CSV imports stored in clear, moves keys sealed the first way
to the current sealing, leaves current ones alone, and stops rather than leave a key in clear."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from makernet import schema
from makernet.cli import main
from makernet.db import Database
from makernet.services.secrets import open_with
from tests.support.keys import SECRET, driver_settings, installation_before_sealing, sealed_the_first_way


def three_printers(database: Database) -> dict[int, dict]:
    current = {"api_key": "sealed:v2:" + "x" * 20}   # left as stored, whatever it holds
    keys = {1: {"api_key": "CLEARKEY1"}, 2: {"api_key": sealed_the_first_way(SECRET, "FIRSTWAY2")},
            3: current, 4: {}, 5: {"api_key": sealed_the_first_way("another secret", "LOST5")}}
    installation_before_sealing(database, keys)
    return keys


def upgrade_seals_the_clear_key(database: Database) -> None:
    keys = three_printers(database)
    schema.upgrade(database, secret=SECRET)
    after = driver_settings(database)
    assert after[1]["api_key"].startswith("sealed:v2:") and open_with(SECRET, after[1]["api_key"]) == "CLEARKEY1"
    assert after[2]["api_key"].startswith("sealed:v2:") and open_with(SECRET, after[2]["api_key"]) == "FIRSTWAY2"
    assert (after[3], after[4], after[5]) == (keys[3], {}, keys[5])
    assert schema.current_revision(database) == schema.head_revision()


def upgrade_without_a_secret_stops(database: Database) -> None:
    keys = three_printers(database)
    with pytest.raises(RuntimeError, match=r"machines 1 are stored in clear.*makernet db upgrade"):
        schema.upgrade(database)
    assert driver_settings(database) == keys
    assert "0011_seal_clear_keys" not in (schema.current_revision(database) or "")


def test_the_upgrade_seals_a_clear_key_and_leaves_sealed_ones_alone_on_sqlite(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade_seals_the_clear_key(database)
    database.dispose()


def test_the_upgrade_stops_without_the_secret_when_a_key_is_in_clear_on_sqlite(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade_without_a_secret_stops(database)
    database.dispose()


def test_makernet_db_upgrade_hands_the_installation_secret_to_the_migration(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'makernet.sqlite3'}")
    installation_before_sealing(database, {1: {"api_key": "CLEARKEY1"}})
    database.dispose()
    done = CliRunner().invoke(main, ["db", "upgrade"], env={"MAKERNET_INSTANCE_DIR": str(tmp_path),
                                                            "MAKERNET_SECRET_KEY": SECRET})
    assert done.exit_code == 0, done.output
    assert open_with(SECRET, driver_settings(database)[1]["api_key"]) == "CLEARKEY1"
    database.dispose()


def test_the_upgrade_reads_the_instance_secret_file_when_no_key_is_set(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'makernet.sqlite3'}")
    installation_before_sealing(database, {1: {"api_key": "CLEARKEY1"}})
    database.dispose()
    (tmp_path / "secret_key").write_text("the instance's own secret\n")
    done = CliRunner().invoke(main, ["db", "upgrade"], env={"MAKERNET_INSTANCE_DIR": str(tmp_path)})
    assert done.exit_code == 0, done.output
    assert open_with("the instance's own secret", driver_settings(database)[1]["api_key"]) == "CLEARKEY1"
    database.dispose()
