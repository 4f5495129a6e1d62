"""Counting requests and tasks where they happen, and adding the counts to the database every few seconds.

Every web process (gunicorn workers, on one host or several) and every worker process keeps its own
small tally and adds it to the shared `metric_counter` rows with one upsert per flush, so /metrics,
served by any process, shows the whole installation's totals; a process's counts appear at most
FLUSH_SECONDS after they happen. Counts not yet flushed when a process is killed are lost; a
process that exits normally flushes them first.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
import weakref

from sqlalchemy.dialects import postgresql, sqlite

from makernet.db import Database
from makernet.models import MetricCounter
from makernet.services.monitoring.views import labels_text

log = logging.getLogger(__name__)
FLUSH_SECONDS = 5.0
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OUTCOMES = {"SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "retried"}
# seconds: a poll or a dispatch takes well under a second, a planner run up to a minute; the time limit is 150 s
DURATION_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 150.0)
REQUESTS = "makernet_http_requests_total"
TASKS = "makernet_tasks_total"
DURATION = "makernet_task_duration_seconds"


class Tally:
    """Counts of this process not yet added to the database; thread-safe, flushed by a timer."""

    def __init__(self, db: Database, flush_seconds: float = FLUSH_SECONDS) -> None:
        self.db = db
        self.flush_seconds = flush_seconds
        self._start_afresh()
        atexit.register(_flush_at_exit, weakref.ref(self))
        db.before_dispose(self.close)

    def close(self) -> None:
        """Write what was counted and stop the timer: the database is being closed (a process stopping, a test
        ending), and no timer may open a connection to it afterwards."""
        self.flush_quietly()
        with self._lock:
            timer, self._timer = self._timer, None
            self._closed = True
        if timer is not None and timer is not threading.current_thread():
            timer.cancel()

    def _start_afresh(self) -> None:
        """No counts, no timer: at creation, and in a process forked from one that had some (they are its parent's)."""
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str], float] = {}
        self._timer: threading.Timer | None = None
        self._closed = False

    def add(self, series: dict[tuple[str, str], float]) -> None:
        """Add to some series, (name, labels) -> amount; the timer flushes them within FLUSH_SECONDS."""
        if self._pid != os.getpid():
            self._start_afresh()
        with self._lock:
            for key, amount in series.items():
                self._pending[key] = self._pending.get(key, 0.0) + amount
            if self._timer is None and not self._closed:
                self._timer = threading.Timer(self.flush_seconds, self.flush_quietly)
                self._timer.daemon = True
                self._timer.start()

    def pending(self) -> dict[tuple[str, str], float]:
        """What this process counted and has not flushed yet (tests, the bench)."""
        with self._lock:
            return dict(self._pending)

    def flush(self) -> None:
        """Add the pending counts to the database now; on failure they are kept for the next flush."""
        if self._pid != os.getpid():
            self._start_afresh()
        with self._lock:
            pending, self._pending = self._pending, {}
            timer, self._timer = self._timer, None
        if timer is not None and timer is not threading.current_thread():
            timer.cancel()
        if not pending:
            return
        try:
            add_to_counters(self.db, pending)
        except BaseException:
            with self._lock:
                for key, amount in pending.items():
                    self._pending[key] = self._pending.get(key, 0.0) + amount
            raise

    def flush_quietly(self) -> None:
        """The timer's flush: a database that does not answer now is told in the log, and tried again later."""
        try:
            self.flush()
        except Exception:  # noqa: BLE001 - the counts stay pending; the next count arms the timer again
            log.warning("could not add %d metric counts to the database; kept for the next flush",
                        len(self._pending), exc_info=True)


def _flush_at_exit(ref: weakref.ref) -> None:
    """A process that exits normally (gunicorn worker recycled, warm shutdown) writes what it counted."""
    tally = ref()
    if tally is not None:
        try:
            tally.flush()
        except Exception:  # noqa: BLE001,S110 - nothing left to tell at exit
            pass


def add_to_counters(db: Database, amounts: dict[tuple[str, str], float]) -> None:
    """One upsert: each series' row is created or increased; rows go in one order, so two flushes never deadlock."""
    table = MetricCounter.__table__  # type: ignore[attr-defined]
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(index_elements=["name", "labels"],
                                                set_={"value": table.c.value + statement.excluded.value})
    rows = [{"name": name, "labels": labels, "value": amount} for (name, labels), amount in sorted(amounts.items())]
    with db.transaction() as tx:
        tx.session.connection().execute(statement, rows)


def count_request(tally: Tally, method: str, group: str, status: int) -> None:
    """One answered request: by status, method and group (the area's blueprint, never the raw path)."""
    method = method if method in METHODS else "OTHER"
    labels = labels_text({"group": group, "method": method, "status": str(status)})
    tally.add({(REQUESTS, labels): 1.0})


def count_task(tally: Tally, task: str, state: str, seconds: float | None) -> None:
    """One task run: its outcome (succeeded, failed, retried, other) and how long it took."""
    counts = {(TASKS, labels_text({"task": task, "outcome": OUTCOMES.get(state, "other")})): 1.0}
    if seconds is not None:
        for bound in DURATION_BUCKETS:
            if seconds <= bound:
                counts[(DURATION + "_bucket", labels_text({"task": task, "le": str(bound)}))] = 1.0
        counts[(DURATION + "_bucket", labels_text({"task": task, "le": "+Inf"}))] = 1.0
        counts[(DURATION + "_sum", labels_text({"task": task}))] = seconds
        counts[(DURATION + "_count", labels_text({"task": task}))] = 1.0
    tally.add(counts)
