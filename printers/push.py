"""Printer hosts' push events, as triggers: one socket per printer, a silence watchdog, reconnection.

Events only say "look now": whoever receives one reads the printer over REST and
records what it says, so a missed, repeated or late event changes nothing but timing.
OctoPrint sends a `current` message about twice a second on a live socket, Moonraker its
process statistics every second; a socket silent for longer than `silence` seconds is closed
and opened again, because sessions expire and sockets die without an error.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import websockets

from printers.base import MachineConnection, host_address

log = logging.getLogger(__name__)

TRIGGERS = frozenset({"PrintStarted", "PrintDone", "PrintFailed", "PrintCancelled", "PrintPaused",
                      "PrintResumed", "Disconnected", "Connected", "Error", "PrinterStateChanged"})
# Moonraker's notifications that mean the print or Klippy changed (print_stats and webhooks are subscribed to)
MOONRAKER_TRIGGERS = frozenset({"notify_status_update", "notify_history_changed", "notify_klippy_disconnected",
                                "notify_klippy_ready", "notify_klippy_shutdown"})


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
            if machine_id not in self._tasks and conn.driver in _SESSIONS and conn.url:
                self._tasks[machine_id] = (conn, asyncio.create_task(self._listen(machine_id, conn)))

    async def _listen(self, machine_id: int, conn: MachineConnection) -> None:
        """Open, authenticate and read one printer's socket for as long as it is followed."""
        while True:
            try:
                await _SESSIONS[conn.driver](self, machine_id, conn)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - any failure: the socket is replaced
                log.info("push socket of machine %s closed: %s", machine_id, error)
            await asyncio.sleep(self.retry)

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


def _socket_url(conn: MachineConnection, path: str) -> str:
    """ws(s)://host[:port]/path under the printer's bare address, never a path of the address."""
    parts = urlsplit(host_address(conn.url or ""))
    return f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}{path}"


async def _read_socket(self: PushListener, machine_id: int, socket: Any, events: Callable[[Any], list[str]]) -> None:
    """Count the socket, say "look now" once (whatever happened while away), then pass on each trigger."""
    self.connections += 1
    self.on_event(machine_id, "Connected")
    while True:
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation
        # that arrives as a message does, and the socket would then outlive close().
        async with asyncio.timeout(self.silence):
            message = await socket.recv()
        for event in events(message):
            self.on_event(machine_id, event)


async def _octoprint_session(self: PushListener, machine_id: int, conn: MachineConnection) -> None:
    """OctoPrint's socket, authenticated by a passive login with the printer's key."""
    name, session = await asyncio.to_thread(_passive_login, conn)
    async with websockets.connect(_socket_url(conn, "/sockjs/websocket"), open_timeout=conn.timeout,
                                  close_timeout=1, ping_interval=None) as socket:
        await socket.send(json.dumps({"auth": f"{name}:{session}"}))
        await _read_socket(self, machine_id, socket, lambda m: [e for e in _events(m) if e in TRIGGERS])


async def _moonraker_session(self: PushListener, machine_id: int, conn: MachineConnection) -> None:
    """Moonraker's socket: identified with the printer's key (none for a trusted client), subscribed to the print's
    and Klippy's state, so that a change of either is pushed."""
    async with websockets.connect(_socket_url(conn, "/websocket"), open_timeout=conn.timeout,
                                  close_timeout=1, ping_interval=None) as socket:
        identity = {"client_name": "MakerNet", "version": "1", "type": "other", "url": "https://makernet.fr"}
        await _rpc(socket, 1, "server.connection.identify",
                   {**identity, **({"api_key": conn.api_key} if conn.api_key else {})})
        await _rpc(socket, 2, "printer.objects.subscribe",
                   {"objects": {"print_stats": ["state", "filename"], "webhooks": ["state"]}})
        await _read_socket(self, machine_id, socket, _moonraker_events)


async def _rpc(socket: Any, number: int, method: str, params: dict) -> None:
    """One JSON-RPC call on Moonraker's socket, its answer awaited: an error (a key refused) closes the session."""
    await socket.send(json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": number}))
    while True:
        answer = json.loads(await asyncio.wait_for(socket.recv(), 10))
        if answer.get("id") == number:
            if "error" in answer:
                raise ConnectionError(f"Moonraker refused {method}: {answer['error'].get('message')}")
            return


def _moonraker_events(message: str | bytes) -> list[str]:
    """The triggers in one Moonraker socket message (JSON-RPC notifications)."""
    try:
        method = json.loads(message).get("method")
    except (ValueError, AttributeError):
        return []
    return [method] if method in MOONRAKER_TRIGGERS else []


_SESSIONS = {"octoprint": _octoprint_session, "moonraker": _moonraker_session}
