"""The push listener stops promptly, even while a printer's socket is busy with messages."""
from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest
import websockets

import printers.push
from printers.base import MachineConnection
from printers.push import PushListener


class ChattySocket:
    """A websocket server, in its own thread, that sends a `current` message without pause."""

    def __init__(self) -> None:
        self.port = 0
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Future | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        assert self._ready.wait(10)

    def _run(self) -> None:
        self._loop.run_until_complete(self._serve())
        self._loop.close()

    async def _serve(self) -> None:
        self._stop = self._loop.create_future()

        async def talk(socket) -> None:  # noqa: ANN001
            await socket.recv()  # the auth message
            message = json.dumps({"current": {"state": {"text": "Operational"}}})
            try:
                while True:
                    await socket.send(message)
                    await asyncio.sleep(0)
            except websockets.ConnectionClosed:
                pass

        async with websockets.serve(talk, "127.0.0.1", 0) as server:
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()
            await self._stop

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._stop.set_result, None)
        self._thread.join(10)


@pytest.mark.parametrize("attempt", range(5))
def test_close_ends_every_socket_within_its_grace_while_messages_keep_coming(monkeypatch, attempt: int) -> None:  # noqa: ANN001
    monkeypatch.setattr(printers.push, "_passive_login", lambda _conn: ("operator", "session"))
    server = ChattySocket()
    listener = PushListener(lambda _machine, _event: None, silence=5.0, retry=0.2)
    try:
        listener.follow({1: MachineConnection("octoprint", f"http://127.0.0.1:{server.port}", "key", 3.0)})
        deadline = time.monotonic() + 10
        while listener.connections == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert listener.connections == 1
        time.sleep(0.05 * attempt)  # cancel at a different point of the message flow each time
        tasks = [task for _conn, task in listener._tasks.values()]
        started = time.monotonic()
        listener.close(**({"grace": 3.0} if "grace" in PushListener.close.__code__.co_varnames else {}))
        assert time.monotonic() - started < 3.0, "close() waited out its grace: a socket ignored the stop"
        assert all(task.done() for task in tasks)
        assert not listener._thread.is_alive()
    finally:
        server.close()
