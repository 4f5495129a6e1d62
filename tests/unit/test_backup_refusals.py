"""`makernet db backup` and `makernet db restore` on the embedded SQLite: every refusal is one French line with
its code and exit status 2 and changes nothing; an older backup is restored and the admin told to upgrade."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from makernet import schema
from makernet.db import Database
from makernet.errors import InvalidInput
from makernet.services.backups import queries

MAKERNET = str(Path(sys.executable).parent / "makernet")


def run(instance: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([MAKERNET, *args], capture_output=True, text=True, timeout=120, cwd=instance.parent,
                          env={"PATH": "/usr/bin:/bin", "MAKERNET_INSTANCE_DIR": str(instance)})


def refused(done: subprocess.CompletedProcess[str], code: str, words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("makernet: ") and done.stderr.endswith(f" ({code})\n"), done.stderr
    assert done.stderr.count("\n") == 1 and words in done.stderr and "Traceback" not in done.stderr


def users(instance: Path) -> list[str]:
    with closing(sqlite3.connect(instance / "makernet.sqlite3")) as db:
        return sorted(email for (email,) in db.execute('SELECT email FROM "user"'))


@pytest.fixture
def demo_instance(tmp_path: Path, demo_database: Path) -> Path:
    """An instance folder holding the demo territory."""
    instance = tmp_path / "demo"
    instance.mkdir()
    shutil.copy(demo_database, instance / "makernet.sqlite3")
    return instance


@pytest.fixture
def backup(demo_instance: Path) -> Path:
    """A backup of the demo territory, made by the command."""
    file = demo_instance.parent / "demo.sqlite3"
    done = run(demo_instance, "db", "backup", str(file))
    assert done.returncode == 0, done.stderr
    return file


def test_restore_refuses_a_missing_file(tmp_path: Path) -> None:
    refused(run(tmp_path / "new", "db", "restore", str(tmp_path / "nowhere.sqlite3")), "backup.file_missing",
            "n'existe pas")


@pytest.mark.parametrize("content", [b"", b"just some notes\n", b"SQLite format 3\x00" + b"\xff" * 200])
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path, content: bytes) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(content)
    refused(run(tmp_path / "new", "db", "restore", str(garbage)), "backup.not_a_backup",
            "n'est pas une sauvegarde MakerNet")
    assert not (tmp_path / "new" / "makernet.sqlite3").exists()


def test_restore_refuses_a_sqlite_database_that_is_not_makernets(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with closing(sqlite3.connect(other)) as db:
        db.execute("CREATE TABLE recipe (name TEXT)")
        db.execute("INSERT INTO recipe VALUES ('far breton')")
        db.commit()
    refused(run(tmp_path / "new", "db", "restore", str(other)), "backup.no_revision", "alembic_version")


def test_restore_over_data_needs_force_and_then_replaces_it(backup: Path, tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    assert run(target, "db", "upgrade").returncode == 0
    made = subprocess.run([MAKERNET, "admin", "create", "--email", "cheffe@region.fr", "--name", "Anne",
                           "--password-stdin"], input="trois pommes vertes au marché\n", capture_output=True,
                          text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "MAKERNET_INSTANCE_DIR": str(target)})
    assert made.returncode == 0, made.stderr
    refused(run(target, "db", "restore", str(backup)), "backup.database_not_empty", "ajoutez --force")
    assert users(target) == ["cheffe@region.fr"]
    done = run(target, "db", "restore", "--force", str(backup))
    assert done.returncode == 0, done.stderr
    assert "cheffe@region.fr" not in users(target) and "admin@demo.makernet.fr" in users(target)


def test_restore_refuses_a_backup_newer_than_the_code(backup: Path, tmp_path: Path) -> None:
    with closing(sqlite3.connect(backup)) as db:
        db.execute("UPDATE alembic_version SET version_num = '0099_from_the_future' WHERE version_num = "
                   "(SELECT max(version_num) FROM alembic_version)")
        db.commit()
    refused(run(tmp_path / "new", "db", "restore", str(backup)), "backup.newer_than_code", "0099_from_the_future")
    assert not (tmp_path / "new" / "makernet.sqlite3").exists()


def test_an_older_backup_is_restored_and_the_admin_told_to_upgrade(tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    database = Database(f"sqlite:///{old / 'makernet.sqlite3'}")
    schema.upgrade(database, "0001")
    database.dispose()
    file = tmp_path / "old-backup.sqlite3"
    assert run(old, "db", "backup", str(file)).returncode == 0
    done = run(tmp_path / "new", "db", "restore", str(file))
    assert done.returncode == 0, done.stderr
    assert "at revision 0001" in done.stdout and "run `makernet db upgrade`" in done.stdout
    upgraded = run(tmp_path / "new", "db", "upgrade")
    assert f"revision {schema.head_revision()} " in upgraded.stdout


def test_backup_is_private_and_refuses_to_overwrite_a_file_or_to_back_up_nothing(backup: Path,
                                                                                  demo_instance: Path) -> None:
    assert backup.stat().st_mode & 0o777 == 0o600
    before = backup.read_bytes()
    refused(run(demo_instance, "db", "backup", str(backup)), "backup.file_exists", "existe déjà")
    assert backup.read_bytes() == before
    refused(run(demo_instance.parent / "empty", "db", "backup"), "backup.no_schema", "rien à sauvegarder")


def test_postgresql_tools_get_the_password_from_the_environment_never_the_command_line() -> None:
    url, env = queries.libpq_connection("postgresql+psycopg://makernet:s3cr%40t@db.region.fr:5433/makernet"
                                        "?sslmode=require")
    assert url == "postgresql://makernet@db.region.fr:5433/makernet?sslmode=require"
    assert env == {"PGPASSWORD": "s3cr@t"}
    assert queries.libpq_connection("postgresql://makernet@localhost/makernet")[1] == {}


def test_a_postgresql_tool_of_another_major_version_is_refused_with_the_package_to_install() -> None:
    with pytest.raises(InvalidInput) as missing:
        queries.postgres_tool("pg_dump", 7)
    assert (missing.value.code, missing.value.params) == ("backup.tool_missing", {"tool": "pg_dump", "version": 7})
