"""A region's installation keeps its secrets to itself: a long secret key in production, a private instance folder."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest

from makernet import create_app, schema
from makernet.config import Settings
from makernet.errors import InvalidInput

PRODUCTION = {"database_url": "postgresql://makernet@127.0.0.1:5432/never_opened", "embedded_worker": False}


def test_production_refuses_a_short_secret_key_and_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as refused:
        create_app(Settings(instance_dir=tmp_path, secret_key="x" * 31, **PRODUCTION))
    assert (refused.value.code, refused.value.params) == ("config.secret_key_short", {"least": 32})
    assert not any(tmp_path.iterdir())   # nothing written before the refusal
    create_app(Settings(instance_dir=tmp_path, secret_key="k" * 32, **PRODUCTION))


def test_the_embedded_default_keeps_generating_its_own_secret(tmp_path: Path) -> None:
    app = create_app(Settings(instance_dir=tmp_path / "instance"))
    assert len(app.config["SECRET_KEY"]) >= 32


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_instance_folder_its_secret_and_its_database_are_private_to_their_owner(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    app = create_app(Settings(instance_dir=instance))
    schema.upgrade(app.extensions["makernet"].db)
    assert mode(instance) == 0o700
    assert mode(instance / "secret_key") == 0o600
    assert mode(instance / "makernet.sqlite3") & 0o077 == 0
    app.extensions["makernet"].db.dispose()


def test_a_database_file_made_readable_by_others_is_closed_again_at_the_next_start(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    app = create_app(Settings(instance_dir=instance))
    schema.upgrade(app.extensions["makernet"].db)
    app.extensions["makernet"].db.dispose()
    (instance / "makernet.sqlite3").chmod(0o644)
    create_app(Settings(instance_dir=instance))
    assert mode(instance / "makernet.sqlite3") == 0o600
