"""What a backup file is, what a database holds, which PostgreSQL tools fit: reads only, nothing changed."""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from makernet import schema
from makernet.db import Database
from makernet.errors import InvalidInput, NotFound

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"   # the first bytes of every pg_dump archive in the custom format
TOOL_FOLDERS = "/usr/lib/postgresql/{major}/bin"   # where Debian and Ubuntu keep each major version's tools
KEPT_OUT = {"alembic_version"}   # bookkeeping of the schema, not data


def file_kind(path: Path) -> str:
    """"postgresql" or "sqlite" by the file's first bytes; refused when it is missing or neither."""
    try:
        with path.open("rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise NotFound("backup.file_missing", path=str(path)) from None
    except OSError as error:
        raise InvalidInput("backup.unreadable", path=str(path), problem=error.strerror or str(error)) from None
    if start.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    if start == SQLITE_MAGIC:
        return "sqlite"
    raise InvalidInput("backup.not_a_backup", path=str(path))


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite database URL."""
    return Path(make_url(database_url).database or "")


def libpq_connection(database_url: str) -> tuple[str, dict[str, str]]:
    """The database as libpq's tools take it: a URL without the password, and the password for PGPASSWORD
    in the child's environment (never on a command line, where `ps` would show it)."""
    url: URL = make_url(database_url)
    password = url.password
    bare = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                      query=url.query).render_as_string(hide_password=False)
    return bare, ({"PGPASSWORD": str(password)} if password else {})


def postgres_major(db: Database) -> int:
    """The server's major version (15 for 15.4), which its dump and restore tools must match."""
    with db.engine.connect() as connection:
        return int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def postgres_tool(name: str, major: int) -> str:
    """The path of pg_dump or pg_restore of the server's major version; refused when none is installed."""
    candidates = [str(Path(TOOL_FOLDERS.format(major=major)) / name), shutil.which(name)]
    for candidate in filter(None, candidates):
        if os.access(candidate, os.X_OK) and tool_major(candidate) == major:
            return candidate
    raise InvalidInput("backup.tool_missing", tool=name, version=major)


def tool_major(path: str) -> int | None:
    """The major version a PostgreSQL tool reports (`pg_dump (PostgreSQL) 15.4` gives 15)."""
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", done.stdout)
    return int(found[1]) if found else None


def dump_revision(pg_restore: str, path: Path) -> str:
    """The schema revision a pg_dump archive was taken at, read from the archive without restoring it."""
    done = subprocess.run([pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(path)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise InvalidInput("backup.not_a_backup", path=str(path))
    rows = re.search(r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(.*?)^\\\.$", done.stdout, re.M | re.S)
    if rows is None or not rows[1].split():
        raise InvalidInput("backup.no_revision", path=str(path))
    return ",".join(sorted(rows[1].split()))


def sqlite_revision(path: Path) -> str:
    """The schema revision a SQLite backup was taken at, read without changing the file."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as source:
            has_table = source.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                       "AND name = 'alembic_version'").fetchone()[0]
            heads = [row[0] for row in source.execute("SELECT version_num FROM alembic_version")] if has_table else []
    except sqlite3.DatabaseError:
        raise InvalidInput("backup.not_a_backup", path=str(path)) from None
    if not heads:
        raise InvalidInput("backup.no_revision", path=str(path))
    return ",".join(sorted(heads))


def known_revisions() -> set[str]:
    """Every schema revision this version of MakerNet knows, from the first to the newest."""
    config = Config()
    config.set_main_option("script_location", str(schema.MIGRATIONS))
    return {revision.revision for revision in ScriptDirectory.from_config(config).walk_revisions()}


def holds_data(db: Database) -> bool:
    """Whether any table of the database (the schema's bookkeeping aside) has a row."""
    return any(rows for rows in table_rows(db).values())


def table_rows(db: Database) -> dict[str, bool]:
    """Each table of the database's own schema, and whether it has a row."""
    dialect = db.engine.dialect.name
    listing = ("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
               if dialect == "sqlite" else
               "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    with db.engine.connect() as connection:
        names = [name for (name,) in connection.execute(text(listing)) if name not in KEPT_OUT]
        quote = db.engine.dialect.identifier_preparer.quote
        return {name: bool(connection.execute(text(f"SELECT EXISTS (SELECT 1 FROM {quote(name)})")).scalar_one())
                for name in names}


def has_tables(db: Database) -> bool:
    """Whether the database has any table at all (then a restore must replace them)."""
    return bool(table_rows(db)) or schema.current_revision(db) is not None
