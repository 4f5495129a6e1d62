"""Push events from printers as triggers for an immediate reading, beside beat's regular polls."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlmodel import select

from makernet.models import Machine, Place
from makernet.services.context import Context
from makernet.services.secrets import reveal
from printers.base import MachineConnection
from printers.push import PushListener

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


def central_printers(ctx: Context) -> dict[int, MachineConnection]:
    """Active OctoPrint printers that central workers reach directly (not behind a place's worker)."""
    with ctx.db.reading() as s:
        rows = s.exec(select(Machine).join(Place, Place.id == Machine.place_id).where(
            Machine.active == True, Machine.driver == "octoprint", Place.site_worker == False)).all()  # noqa: E712
        return {m.id: MachineConnection("octoprint", m.octoprint_url, reveal(ctx, m.api_key),
                                        ctx.settings.printer_timeout) for m in rows}


def run_central_listener(ctx: Context, stop: threading.Event) -> None:
    """Follow every central printer's events until `stop`; each event asks for a poll of its printer."""
    listener = PushListener(Triggers(lambda machine_id: ctx.tasks.enqueue("poll_machines", [machine_id])))
    try:
        while not stop.is_set():
            listener.follow(central_printers(ctx))
            stop.wait(FOLLOW_EVERY)
    finally:
        listener.close()


def start_central_listener(ctx: Context) -> threading.Event:
    """Run the central listener in a background thread (embedded mode); set the event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_central_listener, args=(ctx, stop), name="push-follow", daemon=True).start()
    return stop
