"""Whether an installation's processes are alive, judged from the heartbeats they leave.

Beat posts a heartbeat task every `heartbeat_every` seconds (a worker records it); the push
listener records its own as often. A heartbeat older than `stale_after` (three missed beats
and a margin for a busy worker or a slow database) says its process is missing.
"""
from __future__ import annotations

from datetime import UTC, datetime

MOST_BETWEEN_BEATS = 10.0   # seconds: a long poll interval must not make a dead beat slow to notice
MARGIN = 10.0               # seconds: a queue briefly busy, a database briefly slow
BEATS_MISSED = 3


def heartbeat_every(poll_interval: float) -> float:
    """Seconds between two heartbeats: beat's poll interval, at most ten seconds."""
    return min(poll_interval, MOST_BETWEEN_BEATS)


def stale_after(poll_interval: float) -> float:
    """Seconds after which a heartbeat no longer proves its process alive."""
    return BEATS_MISSED * heartbeat_every(poll_interval) + MARGIN


def judge_heartbeat(beat_at: datetime | None, now: datetime, poll_interval: float) -> dict[str, object]:
    """ok with its age when the heartbeat is recent enough; missing when it is old or never came."""
    limit = stale_after(poll_interval)
    if beat_at is None:
        return {"status": "missing", "age": None, "stale_after": limit}
    if beat_at.tzinfo is None:   # SQLite hands back the stored UTC time without its zone
        beat_at = beat_at.replace(tzinfo=UTC)
    age = max(0.0, (now - beat_at).total_seconds())
    return {"status": "ok" if age <= limit else "missing", "age": round(age, 1), "stale_after": limit}


def all_ok(checks: dict[str, dict[str, object]]) -> bool:
    """Whether every check says ok."""
    return all(check["status"] == "ok" for check in checks.values())
