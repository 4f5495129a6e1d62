"""A lightweight stand-in for the printer hosts' APIs (OctoPrint, Moonraker, PrusaLink), many printers on one port,
for load only.

Printer n is the one called with the API key "bench-key-<n>" (MakerNet talks to a printer's host at its bare address,
so printers share the address and differ by key), whichever host's paths it is called on: OctoPrint's GET /api/job,
POST /api/files/local (upload, select, print), GET /api/version; Moonraker's GET /printer/objects/query,
/server/files/metadata, /server/history/list, /server/info, POST /server/files/upload (with print); PrusaLink's
GET /api/v1/status and PUT /api/v1/files/local/<name> (with Print-After-Upload), its /api/job being OctoPrint's.
A print lasts
`print_seconds`. Correctness is proven against the real hosts in the tests; this only lets the fleet benchmark reach
thousands of printers on loopback.
"""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = re.compile(r"^bench-key-(\d+)$")


class Printers:
    """State of every simulated printer, and when each file started."""

    def __init__(self, print_seconds: float) -> None:
        self.print_seconds = print_seconds
        self.jobs: dict[int, tuple[str, float]] = {}   # printer -> (file, started at)
        self.starts: dict[str, float] = {}              # file -> time.time() of its start
        self.lock = threading.Lock()

    def job(self, printer: int) -> dict:
        """What GET /api/job answers."""
        with self.lock:
            current = self.jobs.get(printer)
        if current is None:
            return {"state": "Operational", "job": {"file": {"name": None}}, "progress": {"completion": None}}
        name, started = current
        done = min(100.0, 100.0 * (time.time() - started) / self.print_seconds)
        state = "Operational" if done >= 100.0 else "Printing"
        return {"state": state, "job": {"file": {"name": name}}, "progress": {"completion": done}}

    def moonraker_objects(self, printer: int) -> dict:
        """What Moonraker's GET /printer/objects/query answers for the objects MakerNet reads."""
        job = self.job(printer)
        name, done = job["job"]["file"]["name"], job["progress"]["completion"]
        state = "standby" if name is None else "printing" if done < 100.0 else "complete"
        return {"result": {"status": {"webhooks": {"state": "ready", "state_message": "Printer is ready"},
                                      "print_stats": {"state": state, "filename": name or "", "message": ""},
                                      "virtual_sdcard": {"progress": (done or 0.0) / 100}}}}

    def prusalink_status(self, printer: int) -> dict:
        """What PrusaLink's GET /api/v1/status answers."""
        job = self.job(printer)
        name, done = job["job"]["file"]["name"], job["progress"]["completion"]
        state = "IDLE" if name is None else "PRINTING" if done < 100.0 else "FINISHED"
        return {"printer": {"state": state, "status_printer": {"ok": True, "message": "OK"}},
                **({"job": {"id": printer, "progress": done}} if state == "PRINTING" else {})}

    def start(self, printer: int, name: str) -> bool:
        """Start a file unless the printer is busy."""
        with self.lock:
            current = self.jobs.get(printer)
            if current and time.time() - current[1] < self.print_seconds:
                return False
            self.jobs[printer] = (name, time.time())
            self.starts[name] = time.time()
            return True


def handler_for(printers: Printers) -> type[BaseHTTPRequestHandler]:
    """A request handler bound to the simulated printers."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _answer(self, code: int, body: dict | None = None) -> None:
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _printer(self) -> int | None:
            match = KEY.match(self.headers.get("X-Api-Key", ""))
            return int(match.group(1)) if match else None

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/_starts":
                with printers.lock:
                    return self._answer(200, dict(printers.starts))
            printer, api = self._printer(), self.path
            if printer is None:
                return self._answer(403, {"error": "no such printer"})
            if api == "/api/job":
                return self._answer(200, printers.job(printer))
            if api == "/api/version":
                return self._answer(200, {"server": "1.11.8-sim", "api": "0.1"})
            if api == "/api/v1/status":
                return self._answer(200, printers.prusalink_status(printer))
            if api.startswith("/printer/objects/query"):
                return self._answer(200, printers.moonraker_objects(printer))
            if api.startswith("/server/history/list"):
                return self._answer(200, {"result": {"count": 0, "jobs": []}})
            if api.startswith("/server/info"):
                return self._answer(200, {"result": {"moonraker_version": "0.11.0-sim", "klippy_state": "ready"}})
            return self._answer(404, {"error": {"code": 404, "message": "not simulated"}})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length)
            printer = self._printer()
            if printer is None or self.path not in ("/api/files/local", "/server/files/upload"):
                return self._answer(404, {"error": "not simulated"})
            name = re.search(rb'filename="([^"]+)"', body)
            name = name.group(1).decode() if name else "unknown.gcode"
            started = printers.start(printer, name)
            if self.path == "/server/files/upload":
                return self._answer(201, {"item": {"path": name, "root": "gcodes"}, "print_started": started})
            self._answer(201, {"done": True, "effectiveSelect": started, "effectivePrint": started,
                               "files": {"local": {"name": name, "origin": "local"}}})

        def do_PUT(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            printer = self._printer()
            if printer is None or not self.path.startswith("/api/v1/files/local/"):
                return self._answer(404, {"error": "not simulated"})
            printers.start(printer, self.path.rsplit("/", 1)[1])
            self._answer(201)

    return Handler


def serve(port: int, print_seconds: float, ready: object = None) -> None:
    """Run the simulator until the process is stopped."""
    server = ThreadingHTTPServer(("127.0.0.1", port), handler_for(Printers(print_seconds)))
    server.daemon_threads = True
    if ready is not None:
        ready.set()  # type: ignore[attr-defined]
    server.serve_forever()
