"""A real PrusaLink 0.8.1 server driving a simulated Original Prusa MK3S, started for tests.

PrusaLink runs as a subprocess from its own cached venv (see tests.support.prusalink_setup); the
printer is tests.support.prusa_firmware on a pseudo-terminal in the test process, so PrusaLink
talks to it exactly as to a MK3S on its serial port. Tests drive PrusaLink over its HTTP API
with the X-Api-Key header, as MakerNet's driver does. Connect is not configured: nothing leaves
the machine.
"""
from __future__ import annotations

import http.client
import secrets
import shutil
import subprocess
import tempfile
import time
import weakref
from pathlib import Path
from typing import Any

import httpx

from tests.support.host_venv import HostServer
from tests.support.prusa_firmware import PrusaFirmware
from tests.support.prusalink_setup import (
    FAST_BOOT_LAUNCHER,
    INTERRUPTIBLE,
    STORAGE_FOLDER,
    ensure_prusalink_venv,
    free_port,
    gcode_commands,
    gcode_lasting,
    printer_settings_ini,
    prusalink_ini,
    record_answers,
    refused_by_prusalink,
    stop_process,
)
from tests.support.waiting import START_TIMEOUT

__all__ = [
    "STORAGE",
    "PrusaLinkServer",
    "ensure_prusalink_venv",
    "free_port",
    "gcode_lasting",
    "print_starts",
    "record_answers",
]

STORAGE = "local"  # the storage name in /api/v1/files/<storage>/<path> for PrusaLink's own folder
READY_STATES = ("IDLE", "READY")


def print_starts(server: PrusaLinkServer, file_name: str) -> int:
    """How many times the printer started printing this file of PrusaLink's storage.

    The printer never sees a file name: PrusaLink streams the G-code line by line between the
    print timer's M75 and M77. So a print the simulated firmware recorded counts for `file_name`
    when the lines it received are the first lines of that file. Files with identical G-code
    cannot be told apart (gcode_lasting() labels each one); a print stopped before its first
    line arrived counts for no file, nor does G-code with non-ASCII text (PrusaLink transliterates it).
    """
    path = server.gcodes_dir / file_name
    if not path.exists():
        return 0
    expected = gcode_commands(path.read_text(errors="replace"))
    return sum(1 for record in list(server.firmware.prints)
               if record.lines and record.lines == expected[:len(record.lines)])


class PrusaLinkServer(HostServer):
    """One real PrusaLink with its simulated MK3S, in its own base directory.

    PrusaLink refuses storage folders under /tmp, so the default base directory is in
    ~/.cache/makernet/prusalink-runs (removed by close()).
    """

    def __init__(self, basedir: Path | None = None, venv: Path | None = None, fast_boot: bool = True) -> None:
        self._owns_basedir = basedir is None
        if basedir is None:
            runs = Path.home() / ".cache" / "makernet" / "prusalink-runs"
            runs.mkdir(parents=True, exist_ok=True)
            basedir = Path(tempfile.mkdtemp(prefix="prusalink-", dir=runs))
        self.basedir = Path(basedir).resolve()
        if refused_by_prusalink(self.basedir):
            raise ValueError(f"PrusaLink refuses storage under {self.basedir}; pass a directory outside /tmp")
        self._venv = venv
        self.fast_boot = fast_boot
        self.api_key = secrets.token_urlsafe(12)  # the shape of the keys PrusaLink makes itself
        self.port: int | None = None
        self.firmware = PrusaFirmware(self.basedir / "ttyMK3S", log_path=self.basedir / "firmware.log")
        self._process: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize | None = None
        self.ready_seconds: float | None = None  # how long the last start() took
        self._log_offset = 0

    @property
    def url(self) -> str:
        """Base URL of the running server, e.g. http://127.0.0.1:5123."""
        if self.port is None:
            raise RuntimeError("the PrusaLink server has not been started")
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        """The PrusaLink process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def gcodes_dir(self) -> Path:
        """PrusaLink's storage folder: what /api/v1/files/local/ lists."""
        return self.basedir / STORAGE_FOLDER

    def start(self, port: int | None = None, timeout: float = START_TIMEOUT) -> PrusaLinkServer:
        """Start the printer (if needed) and PrusaLink; wait until /api/v1/status says IDLE or READY."""
        if self.running:
            raise RuntimeError(f"PrusaLink is already running at {self.url}")
        self.stop(graceful=False)  # reap a process that died on its own
        self.firmware.start()
        settings = self.basedir / "prusa_printer_settings.ini"
        if not settings.exists():  # PrusaLink rewrites it; written once so a restart keeps its edits
            settings.write_text(printer_settings_ini(self.api_key))
        venv = self._venv or ensure_prusalink_venv()
        for _ in range(1 if port is not None else 3):
            self.port = port if port is not None else free_port()
            began = time.monotonic()
            self._spawn(venv)
            if self._wait_until_ready(timeout):
                self.ready_seconds = time.monotonic() - began
                return self
            self.stop(graceful=False)
        raise RuntimeError(f"PrusaLink could not serve HTTP:\n{self.log_tail()}")

    def stop(self, graceful: bool = True) -> None:
        """Stop PrusaLink; the simulated printer keeps running.

        graceful: SIGINT, PrusaLink's orderly shutdown (as `prusalink stop` or a service stop):
        a print in progress is stopped, since PrusaLink sends the printer M603 on its way out.
        Otherwise SIGKILL, a crash or power cut of the host: the printer is left holding the
        open job with nothing more streamed to it.
        """
        if self._process is not None and graceful:
            stop_process(self._process, graceful=True)
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None
        self._process = None

    def restart(self, graceful: bool = True, timeout: float = START_TIMEOUT) -> PrusaLinkServer:
        """Restart the PrusaLink process only, on the same port; the simulated printer keeps going.

        A running print does not survive: a graceful restart stops it (M603, the printer reports
        the job stopped), a SIGKILL restart leaves the printer idle mid-file. Either way the new
        PrusaLink comes up IDLE with no job (GET /api/v1/job answers 204) and never resumes the
        file; the job id it reads back from the printer's EEPROM keeps counting up.
        """
        port = self.port
        self.stop(graceful=graceful)
        return self.start(port=port, timeout=timeout)

    def close(self) -> None:
        """Stop PrusaLink (SIGKILL: nothing to tidy up) and the printer; remove an own base directory."""
        self.stop(graceful=False)
        self.firmware.close()
        if self._owns_basedir:
            shutil.rmtree(self.basedir, ignore_errors=True)

    def status(self) -> dict[str, Any]:
        """The GET /api/v1/status answer."""
        response = self.request("GET", "/api/v1/status")
        response.raise_for_status()
        return response.json()

    def job(self) -> dict[str, Any] | None:
        """The GET /api/v1/job answer, None when there is no job (204)."""
        response = self.request("GET", "/api/v1/job")
        response.raise_for_status()
        return None if response.status_code == 204 else response.json()

    def wait_for_state(self, *states: str, timeout: float = 20.0) -> dict[str, Any]:
        """Poll /api/v1/status until printer.state is one of `states`; return that answer."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.status()
            if status["printer"]["state"] in states:
                return status
            if time.monotonic() > deadline:
                raise TimeoutError(f"PrusaLink stayed {status['printer']['state']}, expected one of {states}")
            time.sleep(0.05)

    def upload(self, name: str, gcode: bytes, print_after: bool = False, overwrite: bool = False) -> httpx.Response:
        """PUT /api/v1/files/local/<name> with a raw text/x.gcode body, as PrusaSlicer uploads (201)."""
        headers = {"Content-Type": "text/x.gcode",
                   "Print-After-Upload": "?1" if print_after else "?0", "Overwrite": "?1" if overwrite else "?0"}
        return self.request("PUT", f"/api/v1/files/{STORAGE}/{name}", content=gcode, headers=headers, timeout=30.0)

    def wait_for_file(self, name: str, timeout: float = 5.0) -> None:
        """Wait until PrusaLink lists an uploaded file: its tree catches up 50-200 ms after the 201."""
        deadline = time.monotonic() + timeout
        while self.request("HEAD", f"/api/v1/files/{STORAGE}/{name}").status_code != 200:
            if time.monotonic() > deadline:
                raise TimeoutError(f"PrusaLink does not list {name} after {timeout} s")
            time.sleep(0.02)

    def start_print(self, name: str) -> httpx.Response:
        """POST /api/v1/files/local/<name>: print a file PrusaLink lists (204 started, 404 not listed yet)."""
        return self.request("POST", f"/api/v1/files/{STORAGE}/{name}")

    def stop_job(self, job_id: int | None = None) -> httpx.Response:
        """DELETE /api/v1/job/<id>: stop the current job through PrusaLink's API (204)."""
        if job_id is None:
            job = self.job()
            if job is None:
                raise RuntimeError("there is no job to stop")
            job_id = job["id"]
        return self.request("DELETE", f"/api/v1/job/{job_id}")

    def cancel_on_host(self) -> None:
        """Stop the print at the printer, as a person using its menu: PrusaLink hears `// action:cancel`."""
        self.firmware.cancel_on_host()

    def rss_kib(self) -> int | None:
        """Resident memory of the PrusaLink process, in KiB."""
        if self._process is None or not self.running:
            return None
        status = Path(f"/proc/{self._process.pid}/status").read_text()
        return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), None)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of PrusaLink's console log, for failure messages."""
        log = self.basedir / "prusalink.log"
        if not log.exists():
            return "(no log)"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])

    def _log_since_spawn(self) -> str:
        """What PrusaLink logged since the last _spawn()."""
        with open(self.basedir / "prusalink.log", "rb") as log:
            log.seek(self._log_offset)
            return log.read().decode(errors="replace")

    def _spawn(self, venv: Path) -> None:
        """Launch PrusaLink in the foreground with its log appended to DIR/prusalink.log."""
        config = self.basedir / "prusalink.ini"
        config.write_text(prusalink_ini(self.basedir, self.port or 0, self.firmware.port))
        python = str(venv / "bin" / "python")
        program = [python, "-c", FAST_BOOT_LAUNCHER] if self.fast_boot else [str(venv / "bin" / "prusalink")]
        # through a launcher that gives SIGINT back its default: a test run started in the background of a
        # non-interactive shell (`.ci/run &`) hands its children SIGINT ignored, and PrusaLink, whose orderly
        # shutdown is its KeyboardInterrupt, then never stops on it
        command = [python, "-c", INTERRUPTIBLE, *program, "-f", "-i", "-c", str(config)]
        env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(self.basedir), "LANG": "C.UTF-8",
               "PYTHONUNBUFFERED": "1"}
        log_path = self.basedir / "prusalink.log"
        self._log_offset = log_path.stat().st_size if log_path.exists() else 0
        with open(log_path, "ab") as log:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                       env=env, cwd=self.basedir, start_new_session=True)
        self._process = process
        # Also runs at interpreter exit, so a forgotten server never outlives the tests.
        self._finalizer = weakref.finalize(self, stop_process, process, False)

    def _wait_until_ready(self, timeout: float) -> bool:
        """Poll until the printer is IDLE/READY (True), or PrusaLink cannot serve HTTP (False)."""
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        with httpx.Client(base_url=self.url, timeout=2.0, headers={"X-Api-Key": self.api_key}) as client:
            while time.monotonic() < deadline:
                if not self.running or "Exception in httpd" in self._log_since_spawn():
                    return False  # died, or another process took the port first
                try:
                    response = client.get("/api/v1/status")
                    last = f"HTTP {response.status_code}"
                    if response.status_code == 200:
                        last = response.json()["printer"]["state"]
                        if last in READY_STATES:
                            return True
                except (httpx.HTTPError, http.client.HTTPException, OSError, ValueError, KeyError) as exc:
                    last = f"{type(exc).__name__}: {exc}"
                time.sleep(0.05)
        self.stop(graceful=False)
        raise TimeoutError(f"PrusaLink at {self.url} not ready after {timeout} s (last: {last}):\n{self.log_tail()}")
