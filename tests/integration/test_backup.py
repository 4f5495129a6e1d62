"""The restore drill: a region's database backed up with `makernet db backup`, restored with `makernet db
restore` into a new empty database, then served: the same people sign in and see the same data.
On PostgreSQL (pg_dump/pg_restore of the server's version) and on the embedded SQLite."""
from __future__ import annotations

import secrets
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from makernet import create_app
from makernet.config import Settings
from tests.support.api import ADMIN, COORDINATOR, REQUESTER, ApiClient
from tests.support.fakes import RecordingQueue
from tests.support.pages import Pages
from tests.support.services import postgres_database
from tests.support.snapshots import data_counts

MAKERNET = str(Path(sys.executable).parent / "makernet")
SECRET = secrets.token_hex(32)


def makernet(*args: str, cwd: Path, instance: Path, database_url: str = "",
             stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The command as an administrator runs it, with production settings when a database URL is given."""
    env = {"PATH": "/usr/bin:/bin", "MAKERNET_INSTANCE_DIR": str(instance), "MAKERNET_SECRET_KEY": SECRET}
    if database_url:
        env["MAKERNET_DATABASE_URL"] = database_url
    return subprocess.run([MAKERNET, *args], input=stdin, capture_output=True, text=True, timeout=300, env=env,
                          cwd=cwd)


def load_demo(cwd: Path, instance: Path, database_url: str = "") -> None:
    """A migrated database with the demo territory, through the command line, and a town hall's request."""
    for args in (["db", "upgrade"], ["demo", "--yes-load-demo-users"]):
        done = makernet(*args, cwd=cwd, instance=instance, database_url=database_url)
        assert done.returncode == 0, done.stderr
    app = create_app(Settings(instance_dir=instance, secret_key=SECRET, database_url=database_url,
                              embedded_worker=False))
    app.extensions["makernet"].tasks = RecordingQueue()
    try:
        api = ApiClient(app.test_client())
        visor = next(i["id"] for i in api.ok("get", "/items", REQUESTER) if i["code"] == "visiere")
        api.ok("post", "/requests", REQUESTER, json={
            "needed_by": (date.today() + timedelta(days=14)).isoformat(), "delivery_point": "Hôtel de ville, Rochefort",
            "lines": [{"item_id": visor, "quantity": 20}]})
    finally:
        app.extensions["makernet"].db.dispose()


def answers(instance: Path, database_url: str = "") -> dict:
    """What the served database answers: its rows, a demo user's sign-in, an admin page and two API lists."""
    app = create_app(Settings(instance_dir=instance, secret_key=SECRET, database_url=database_url,
                              embedded_worker=False))
    app.extensions["makernet"].tasks = RecordingQueue()
    try:
        counts = data_counts(app)
        pages = Pages(app.test_client())
        signed_in = pages.sign_in(COORDINATOR).status_code
        api = ApiClient(app.test_client())
        admin = Pages(app.test_client())
        admin.sign_in(ADMIN)
        users_page = admin.get("/admin/users")
        return {
            "rows": counts,
            "signed_in": signed_in,
            "triage": pages.get("/triage").count("Hôtel de ville, Rochefort"),
            "users_listed": sorted(email for email in ("admin@", "coordination@", "mairie.rochefort@")
                                   if email in users_page),
            "requests": sorted(r["id"] for r in api.ok("get", "/requests", COORDINATOR)),
            "places": sorted(p["name"] for p in api.ok("get", "/places", COORDINATOR)),
        }
    finally:
        app.extensions["makernet"].db.dispose()


def only_backup(folder: Path, suffix: str) -> Path:
    """The one file `makernet db backup` wrote in the folder, with its dated default name."""
    found = sorted(folder.glob(f"makernet-*{suffix}"))
    assert len(found) == 1, found
    return found[0]


def one_line_refusal(done: subprocess.CompletedProcess[str], code: str) -> None:
    """A refusal as every command gives one: one line, exit status 2, the code at its end, no traceback."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("makernet: ") and done.stderr.endswith(f" ({code})\n"), done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def pg_backup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict]]:
    """The demo territory on PostgreSQL, backed up from the command line; its answers taken after the backup."""
    folder = tmp_path_factory.mktemp("pg-backup")
    with postgres_database() as url:
        load_demo(folder, folder / "instance", url)
        done = makernet("db", "backup", cwd=folder, instance=folder / "instance", database_url=url)
        assert done.returncode == 0, done.stderr
        backup = only_backup(folder, ".dump")
        assert f"written to {backup}" in done.stdout
        yield backup, answers(folder / "instance", url)


@pytest.mark.integration
@pytest.mark.postgres
def test_a_postgresql_backup_restored_into_an_empty_database_serves_the_same_data(
        pg_backup: tuple[Path, dict], tmp_path: Path) -> None:
    backup, before = pg_backup
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert before["signed_in"] == 302 and before["requests"] and before["places"] and before["triage"]
    assert sum(before["rows"].values()) > 50
    with postgres_database() as empty:
        done = makernet("db", "restore", str(backup), cwd=tmp_path, instance=tmp_path, database_url=empty)
        assert done.returncode == 0, done.stderr
        assert "restored into" in done.stdout and "makernet db upgrade" not in done.stdout
        assert answers(tmp_path, empty) == before


@pytest.mark.integration
@pytest.mark.postgres
def test_restoring_over_a_postgresql_database_with_data_needs_force_then_replaces_it(
        pg_backup: tuple[Path, dict], tmp_path: Path) -> None:
    backup, before = pg_backup
    with postgres_database() as other:
        load_demo(tmp_path, tmp_path, other)
        made = makernet("admin", "create", "--email", "cheffe@region.fr", "--name", "Anne", "--password-stdin",
                        cwd=tmp_path, instance=tmp_path, database_url=other, stdin="trois pommes vertes au marché\n")
        assert made.returncode == 0, made.stderr   # this database now differs from the backup
        app_rows = answers(tmp_path, other)["rows"]
        assert app_rows != before["rows"]
        refused = makernet("db", "restore", str(backup), cwd=tmp_path, instance=tmp_path, database_url=other)
        one_line_refusal(refused, "backup.database_not_empty")
        assert "--force" in refused.stderr and "contient déjà des données" in refused.stderr
        assert answers(tmp_path, other)["rows"] == app_rows
        forced = makernet("db", "restore", "--force", str(backup), cwd=tmp_path, instance=tmp_path,
                          database_url=other)
        assert forced.returncode == 0, forced.stderr
        assert answers(tmp_path, other) == before


@pytest.mark.integration
@pytest.mark.postgres
def test_a_postgresql_restore_refuses_garbage_a_missing_file_and_a_sqlite_backup(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.dump"
    garbage.write_bytes(b"PGDMP but not really a dump" * 10)
    text = tmp_path / "notes.dump"
    text.write_text("pg_dump? no, a shopping list\n")
    sqlite_backup = tmp_path / "embedded.sqlite3"
    load_demo(tmp_path, tmp_path / "embedded")
    assert makernet("db", "backup", str(sqlite_backup), cwd=tmp_path, instance=tmp_path / "embedded").returncode == 0
    with postgres_database() as empty:
        not_makernet = tmp_path / "not-makernet.dump"   # a real pg_dump archive, of a database without MakerNet
        subprocess.run(["pg_dump", "--format=custom", f"--file={not_makernet}", f"--dbname={empty}"], check=True,
                       env={"PATH": "/usr/bin:/bin"})
        for file, code in ((garbage, "backup.not_a_backup"), (text, "backup.not_a_backup"),
                           (not_makernet, "backup.no_revision"),
                           (tmp_path / "nowhere.dump", "backup.file_missing"),
                           (sqlite_backup, "backup.wrong_format")):
            one_line_refusal(makernet("db", "restore", str(file), cwd=tmp_path, instance=tmp_path,
                                      database_url=empty), code)
        done = makernet("db", "upgrade", cwd=tmp_path, instance=tmp_path, database_url=empty)
        assert done.returncode == 0, done.stderr   # the refusals left the database empty and usable


def test_a_sqlite_backup_taken_while_makernet_serves_restores_into_a_new_instance(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    load_demo(tmp_path, source)
    serving = create_app(Settings(instance_dir=source, secret_key=SECRET, embedded_worker=False))
    try:
        with serving.extensions["makernet"].db.reading() as session:   # a reader holds the database open
            before_rows = data_counts(serving)
            done = makernet("db", "backup", cwd=tmp_path, instance=source)
            session.connection()
        assert done.returncode == 0, done.stderr
    finally:
        serving.extensions["makernet"].db.dispose()
    backup = only_backup(tmp_path, ".sqlite3")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert not Path(f"{backup}-wal").exists()   # one self-contained file
    before = answers(source)
    assert before["rows"] == before_rows and before["signed_in"] == 302 and before["requests"]
    restored = makernet("db", "restore", str(backup), cwd=tmp_path, instance=target)
    assert restored.returncode == 0, restored.stderr
    assert stat.S_IMODE((target / "makernet.sqlite3").stat().st_mode) == 0o600
    assert answers(target) == before
