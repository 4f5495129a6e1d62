"""Real OctoPrint 1.11.8 servers with their Virtual Printer, started as subprocesses for tests.

OctoPrint cannot share the app's venv (its Flask/Click pins clash with Celery's), so it
lives in a venv of its own, cached between runs, and is driven over HTTP only.
"""
from __future__ import annotations

import http.client
import json
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import weakref
from pathlib import Path
from typing import Any

import httpx

from tests.support.host_venv import HostServer, host_env, host_venv
from tests.support.waiting import START_TIMEOUT, stop_process

OCTOPRINT_VERSION = "1.11.8"


def ensure_octoprint_venv() -> Path:
    """The OctoPrint venv ($MAKERNET_OCTOPRINT_VENV or the user cache), installed first if needed."""
    # pip too: OctoPrint logs a traceback at every start when it cannot find pip
    return host_venv(f"octoprint-{OCTOPRINT_VERSION}", [f"octoprint=={OCTOPRINT_VERSION}", "pip"],
                     "MAKERNET_OCTOPRINT_VENV")


# Password "makernet", hashed by `octoprint user add` (argon2id): writing it directly saves the
# ~3 s that command spends importing OctoPrint. Tests authenticate with the app key, not this.
_ADMIN_PASSWORD_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$vRdCqLV2TmmtVarVek8JIQ$"
    "l0HGQffYTld2t0gNahdOsmqdnUQOvphDG8LBHG4XbYM"
)
ADMIN_USER = "makernet"
ADMIN_PASSWORD = "makernet"  # what _ADMIN_PASSWORD_HASH hashes

# Plugins that phone home, nag, or slow start-up; none matters for driving a printer.
_DISABLED_PLUGINS = [
    "announcements", "tracking", "softwareupdate", "discovery", "errortracking",
    "pluginmanager", "backup", "achievements", "health_check", "gcodeviewer",
    "classicwebcam", "firmware_check", "file_check", "pi_support",
]


def octoprint_config() -> dict[str, Any]:
    """config.yaml contents for a quiet, headless server whose Virtual Printer never injects errors."""
    disabled = {"enabled": False}
    return {
        "server": {
            "firstRun": False,
            "onlineCheck": disabled,
            "pluginBlacklist": disabled,
            "pythonEolCheck": disabled,
            "ipCheck": disabled,
            "ignoreIncompleteStartup": True,
        },
        "gcodeAnalysis": {"runAt": "never"},
        "plugins": {
            "_disabled": _DISABLED_PLUGINS,
            "virtual_printer": {
                "enabled": True,
                # The default list stalls one print per connection for ~30 s.
                "simulated_errors": [],
                "simulateReset": False,
                "sendWait": False,
                "okAfterResend": False,
                "resend_ratio": 0,
                "sendBusy": False,
            },
        },
        "serial": {"port": "VIRTUAL", "baudrate": 115200, "autoconnect": True, "log": False},
    }


def _merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`base` with `changes` laid over it, nested dicts merged."""
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = _merged(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) \
            else value
    return merged


def print_starts(server: "OctoPrintServer", file_name: str) -> int:
    """How many times the server started this file, from its own log (kept across restarts)."""
    log = server.basedir / "logs" / "octoprint.log"
    if not log.exists():
        return 0
    marker = f"Print job started - origin: local, path: {file_name},"
    return sum(marker in line for line in log.read_text(errors="replace").splitlines())


def gcode_lasting(seconds: float) -> bytes:
    """Small valid G-code that keeps the Virtual Printer busy for about `seconds`."""
    if seconds < 0:
        raise ValueError("a print cannot last a negative time")
    # Several short dwells rather than one long one, so progress.completion moves steadily.
    steps = max(1, round(seconds / 0.25))
    total_ms = round(seconds * 1000)
    lines = [f"; MakerNet test print, about {seconds:g} s on the Virtual Printer",
             "G21", "G90", "M82", "G92 E0"]
    for step in range(steps):
        # F60000 because the Virtual Printer sleeps 0.1 x the real move time.
        lines.append(f"G1 X{10 + step % 10} Y{10 + step % 7} F60000")
        dwell_ms = total_ms * (step + 1) // steps - total_ms * step // steps
        if dwell_ms:
            lines.append(f"G4 P{dwell_ms}")
    lines.append("; end")
    return ("\n".join(lines) + "\n").encode("ascii")


def free_port() -> int:
    """A TCP port nobody listens on right now (another process may still take it: see start())."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OctoPrintServer(HostServer):
    """One real OctoPrint server with its Virtual Printer, in its own base directory."""

    def __init__(self, basedir: Path | None = None, venv: Path | None = None,
                 overrides: dict[str, Any] | None = None) -> None:
        self._overrides = overrides or {}
        self._owns_basedir = basedir is None
        self.basedir = Path(basedir) if basedir else Path(tempfile.mkdtemp(prefix="octoprint-"))
        self._venv = venv
        self.api_key = secrets.token_hex(16).upper()  # same shape as OctoPrint's own keys
        self.port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize | None = None
        self._prepared = False

    @property
    def url(self) -> str:
        """Base URL of the running server, e.g. http://127.0.0.1:5123."""
        if self.port is None:
            raise RuntimeError("the OctoPrint server has not been started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        """The server process is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self, port: int | None = None, timeout: float = START_TIMEOUT) -> OctoPrintServer:
        """Start the server and wait until its Virtual Printer is Operational."""
        if self.running:
            raise RuntimeError(f"OctoPrint is already running at {self.url}")
        self.stop()  # reap a process that died on its own
        if not self._prepared:
            self._write_basedir()
        # A port picked here can be grabbed by a parallel worker before OctoPrint binds it,
        # so a start that dies on a picked port is retried on a fresh one.
        for _ in range(1 if port is not None else 3):
            self.port = port if port is not None else free_port()
            self._spawn()
            if self._wait_until_operational(timeout):
                return self
            self.stop()
        raise RuntimeError(f"OctoPrint exited while starting:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL if it lingers."""
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None
        self._process = None

    def restart(self, timeout: float = START_TIMEOUT) -> OctoPrintServer:
        """Stop and start again on the same port and base directory (files and keys survive)."""
        port = self.port
        self.stop()
        return self.start(port=port, timeout=timeout)

    def close(self) -> None:
        """Stop the server and remove the base directory if this object created it."""
        self.stop()
        if self._owns_basedir:
            shutil.rmtree(self.basedir, ignore_errors=True)

    def job(self) -> dict[str, Any]:
        """The raw GET /api/job answer."""
        response = self.request("GET", "/api/job")
        response.raise_for_status()
        return response.json()

    def wait_for_state(self, *states: str, timeout: float = 10.0) -> dict[str, Any]:
        """Poll /api/job until its state is one of `states`; return that answer."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.job()
            if job["state"] in states:
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"OctoPrint stayed {job['state']!r}, expected one of {states}")
            time.sleep(0.05)

    def decide_key_requests(self, approve: bool, timeout: float = 20.0) -> int:
        """Do what the operator does in OctoPrint's interface: sign in, answer the pending key requests.

        Only requests that named our admin user are listed to it, as OctoPrint shows them.
        """
        with httpx.Client(base_url=self.url, timeout=5.0) as client:
            client.get("/")  # sets OctoPrint's CSRF cookie, which every write must echo in a header
            csrf = next((v for k, v in client.cookies.items() if k.startswith("csrf_token")), "")
            signed_in = client.post("/api/login", json={"user": ADMIN_USER, "pass": ADMIN_PASSWORD, "remember": False},
                                    headers={"X-CSRF-Token": csrf})
            signed_in.raise_for_status()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                pending = client.get("/api/plugin/appkeys", headers={"X-CSRF-Token": csrf}).json().get("pending", {})
                if pending:
                    for user_token in pending:
                        answer = client.post(f"/plugin/appkeys/decision/{user_token}", json={"decision": approve},
                                             headers={"X-CSRF-Token": csrf})
                        answer.raise_for_status()
                    return len(pending)
                time.sleep(0.2)
        raise RuntimeError("no key request reached OctoPrint")

    def send_debug(self, command: str) -> None:
        """Send a Virtual Printer debug command, e.g. "drop_connection" or "go_awol"."""
        response = self.request("POST", "/api/printer/command",
                                json={"commands": [f"!!DEBUG:{command}"]})
        response.raise_for_status()

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the server's console log, for failure messages."""
        log = self.basedir / "octoprint.log"
        if not log.exists():
            return "(no log)"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def _write_basedir(self) -> None:
        """Write config, admin user and application key before the first start."""
        # JSON is valid YAML, so no YAML library is needed on the test side.
        self.basedir.mkdir(parents=True, exist_ok=True)
        config = _merged(octoprint_config(), self._overrides)
        (self.basedir / "config.yaml").write_text(json.dumps(config, indent=2))
        users = {"_version": 2, ADMIN_USER: {
            "active": True, "apikey": None, "groups": ["admins"],
            "password": _ADMIN_PASSWORD_HASH, "permissions": [],
            "roles": ["user", "admin"], "settings": {}}}
        (self.basedir / "users.yaml").write_text(json.dumps(users, indent=2))
        keys_dir = self.basedir / "data" / "appkeys"
        keys_dir.mkdir(parents=True, exist_ok=True)
        keys = {ADMIN_USER: [{"app_id": "makernet-tests", "api_key": self.api_key}]}
        (keys_dir / "keys.yaml").write_text(json.dumps(keys, indent=2))
        self._prepared = True

    def _spawn(self) -> None:
        """Launch `octoprint serve` with its console output appended to DIR/octoprint.log."""
        venv = self._venv or ensure_octoprint_venv()
        env = host_env()
        command = [str(venv / "bin" / "octoprint"), "serve", "--iknowwhatimdoing",
                   "--basedir", str(self.basedir), "--host", "127.0.0.1", "--port", str(self.port)]
        with open(self.basedir / "octoprint.log", "ab") as log:
            # The child keeps its own copy of the descriptor; ours closes at once.
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self._process = process
        # Also runs at interpreter exit, so a forgotten server never outlives the tests.
        self._finalizer = weakref.finalize(self, stop_process, process)

    def _wait_until_operational(self, timeout: float) -> bool:
        """Poll until the printer reports Operational (True) or the process dies (False)."""
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        with httpx.Client(base_url=self.url, timeout=2.0,
                          headers={"X-Api-Key": self.api_key}) as client:
            while time.monotonic() < deadline:
                if not self.running:
                    return False
                try:
                    response = client.get("/api/job")
                    last = f"HTTP {response.status_code}"
                    if response.status_code == 200:
                        last = response.json().get("state", last)
                        if last == "Operational":
                            return True
                # While starting, an intermediary server answers with garbage.
                except (httpx.HTTPError, http.client.HTTPException, OSError, ValueError) as exc:
                    last = f"{type(exc).__name__}: {exc}"
                time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"OctoPrint at {self.url} not Operational after {timeout} s "
                           f"(last: {last}):\n{self.log_tail()}")


