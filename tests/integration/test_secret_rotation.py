"""On PostgreSQL: the upgrade to 0011 seals keys left in clear, and `makernet secrets rotate` moves every printer
key to a new secret in one transaction, or changes nothing."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from makernet import schema
from makernet.cli import main
from makernet.db import Database
from makernet.services.secrets import open_with
from tests.support.keys import SECRET, driver_settings, installation_before_sealing, sealed_the_first_way
from tests.support.services import postgres_database

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
NEW = "the region's new secret, also thirty-two characters or more"


def test_upgrading_then_rotating_the_secret_keeps_every_printer_key_readable(tmp_path: Path) -> None:
    with postgres_database() as url:
        database = Database(url)
        installation_before_sealing(database, {1: {"api_key": "CLEARKEY1"},
                                               2: {"api_key": sealed_the_first_way(SECRET, "FIRSTWAY2")}, 3: {}})
        env = {"MAKERNET_INSTANCE_DIR": str(tmp_path), "MAKERNET_DATABASE_URL": url, "MAKERNET_SECRET_KEY": SECRET}
        cli = CliRunner()
        assert cli.invoke(main, ["db", "upgrade"], env=env).exit_code == 0
        sealed = driver_settings(database)
        assert [open_with(SECRET, sealed[n]["api_key"]) for n in (1, 2)] == ["CLEARKEY1", "FIRSTWAY2"]
        assert all(sealed[n]["api_key"].startswith("sealed:v2:") for n in (1, 2)) and sealed[3] == {}

        env["MAKERNET_SECRET_KEY"] = NEW   # the administrator puts the new secret in the environment file
        wrong = cli.invoke(main, ["secrets", "rotate", "--old-secret-stdin"], input=NEW[::-1] + "\n", env=env)
        assert wrong.exit_code == 2 and "(secrets.old_secret_wrong)" in wrong.stderr
        assert driver_settings(database) == sealed
        done = cli.invoke(main, ["secrets", "rotate", "--old-secret-stdin"], input=SECRET + "\n", env=env)
        assert done.exit_code == 0 and done.stdout.startswith("2 printer keys re-sealed"), done.output
        rotated = driver_settings(database)
        assert [open_with(NEW, rotated[n]["api_key"]) for n in (1, 2)] == ["CLEARKEY1", "FIRSTWAY2"]
        assert [open_with(SECRET, rotated[n]["api_key"]) for n in (1, 2)] == [None, None]
        assert schema.current_revision(database) == schema.head_revision()
        database.dispose()
