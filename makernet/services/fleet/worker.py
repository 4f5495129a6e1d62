"""Following printers: batched polls, push events as triggers, granted keys stored."""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, select

from makernet.domain.planning import went_down
from makernet.models import Job, Machine, Place
from makernet.models.base import utcnow
from makernet.services.context import Context, place_queue
from makernet.services import operations
from makernet.services.events import PrintersWentDown, record
from makernet.services.fleet.queries import central_printers, failure_detail
from makernet.services.printer_io import connections_from_message, read_statuses, split_by_networks, status_from_dict
from makernet.services.production.operations import ACTIVE, claim_next_job, move_plates_off
from makernet.services.production.worker import apply_to_job
from makernet.services.places.views import connection_message, without_secrets
from makernet.services.secrets import seal
from printers.base import Capability, PrinterState
from printers.registry import drivers_that
from printers.push import PushListener


def apply_key_result(ctx: Context, machine_id: int, result: dict) -> str:
    """Put a printer to work once its host granted a key, or say why there is none.

    The key is stored sealed here for a place without its own worker; a place's own worker keeps it on its
    machine and reports only that it has one (`kept_at_place`): nothing of it is stored here, and a key that
    came with such a report anyway is dropped."""
    with ctx.db.transaction() as tx:
        s = tx.session
        machine = s.get(Machine, machine_id)
        if machine is None or machine.key_status != "awaiting":
            return "stale"
        at_place = s.get(Place, machine.place_id).site_worker
        if result["outcome"] == "granted" and (at_place or result.get("api_key")):
            settings = without_secrets(machine) if at_place else {
                **(machine.driver_settings or {}), "api_key": seal(ctx, result["api_key"])}
            s.execute(update(Machine).where(Machine.id == machine_id).values(
                driver_settings=settings, key_status="stored", active=True, bed_clear=True,
                state="unknown", state_detail="fleet.key_stored"))
            return "stored"
        detail = ("fleet.key_left_at_place" if result["outcome"] == "granted"
                  else failure_detail(result.get("reason"), result.get("detail", result["outcome"])))
        s.execute(update(Machine).where(Machine.id == machine_id).values(key_status="refused", state_detail=detail))
        return "refused" if result["outcome"] == "granted" else result["outcome"]


log = logging.getLogger(__name__)
FOLLOW_EVERY = 15.0   # seconds between re-reading which printers to follow
DEBOUNCE = 0.3        # events of one printer closer than this trigger one reading


class Triggers:
    """Turns a burst of events from one printer into one call of `look(machine_id)`."""

    def __init__(self, look: Callable[[int], None]) -> None:
        self.look = look
        self._last: dict[int, float] = {}
        self._lock = threading.Lock()

    def __call__(self, machine_id: int, _event: str) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last.get(machine_id, 0.0) < DEBOUNCE:
                return
            self._last[machine_id] = now
        self.look(machine_id)


def run_central_listener(ctx: Context, stop: threading.Event) -> None:
    """Follow every central printer's events until `stop`; each event asks for a poll of its printer.

    The listener leaves a heartbeat every few seconds, which /health reads."""
    listener = PushListener(Triggers(lambda machine_id: ctx.tasks.enqueue("poll_machines", [machine_id])))
    every, followed_at, host = operations.heartbeat_every(ctx.settings), None, f"{socket.gethostname()}:{os.getpid()}"
    try:
        while not stop.is_set():
            _heartbeat(ctx, host)
            if followed_at is None or time.monotonic() - followed_at >= FOLLOW_EVERY:
                listener.follow(central_printers(ctx))
                followed_at = time.monotonic()
            stop.wait(every)
    finally:
        listener.close()


def _heartbeat(ctx: Context, host: str) -> None:
    """Record the listener's heartbeat; a database blip is logged, and /health notices if it lasts."""
    try:
        operations.record_heartbeat(ctx, "listener", host=host)
    except SQLAlchemyError as error:
        log.warning("the listener could not record its heartbeat: %s", error)


def start_central_listener(ctx: Context) -> threading.Event:
    """Run the central listener in a background thread (embedded mode); set the event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_central_listener, args=(ctx, stop), name="push-follow", daemon=True).start()
    return stop


POLL_CHUNK = 250           # printers read by one poll task


def poll_printers(ctx: Context) -> int:
    """Fan out reads of every active printer: in chunks here, per place for places with their own worker."""
    with ctx.db.reading() as s:
        rows = s.exec(select(Machine, Place.site_worker).join(Place, Place.id == Machine.place_id)
                      .where(Machine.active == True, Machine.driver.in_(drivers_that(Capability.STATUS)))  # type: ignore[attr-defined]  # noqa: E712
                      .order_by(Machine.id)).all()
        central = [m.id for m, remote in rows if not remote]
        messages = {m.id: (m.place_id, connection_message(ctx, m, keys=False)) for m, is_remote in rows if is_remote}
    # a printer's connection goes to its place's worker only if this installation may reach its address too
    allowed, refused = split_by_networks(connections_from_message([msg for _p, msg in messages.values()]),
                                         ctx.settings.printer_networks)
    remote: dict[int, list[dict]] = {}
    for machine_id, _conn in allowed:
        place_id, message = messages[machine_id]
        remote.setdefault(place_id, []).append(message)
    apply_readings(ctx, refused)
    # a poll nobody took in a few intervals is stale: a newer one follows, so let it expire
    # instead of piling up while a place's worker is offline
    expires = max(4 * ctx.settings.poll_interval, 10.0)
    for start in range(0, len(central), POLL_CHUNK):
        ctx.tasks.enqueue("poll_machines", central[start:start + POLL_CHUNK], expires=expires)
    for place_id, connections in remote.items():
        ctx.tasks.enqueue("site_poll", connections, queue=place_queue(place_id), expires=expires)
    return len(rows)


def poll_machines(ctx: Context, machine_ids: list[int]) -> int:
    """Read these printers now and apply what they say."""
    with ctx.db.reading() as s:
        machines = s.exec(select(Machine).where(Machine.id.in_(machine_ids), Machine.active == True,  # type: ignore[attr-defined]  # noqa: E712
                                                Machine.driver.in_(drivers_that(Capability.STATUS)))).all()  # type: ignore[attr-defined]
        connections = connections_from_message([connection_message(ctx, m) for m in machines])
    return apply_readings(ctx, read_statuses(connections, ctx.settings.printer_networks))


def apply_readings(ctx: Context, readings: list[dict]) -> int:
    """Record many printer readings in one transaction, then hand ready printers their next plate."""
    if not readings:
        return 0
    with ctx.db.transaction() as tx:
        s = tx.session
        now = utcnow()
        by_machine = {r["machine_id"]: status_from_dict(r) for r in readings}
        before = dict(s.exec(select(Machine.id, Machine.state).where(Machine.id.in_(by_machine))).all())  # type: ignore[attr-defined]
        was_idle = {m for m, state in before.items() if state == PrinterState.READY.value}
        # one executemany for the whole chunk: a round trip per printer would dominate the poll
        s.execute(update(Machine), [
            {"id": machine_id, "state": status.state.value, "state_checked_at": now,
             "state_detail": failure_detail(status.reason, status.error or status.raw_state)}
            for machine_id, status in by_machine.items()])
        for job in s.exec(select(Job).where(Job.machine_id.in_(by_machine), Job.status.in_(ACTIVE))).all():  # type: ignore[attr-defined]
            apply_to_job(ctx, s, job, by_machine[job.machine_id], was_idle=job.machine_id in was_idle)
        ready = [m for m, st in by_machine.items() if st.state == PrinterState.READY]
        for machine_id in _with_plates_to_take(s, ready):
            claimed = claim_next_job(s, machine_id)
            if claimed is not None:
                tx.after_commit(lambda j=claimed: ctx.tasks.enqueue("dispatch_job", j))
        move_plates_off(s, [m for m, st in by_machine.items() if not st.state.is_reachable])
        down = went_down(before, {m: st.state.value for m, st in by_machine.items()})
        if down:
            record(ctx, tx, PrintersWentDown(down))
    return len(readings)


def _with_plates_to_take(s: Session, machine_ids: list[int]) -> list[int]:
    """Those machines that have a plate waiting, on themselves or, for a free printer (bed clear), on another
    machine of its place and printer profile (which it takes if that one is busy: production's waiting_behind)."""
    if not machine_ids:
        return []
    queued = Job.status == "queued"
    own = set(s.exec(select(Job.machine_id).where(Job.machine_id.in_(machine_ids), queued)).all())  # type: ignore[union-attr]
    others = [m for m in machine_ids if m not in own]
    free = s.exec(select(Machine.id, Machine.place_id, Machine.printer_profile).where(  # type: ignore[union-attr]
        Machine.id.in_(others), Machine.bed_clear, Machine.active, Machine.printer_profile.is_not(None))).all()
    if free:
        places = {place for _, place, _ in free}
        waiting = set(s.exec(select(Machine.place_id, Machine.printer_profile).join(Job, Job.machine_id == Machine.id)
                             .where(queued, Machine.place_id.in_(places)).distinct()).all())  # type: ignore[attr-defined]
        own |= {machine for machine, place, profile in free if (place, profile) in waiting}
    return sorted(own)
