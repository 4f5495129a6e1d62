"""The health report: the database, the broker, beat and the push listener, each ok or missing with its age.

A public read for load balancers and monitoring: no actor, nothing private (no host names, no addresses).
"""
from __future__ import annotations

import logging
import threading
import time

from kombu import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from makernet.config import Settings
from makernet.domain import health as rules
from makernet.models.base import utcnow
from makernet.models.operations import Heartbeat
from makernet.services.context import Context

log = logging.getLogger(__name__)
BROKER_TIMEOUT = 1.0    # seconds to reach the broker: /health must answer quickly whatever happens
BROKER_KEPT = 2.0       # seconds a broker check stands: load balancers poll often, the broker need not hear them
HEARTBEATS = ("beat", "listener")   # the processes that prove themselves alive by heartbeats
_broker_checks: dict[str, tuple[float, bool]] = {}
_broker_lock = threading.Lock()


def heartbeat_every(settings: Settings) -> float:
    """Seconds between two heartbeats of beat and of the listener."""
    return rules.heartbeat_every(settings.poll_interval)


def health(ctx: Context) -> dict[str, object]:
    """Each part of the installation ok or missing with the age of what proves it; the whole ok when all are."""
    embedded = ctx.settings.runs_embedded_worker
    beats, database = _heartbeats(ctx)
    checks: dict[str, dict[str, object]] = {"database": database}
    checks["broker"] = _broker(ctx.settings)
    now = utcnow()
    for name in HEARTBEATS:
        checks[name] = rules.judge_heartbeat(beats.get(name), now, ctx.settings.poll_interval)
    if embedded:   # broker, beat and listener live in the web process itself
        for name in ("broker", *HEARTBEATS):
            checks[name]["embedded"] = True
    return {"status": "ok" if rules.all_ok(checks) else "missing", **checks}


def web_health(ctx: Context) -> dict[str, object]:
    """Whether this web process answers and reaches its database: what a load balancer needs to know."""
    database = _heartbeats(ctx)[1]
    return {"status": database["status"], "database": database}


def _heartbeats(ctx: Context) -> tuple[dict[str, object], dict[str, object]]:
    """The last heartbeat of each process, and whether the database answered for them."""
    try:
        with ctx.db.reading() as s:
            beats = {beat.name: beat.beat_at for beat in s.exec(select(Heartbeat)).all()}
        return beats, {"status": "ok", "age": 0.0}
    except (SQLAlchemyError, OSError) as error:
        log.warning("health: the database does not answer: %s", error)
        return {}, {"status": "missing", "age": None}


def _broker(settings: Settings) -> dict[str, object]:
    """The broker answers a connection; checked at most every BROKER_KEPT seconds."""
    if not settings.broker_url:   # memory://, inside this very process
        return {"status": "ok", "age": 0.0}
    with _broker_lock:   # one check at a time: a burst of polls waits for it rather than repeating it
        checked_at, answered = _broker_checks.get(settings.broker_url, (0.0, False))
        if time.monotonic() - checked_at > BROKER_KEPT:
            checked_at, answered = time.monotonic(), _broker_answers(settings)
            _broker_checks[settings.broker_url] = (checked_at, answered)
    return {"status": "ok" if answered else "missing", "age": round(time.monotonic() - checked_at, 1)}


def _broker_answers(settings: Settings) -> bool:
    """Whether a connection to the broker opens within BROKER_TIMEOUT."""
    try:
        with Connection(settings.broker_url, connect_timeout=BROKER_TIMEOUT) as connection:
            connection.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
            connection.default_channel  # noqa: B018 - opening a channel is the check
        return True
    except Exception as error:   # noqa: BLE001 - whatever the transport raises, the broker is not there
        log.warning("health: the broker does not answer: %s", error)
        return False
