"""A loopback TCP proxy that can cut, black-hole or slow a connection, to put faults between real parts."""
from __future__ import annotations

import socket
import threading
import time

from tests.support.octoprint import free_port


class FaultyProxy:
    """Forwards 127.0.0.1:port to a target; `mode` decides what happens to new and live connections.

    pass: forward; refuse: connections are refused (nothing listens); blackhole: accept and never
    answer; delay: hold each client→server chunk `delay` seconds before forwarding it; freeze:
    live connections stay open but carry nothing until the mode changes.
    """

    def __init__(self, target_port: int, port: int | None = None) -> None:
        self.target_port = target_port
        self.port = port or free_port()
        self.mode = "pass"
        self.delay = 0.0
        self.accepted = 0        # connections made to the proxy so far: 0 means the target was never reached
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._muted: set[socket.socket] = set()   # upstream links whose answers are dropped (mute-posts)
        self._lock = threading.Lock()
        self._open()

    @property
    def url(self) -> str:
        """http:// URL of the proxy (for HTTP targets)."""
        return f"http://127.0.0.1:{self.port}"

    def _open(self) -> None:
        """Listen again on the same port."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def set_mode(self, mode: str, delay: float = 0.0) -> None:
        """Change behaviour; refuse and blackhole also cut the live connections."""
        self.delay = delay
        # the mode first, then the listener, then the live links: a client that reconnects at once (a Celery
        # worker does, within milliseconds) must not slip a new link through while the old ones are cut
        self.mode = mode
        if mode == "refuse" and self._listener is not None:
            self._stop_listening()
        if mode in ("refuse", "blackhole"):
            self._cut_all()
        if mode != "refuse" and self._listener is None:
            self._open()

    def _cut_all(self) -> None:
        with self._lock:
            for sock in list(self._sockets):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self._lock:
                self._sockets.add(client)
                self.accepted += 1
            if self.mode == "blackhole":
                continue  # held open, never answered
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self.mode in ("refuse", "blackhole"):   # accepted just before a cut: cut it too
                    self._sockets.discard(client)
                    for sock in (client, upstream):
                        sock.close()
                    continue
                self._sockets.add(upstream)
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, outbound: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if outbound and self.mode == "delay":
                    time.sleep(self.delay)
                if outbound and self.mode.startswith("mute-") and data.startswith(self.mode[5:-1].upper().encode() + b" "):
                    self._muted.add(sink)
                if not outbound and source in self._muted:
                    continue
                while self.mode == "freeze":  # the link stays open and carries nothing
                    time.sleep(0.05)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.close()
                except OSError:
                    pass

    def _stop_listening(self) -> None:
        """Close the listening socket; shutdown first, or a thread blocked in accept() keeps accepting."""
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()
        self._listener = None

    def close(self) -> None:
        """Stop listening and cut everything."""
        if self._listener is not None:
            self._stop_listening()
        self._cut_all()
