"""A region's first administrator from the command line, and the demo users kept out of production."""
from __future__ import annotations

import io
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from makernet import create_app
from makernet.cli import main
from makernet.config import Settings
from makernet.demo import DEMO_PASSWORD
from makernet.errors import InvalidInput
from makernet.services import accounts
from makernet.services.accounts.operations import COMMON_PASSWORDS, MIN_PASSWORD
from tests.support.cli import command
from tests.support.pages import Pages, text_of

MAKERNET = str(Path(sys.executable).parent / "makernet")
FIRST = "cheffe@coordination-occitanie.fr"
PASSWORD = "trois pommes vertes au marché"
PLACES = "nom;departement;commune;organisation\nFab-lab de Toulouse;31;Toulouse;Fab-lab de Toulouse\n"


def run(instance: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([MAKERNET, *args], input=stdin, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "MAKERNET_INSTANCE_DIR": str(instance), **env})


def create(instance: Path, email: str = FIRST, password: str = PASSWORD, *extra: str) -> subprocess.CompletedProcess:
    return run(instance, "admin", "create", "--email", email, "--name", "Anne Cheffe", "--password-stdin", *extra,
               stdin=password + "\n")


def rows(instance: Path) -> dict[str, int]:
    """How many users and organisations the instance's database holds."""
    with closing(sqlite3.connect(instance / "makernet.sqlite3")) as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("user", "organisation")}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated database, as a new region's server has after `makernet db upgrade`."""
    instance = tmp_path_factory.mktemp("empty")
    assert run(instance, "db", "upgrade").returncode == 0
    return instance / "makernet.sqlite3"


@pytest.fixture
def instance(tmp_path: Path, migrated: Path) -> Path:
    shutil.copy(migrated, tmp_path / "makernet.sqlite3")
    return tmp_path


def test_the_first_admin_signs_in_gets_an_api_token_and_imports_the_regions_places(instance: Path) -> None:
    done = create(instance, FIRST, PASSWORD, "--organisation", "Coordination Occitanie")
    assert done.returncode == 0, done.stderr
    assert f"administrator {FIRST} created in Coordination Occitanie (new, kind coordination)" in done.stdout
    assert rows(instance) == {"user": 1, "organisation": 1}
    app = create_app(Settings(instance_dir=instance, secret_key="test"))
    try:
        pages = Pages(app.test_client())
        assert pages.sign_in(FIRST, PASSWORD).status_code == 302
        assert FIRST in pages.get("/admin/users") and "Coordination Occitanie" in pages.get("/admin/organisations")
        token = pages.client.post("/api/v1/auth/tokens", json={"email": FIRST, "password": PASSWORD})
        assert token.status_code == 201 and token.get_json()["role"] == "admin"
        imported = pages.post("/imports", {"kind": "places", "action": "import",
                                           "file": (io.BytesIO(PLACES.encode()), "lieux.csv")},
                              content_type="multipart/form-data")
        assert imported.status_code == 200 and "1 ligne importée." in text_of(imported.get_data(as_text=True))
    finally:
        app.extensions["makernet"].db.dispose()


def test_an_admin_joins_an_organisation_that_already_exists(instance: Path) -> None:
    assert create(instance, FIRST, PASSWORD, "--organisation", "Coordination Occitanie").returncode == 0
    second = create(instance, "adjoint@coordination-occitanie.fr", "un autre mot de passe long",
                    "--organisation", "Coordination Occitanie")
    assert second.returncode == 0 and "(new" not in second.stdout
    assert rows(instance) == {"user": 2, "organisation": 1}


@pytest.mark.parametrize("email,password,words", [
    (FIRST, "court", "Le mot de passe compte de 10 à 200 caractères. (accounts.password_length)"),
    (FIRST, "AzertyUiop", "les plus courants ; choisissez-en un autre, une courte phrase par exemple. "
                          "(accounts.password_common)"),
    (FIRST, FIRST.upper(), "ne peut pas être l'adresse e-mail. (accounts.password_is_email)"),
    ("pas-une-adresse", PASSWORD, "Ce n'est pas une adresse e-mail. (accounts.email_invalid)"),
    ("", PASSWORD, "(fields.required)"),
])
def test_a_weak_password_or_a_bad_email_is_refused_and_nothing_is_written(
        instance: Path, email: str, password: str, words: str) -> None:
    refused = create(instance, email, password)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and words in refused.stderr, refused.stderr
    assert refused.stderr.startswith("makernet: ") and "Traceback" not in refused.stderr
    assert rows(instance) == {"user": 0, "organisation": 0}


def test_an_email_already_taken_is_refused_and_nothing_more_is_written(instance: Path) -> None:
    assert create(instance).returncode == 0
    taken = create(instance, FIRST.upper(), "un tout autre mot de passe", "--organisation", "Autre coordination")
    assert taken.returncode == 2 and taken.stderr == (
        f"makernet: Un utilisateur a déjà l'adresse e-mail {FIRST}. (accounts.user_exists)\n")
    assert rows(instance) == {"user": 1, "organisation": 1}


def test_a_missing_email_is_refused_before_anything_is_asked(instance: Path) -> None:
    missing = run(instance, "admin", "create", "--name", "Anne Cheffe", "--password-stdin", stdin=PASSWORD + "\n")
    assert missing.returncode == 2 and "Missing option '--email'" in missing.stderr
    assert rows(instance) == {"user": 0, "organisation": 0}


def test_the_password_is_asked_twice_without_echo_and_a_mismatch_writes_nothing(instance: Path) -> None:
    cli = CliRunner()
    args = ["admin", "create", "--email", FIRST, "--name", "Anne Cheffe"]
    env = {"MAKERNET_INSTANCE_DIR": str(instance)}
    mismatch = cli.invoke(main, args, input=f"{PASSWORD}\n{PASSWORD}!\n", env=env)
    assert mismatch.exit_code == 1 and "do not match" in mismatch.output and PASSWORD not in mismatch.output
    assert rows(instance) == {"user": 0, "organisation": 0}
    typed = cli.invoke(main, args, input=f"{PASSWORD}\n{PASSWORD}\n", env=env)
    assert typed.exit_code == 0 and PASSWORD not in typed.output and f"administrator {FIRST} created" in typed.output
    assert rows(instance) == {"user": 1, "organisation": 1}


def test_the_password_is_never_an_argument() -> None:
    done = subprocess.run([MAKERNET, "admin", "create", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--password-stdin" in done.stdout and "--password " not in done.stdout


PRODUCTION = {"MAKERNET_BROKER_URL": "redis://127.0.0.1:9/0", "MAKERNET_SECRET_KEY": "0123456789abcdef" * 4}


def test_demo_refuses_production_mode_and_says_why_unless_told_yes(instance: Path) -> None:
    refused = run(instance, "demo", **PRODUCTION)
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    for words in ("production mode", repr(DEMO_PASSWORD), "makernet admin create", "--yes-load-demo-users"):
        assert words in refused.stderr, words
    assert rows(instance) == {"user": 0, "organisation": 0}
    production = {"PATH": "/usr/bin:/bin", "MAKERNET_INSTANCE_DIR": str(instance), **PRODUCTION}
    loaded = command("demo", "--yes-load-demo-users", env=production)
    assert loaded.returncode == 0 and "demo territory loaded" in loaded.stdout, loaded.stderr
    assert rows(instance)["user"] == 8


def test_demo_refuses_a_database_server_before_connecting_to_it(tmp_path: Path) -> None:
    refused = run(tmp_path, "demo", MAKERNET_DATABASE_URL="postgresql://makernet:x@127.0.0.1:9/makernet",
                  MAKERNET_EMBEDDED_WORKER="on", MAKERNET_SECRET_KEY=PRODUCTION["MAKERNET_SECRET_KEY"])
    assert refused.returncode == 2 and "production mode" in refused.stderr


def test_the_password_rule_is_the_same_for_an_invitation(app) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    admin = accounts.actor_for(accounts.sign_in(ctx, "admin@demo.makernet.fr", DEMO_PASSWORD))
    invited = accounts.invite_user(ctx, admin, email="lea@mairie-rochefort.fr", name="Léa Petit", role="requester",
                                   organisation_id=1)
    for weak, code in (("MotDePasse123", "accounts.password_common"),
                       ("LEA@mairie-rochefort.fr", "accounts.password_is_email")):
        with pytest.raises(InvalidInput) as refused:
            accounts.accept_invitation(ctx, invited["token"], weak)
        assert refused.value.code == code
    assert accounts.accept_invitation(ctx, invited["token"], PASSWORD)["email"] == "lea@mairie-rochefort.fr"


def test_every_common_password_listed_is_long_enough_to_need_the_list() -> None:
    assert all(len(password) >= MIN_PASSWORD and password == password.casefold() for password in COMMON_PASSWORDS)
