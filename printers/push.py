"""OctoPrint's push events, as triggers: one socket per printer, a silence watchdog, reconnection.

Events only say "look now": whoever receives one reads the printer over REST and
records what it says, so a missed, repeated or late event changes nothing but timing.
OctoPrint sends a `current` message about twice a second on a live socket; a socket
silent for longer than `silence` seconds is closed and opened again, because sessions
expire and sockets die without an error.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
import websockets

from printers.base import MachineConnection, host_address

log = logging.getLogger(__name__)

TRIGGERS = frozenset({"PrintStarted", "PrintDone", "PrintFailed", "PrintCancelled", "PrintPaused",
                      "PrintResumed", "Disconnected", "Connected", "Error", "PrinterStateChanged"})


class PushListener:
    """Keeps one event socket open per printer, in a background thread with its own event loop."""

    def __init__(self, on_event: Callable[[int, str], None], silence: float = 10.0, retry: float = 5.0) -> None:
        self.on_event, self.silence, self.retry = on_event, silence, retry
        self.connections = 0                      # sockets opened so far (for operators and tests)
        self._tasks: dict[int, tuple[MachineConnection, asyncio.Task]] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="octoprint-push", daemon=True)
        self._thread.start()

    def follow(self, printers: dict[int, MachineConnection]) -> None:
        """Listen to exactly these printers from now on (new ones added, gone or changed ones dropped)."""
        asyncio.run_coroutine_threadsafe(self._follow(dict(printers)), self._loop).result(10)

    async def _follow(self, printers: dict[int, MachineConnection]) -> None:
        for machine_id in list(self._tasks):
            conn, task = self._tasks[machine_id]
            if printers.get(machine_id) != conn:
                task.cancel()
                del self._tasks[machine_id]
        for machine_id, conn in printers.items():
            if machine_id not in self._tasks and conn.driver == "octoprint" and conn.url:
                self._tasks[machine_id] = (conn, asyncio.create_task(self._listen(machine_id, conn)))

    async def _listen(self, machine_id: int, conn: MachineConnection) -> None:
        """Open, authenticate and read one printer's socket for as long as it is followed."""
        while True:
            try:
                await self._session(machine_id, conn)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - any failure: the socket is replaced
                log.info("push socket of machine %s closed: %s", machine_id, error)
            await asyncio.sleep(self.retry)

    async def _session(self, machine_id: int, conn: MachineConnection) -> None:
        name, session = await asyncio.to_thread(_passive_login, conn)
        parts = urlsplit(host_address(conn.url or ""))   # scheme://host[:port] only, never a path of the address
        scheme = "wss" if parts.scheme == "https" else "ws"
        async with websockets.connect(f"{scheme}://{parts.netloc}/sockjs/websocket",
                                      open_timeout=conn.timeout, close_timeout=1, ping_interval=None) as socket:
            self.connections += 1
            await socket.send(json.dumps({"auth": f"{name}:{session}"}))
            self.on_event(machine_id, "Connected")  # whatever happened while we were away: look now
            while True:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation
                # that arrives as a message does, and the socket would then outlive close().
                async with asyncio.timeout(self.silence):
                    message = await socket.recv()
                for event in _events(message):
                    if event in TRIGGERS:
                        self.on_event(machine_id, event)

    def close(self, grace: float = 5.0) -> None:
        """Stop listening to every printer and end the thread, within about `grace` seconds.

        A socket that does not finish closing in time is left to the daemon thread: shutting
        down must not wait on a printer.
        """
        try:
            asyncio.run_coroutine_threadsafe(self._stop_all(grace), self._loop).result(grace + 5)
        except TimeoutError:
            log.warning("push listener: the event loop did not answer within %.0f s", grace + 5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()

    async def _stop_all(self, grace: float) -> None:
        tasks = [task for _conn, task in self._tasks.values()]
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                log.warning("push listener: a socket did not close within %.0f s: %s", grace, task.get_name())


def _passive_login(conn: MachineConnection) -> tuple[str, str]:
    """A session for the socket, from the printer's key (OctoPrint's passive login)."""
    answer = httpx.post(f"{host_address(conn.url or '')}/api/login", json={"passive": True},
                        headers={"X-Api-Key": conn.api_key or ""}, timeout=conn.timeout, follow_redirects=False)
    answer.raise_for_status()
    body = answer.json()
    return body["name"], body["session"]


def _events(message: str | bytes) -> list[str]:
    """Event types in one socket message (plain JSON objects on OctoPrint's raw websocket)."""
    try:
        data = json.loads(message)
    except ValueError:
        return []
    items = data if isinstance(data, list) else [data]
    return [item["event"].get("type", "") for item in items
            if isinstance(item, dict) and isinstance(item.get("event"), dict)]
