"""Printer keys are sealed with a key of their own, derived from the installation's secret; keys sealed the
first way still open; `makernet secrets rotate` moves every key to a new secret, all or nothing."""
from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet, InvalidToken
from flask import Flask
from sqlalchemy import update
from sqlmodel import select

from makernet.cli import main
from makernet.errors import Conflict, InvalidInput
from makernet.models import Machine
from makernet.services import sealing, secrets
from makernet.services.context import Context
from tests.support.fakes import FakePrinter

NEW = "a new secret of at least thirty-two characters"


def sealed_the_first_way(secret: str, key: str) -> str:
    """What MakerNet stored before 0011: a Fernet key that is a plain SHA-256 of the secret."""
    digest = hashlib.sha256(b"makernet printer keys\0" + secret.encode()).digest()
    return "sealed:" + Fernet(base64.urlsafe_b64encode(digest)).encrypt(key.encode()).decode()


def stored(ctx: Context) -> dict:
    with ctx.db.reading() as s:
        return s.exec(select(Machine.driver_settings).where(Machine.host == "fake://p1")).one()


def store(ctx: Context, settings: dict) -> None:
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Machine).where(Machine.host == "fake://p1").values(driver_settings=settings))


def test_a_key_is_sealed_with_the_current_derivation_which_the_first_one_cannot_open(app: Flask,
                                                                                      printer: FakePrinter) -> None:
    ctx = app.extensions["makernet"]
    value = stored(ctx)["api_key"]
    assert value.startswith("sealed:v2:") and "key" not in value.removeprefix("sealed:v2:")
    first = Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"makernet printer keys\0test").digest()))
    with pytest.raises(InvalidToken):
        first.decrypt(value.removeprefix("sealed:v2:").encode())
    assert secrets.reveal(ctx, value) == "key"


def test_the_sealing_key_is_not_the_secret_nor_what_signs_sessions(app: Flask) -> None:
    key = base64.urlsafe_b64decode(sealing.sealing_key("test"))
    assert key not in (b"test".ljust(32, b"\0"), hashlib.sha256(b"test").digest(),
                       hashlib.sha256(b"makernet printer keys\0test").digest())
    assert sealing.sealing_key("test") != sealing.sealing_key("test2") and len(key) == 32


def test_a_key_sealed_the_first_way_still_opens(app: Flask, printer: FakePrinter) -> None:
    ctx = app.extensions["makernet"]
    assert secrets.reveal(ctx, sealed_the_first_way("test", "old key")) == "old key"
    with pytest.raises(Conflict) as unreadable:
        secrets.reveal(ctx, sealed_the_first_way("another secret", "old key"))
    assert unreadable.value.code == "fleet.key_unreadable"


def test_rotating_reseals_every_key_under_the_new_secret(app: Flask, printer: FakePrinter) -> None:
    ctx = app.extensions["makernet"]
    moved = replace(ctx, secret=NEW)
    done = secrets.rotate(moved, "test")
    assert done == {"resealed": 1, "already_current": 0, "sealed_from_clear": 0, "machines": 1}
    assert secrets.reveal(moved, stored(ctx)["api_key"]) == "key"
    with pytest.raises(Conflict):
        secrets.reveal(ctx, stored(ctx)["api_key"])   # the old secret opens nothing any more
    again = secrets.rotate(moved, "test")   # run twice: the key already opens with the new secret
    assert again == {"resealed": 0, "already_current": 1, "sealed_from_clear": 0, "machines": 0}


def test_rotating_with_a_wrong_old_secret_changes_nothing(app: Flask, printer: FakePrinter) -> None:
    ctx = app.extensions["makernet"]
    before = stored(ctx)
    with pytest.raises(Conflict) as refused:
        secrets.rotate(replace(ctx, secret=NEW), "not the old secret")
    assert refused.value.code == "secrets.old_secret_wrong" and set(refused.value.params) == {"machine_id"}
    assert stored(ctx) == before and secrets.reveal(ctx, stored(ctx)["api_key"]) == "key"


def test_one_unreadable_key_stops_the_whole_rotation(app: Flask, printer: FakePrinter) -> None:
    ctx = app.extensions["makernet"]
    store(ctx, {"api_key": secrets.seal(ctx, "key"), "other": sealed_the_first_way("lost secret", "x")})
    before = stored(ctx)
    with pytest.raises(Conflict):
        secrets.rotate(replace(ctx, secret=NEW), "test")
    assert stored(ctx) == before


def test_rotating_seals_a_key_left_in_clear_and_moves_one_sealed_the_first_way(app: Flask,
                                                                              printer: FakePrinter) -> None:
    ctx = app.extensions["makernet"]
    store(ctx, {"api_key": "clear key", "label": "Prusa n° 2"})
    moved = replace(ctx, secret=NEW)
    assert secrets.rotate(moved, "test")["sealed_from_clear"] == 1
    settings = stored(ctx)
    assert settings["label"] == "Prusa n° 2" and settings["api_key"].startswith("sealed:v2:")
    assert secrets.reveal(moved, settings["api_key"]) == "clear key"
    store(ctx, {"api_key": sealed_the_first_way(NEW, "first way")})
    assert secrets.rotate(replace(ctx, secret="yet another"), NEW)["resealed"] == 1


@pytest.mark.parametrize("old, code", [("test", "secrets.same_secret"), ("  ", "secrets.old_secret_missing")])
def test_rotating_to_the_same_secret_or_from_none_is_refused(app: Flask, printer: FakePrinter, old: str,
                                                              code: str) -> None:
    ctx = app.extensions["makernet"]
    before = stored(ctx)
    with pytest.raises((Conflict, InvalidInput)) as refused:
        secrets.rotate(ctx, old)
    assert refused.value.code == code and stored(ctx) == before


def test_the_rotate_command_reads_the_old_secret_on_stdin_and_says_what_it_did(app: Flask, printer: FakePrinter,
                                                                               tmp_path: Path) -> None:
    ctx = app.extensions["makernet"]
    cli, env = CliRunner(), {"MAKERNET_INSTANCE_DIR": str(tmp_path), "MAKERNET_SECRET_KEY": NEW}
    wrong = cli.invoke(main, ["secrets", "rotate", "--old-secret-stdin"], input="guess\n", env=env)
    assert wrong.exit_code == 2 and wrong.stderr.startswith("makernet: ") and "(secrets.old_secret_wrong)" in wrong.stderr
    assert wrong.stderr.count("\n") == 1 and secrets.reveal(ctx, stored(ctx)["api_key"]) == "key"
    done = cli.invoke(main, ["secrets", "rotate", "--old-secret-stdin"], input="test\n", env=env)
    assert done.exit_code == 0 and done.stdout.startswith("1 printer key re-sealed") and "test" not in done.stdout
    assert secrets.reveal(replace(ctx, secret=NEW), stored(ctx)["api_key"]) == "key"
