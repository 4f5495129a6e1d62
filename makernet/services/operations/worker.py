"""What the installation's processes do for their own sake: leave heartbeats, hold their one-per-installation lock."""
from __future__ import annotations

import fcntl
import zlib
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from makernet.errors import Conflict
from makernet.models.base import utcnow
from makernet.models.operations import Heartbeat
from makernet.services.context import Context


def record_heartbeat(ctx: Context, name: str, host: str = "") -> None:
    """Say that `name` (beat, listener) is alive now; the first beat of a role adds its row."""
    now = utcnow()
    try:
        with ctx.db.transaction() as tx:
            done = tx.session.execute(update(Heartbeat).where(Heartbeat.name == name)  # type: ignore[arg-type]
                                      .values(beat_at=now, host=host[:200]))
            if done.rowcount == 0:
                tx.session.add(Heartbeat(name=name, beat_at=now, host=host[:200]))
    except IntegrityError:
        pass   # two first beats at once: the other one added the row, which says as much


class ProcessLock:
    """A lock held for the life of the process; the operating system or PostgreSQL drops it if the process dies."""

    def __init__(self, process: str, release: Callable[[], None]) -> None:
        self.process = process
        self._release = release

    def release(self) -> None:
        """Let another process take the role (a clean stop; a crash releases it as well)."""
        release, self._release = self._release, lambda: None
        release()


def hold_process_lock(ctx: Context, process: str) -> ProcessLock:
    """Take the installation's lock of `process` (`beat`, `listen`) or refuse: another one holds it.

    PostgreSQL: an advisory lock on a connection of its own, which ends with the process's session.
    SQLite: an exclusive `flock` on a file beside the database, which ends with the process.
    """
    if ctx.db.engine.dialect.name == "sqlite":
        return _file_lock(Path(ctx.db.engine.url.database or ctx.settings.instance_dir / "memory"), process)
    return _advisory_lock(ctx, process)


def _refusal(process: str) -> Conflict:
    return Conflict("process.already_running", process=f"makernet {process}")


def _file_lock(database: Path, process: str) -> ProcessLock:
    """A file lock beside the SQLite database (every process of the installation opens the same file)."""
    handle = open(database.with_name(f"{database.name}.{process}.lock"), "a")   # noqa: SIM115 - held until released
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise _refusal(process) from None
    return ProcessLock(process, handle.close)


def _advisory_lock(ctx: Context, process: str) -> ProcessLock:
    """A session advisory lock, per database: two installations on one server do not share it."""
    key = zlib.crc32(f"makernet.{process}".encode())   # a fixed number per role
    connection = ctx.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    held = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar()
    if not held:
        connection.close()
        raise _refusal(process)

    def release() -> None:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        connection.close()
    return ProcessLock(process, release)
