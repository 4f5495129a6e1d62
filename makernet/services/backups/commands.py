"""Back the whole database up to one private file, and restore such a file into an empty database.

PostgreSQL goes through pg_dump/pg_restore of the server's major version (custom format, the password in
the child's environment); SQLite through its online backup API, safe while `makernet serve` runs.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from makernet import schema
from makernet.config import Settings
from makernet.db import Database
from makernet.errors import Conflict, InvalidInput
from makernet.services.backups import queries

SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}
NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def default_file_name(kind: str, now: datetime | None = None) -> str:
    """makernet-2026-11-29T0130.dump (or .sqlite3): the time it was taken, UTC, to the minute."""
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return f"makernet-{moment:%Y-%m-%dT%H%M}{SUFFIXES[kind]}"


def back_up(settings: Settings, path: Path | None = None, now: datetime | None = None) -> dict:
    """Write the installation's whole database to `path` (a dated name in the current folder by default),
    readable by its owner only. Refuses a database without schema and a file that already exists."""
    kind = "sqlite" if settings.is_sqlite else "postgresql"
    target = Path(path) if path else Path.cwd() / default_file_name(kind, now)
    if target.exists():
        raise Conflict("backup.file_exists", path=str(target))
    with _opened(settings, must_exist=True) as db:
        revision = schema.current_revision(db)
        if revision is None:
            raise InvalidInput("backup.no_schema", database=_shown(settings))
        draft = _private_draft(target)
        try:
            if kind == "sqlite":
                _sqlite_backup(queries.sqlite_path(settings.effective_database_url), draft)
            else:
                _pg_dump(settings.effective_database_url, queries.postgres_major(db), draft)
            os.replace(draft, target)
        finally:
            draft.unlink(missing_ok=True)
    return {"path": str(target), "revision": revision, "bytes": target.stat().st_size,
            "database": _shown(settings)}


def restore(settings: Settings, path: Path, force: bool = False) -> dict:
    """Load a backup into the installation's database, which must hold no data unless `force`.
    Refuses a file that is not a MakerNet backup of this kind of database, or one newer than this code;
    says whether the schema then needs `makernet db upgrade`."""
    source = Path(path)
    kind, expected = queries.file_kind(source), "sqlite" if settings.is_sqlite else "postgresql"
    if kind != expected:
        raise InvalidInput("backup.wrong_format", path=str(source), found=NAMES[kind], expected=NAMES[expected])
    with _opened(settings, must_exist=False) as db:
        pg_restore = None if kind == "sqlite" else queries.postgres_tool("pg_restore", queries.postgres_major(db))
        revision = queries.sqlite_revision(source) if pg_restore is None else \
            queries.dump_revision(pg_restore, source)
        head = schema.head_revision()
        if not set(revision.split(",")) <= queries.known_revisions():
            raise InvalidInput("backup.newer_than_code", revision=revision, head=head)
        if queries.holds_data(db) and not force:
            raise Conflict("backup.database_not_empty", database=_shown(settings))
        if pg_restore is None:
            db.dispose()
            _sqlite_restore(source, queries.sqlite_path(settings.effective_database_url))
        else:
            _pg_restore(pg_restore, settings.effective_database_url, source, clean=queries.has_tables(db))
        restored = schema.current_revision(db)
    return {"path": str(source), "revision": restored, "head": head, "needs_upgrade": restored != head,
            "database": _shown(settings)}


@contextmanager
def _opened(settings: Settings, must_exist: bool) -> Iterator[Database]:
    """The installation's database, closed afterwards. A SQLite file that is not there is refused (never
    created empty) when backing up; a server that cannot be reached (down, wrong password) is a refusal
    naming it, not a traceback."""
    if settings.is_sqlite:
        file = queries.sqlite_path(settings.effective_database_url)
        if must_exist and not file.is_file():
            raise InvalidInput("backup.no_schema", database=str(file))
        file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    db = Database(settings.effective_database_url)
    try:
        yield db
    except OperationalError as error:
        problem = str(error.orig or error).strip().splitlines()[0]
        raise InvalidInput("backup.database_unreachable", database=_shown(settings), problem=problem) from None
    finally:
        db.dispose()


def _shown(settings: Settings) -> str:
    """The database as messages name it: a file, or a server URL without its password."""
    if settings.is_sqlite:
        return str(queries.sqlite_path(settings.effective_database_url))
    return make_url(settings.effective_database_url).render_as_string(hide_password=True)


def _private_draft(target: Path) -> Path:
    """An empty file beside the target, readable by its owner only, that becomes the backup when complete."""
    draft = target.with_name(f".{target.name}.partial")
    try:
        draft.unlink(missing_ok=True)
        os.close(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        draft.chmod(0o600)   # whatever the umask
    except OSError as error:
        raise InvalidInput("backup.cannot_write", path=str(target), problem=error.strerror or str(error)) from None
    return draft


def _sqlite_backup(database: Path, draft: Path) -> None:
    """Copy the live database page by page (readers and writers may go on), as one self-contained file."""
    try:
        with closing(sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True)) as live, \
                closing(sqlite3.connect(draft)) as copy:
            live.execute("PRAGMA busy_timeout = 30000")
            live.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")   # no -wal file beside the backup
    except sqlite3.Error as error:
        raise InvalidInput("backup.tool_failed", tool="SQLite", problem=str(error)) from None


def _sqlite_restore(source: Path, database: Path) -> None:
    """Replace the database's content by the backup's, in one step other connections wait for."""
    try:
        with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as backup, \
                closing(sqlite3.connect(database)) as live:
            live.execute("PRAGMA busy_timeout = 30000")
            backup.backup(live)
    except sqlite3.Error as error:
        raise InvalidInput("backup.tool_failed", tool="SQLite", problem=str(error)) from None
    database.chmod(0o600)


def _pg_dump(database_url: str, major: int, draft: Path) -> None:
    """pg_dump of the server's version, in the custom format pg_restore reads."""
    tool = queries.postgres_tool("pg_dump", major)
    url, secret = queries.libpq_connection(database_url)
    _run(tool, [tool, "--format=custom", "--no-password", f"--file={draft}", f"--dbname={url}"], secret)


def _pg_restore(tool: str, database_url: str, source: Path, clean: bool) -> None:
    """pg_restore in one transaction: a failed restore leaves the database as it was. Objects take the
    restoring user as owner, so a backup restores into a database owned by another role."""
    url, secret = queries.libpq_connection(database_url)
    replace = ["--clean", "--if-exists"] if clean else []
    _run(tool, [tool, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                "--no-password", *replace, f"--dbname={url}", str(source)], secret)


def _run(tool: str, command: list[str], secret: dict[str, str]) -> None:
    """Run a PostgreSQL tool; its last complaint becomes the refusal."""
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **secret})
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        raise InvalidInput("backup.tool_failed", tool=Path(tool).name,
                           problem=lines[-1] if lines else f"exit status {done.returncode}")
