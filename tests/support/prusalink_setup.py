"""Installing PrusaLink 0.8.1 once, launching it, and the settings files that make it start configured.

PrusaLink pins pydantic 1 and old packaging, so it cannot share the app's venv: it gets a venv of
its own (tests.support.host_venv), cached between runs like OctoPrint's, and is driven over HTTP only.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
from pathlib import Path
from typing import Any

from tests.support.host_venv import host_venv

PRUSALINK_VERSION = "0.8.1"
USERNAME = "maker"   # what Prusa's own firmware (MK4, XL, Core One) names its PrusaLink user
PASSWORD = "makernet-tests"  # HTTP digest; tests use the X-Api-Key header instead
DIGEST_REALM = "Administrator"  # prusa.link.web.lib.auth.REALM
STORAGE_FOLDER = "PrusaLink gcodes"  # PrusaLink's default; the API calls this storage "local"
# PrusaLink ignores a storage folder under these (prusa.link.const.BLACKLISTED_PATHS).
REFUSED_PREFIXES = ("/dev", "/sys", "/proc", "/tmp")


def ensure_prusalink_venv() -> Path:
    """The PrusaLink venv ($MAKERNET_PRUSALINK_VENV or ~/.cache/makernet/prusalink-0.8.1), installed once.

    python-prctl builds from source: it needs a C compiler and libcap's headers (libcap-dev);
    PrusaLink also loads libmagic1 at import. PrusaLink imports pkg_resources, which setuptools 81
    dropped and no dependency pulls in.
    """
    return host_venv(f"prusalink-{PRUSALINK_VERSION}", [f"prusalink=={PRUSALINK_VERSION}", "setuptools<81"],
                     "MAKERNET_PRUSALINK_VENV", finish=_compile)


def _compile(venv: Path) -> None:
    """Byte-compile the venv now, so the first start is not slower than the others (nor racing to write .pyc)."""
    subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q", "-j", "0", str(venv / "lib")],
                   check=False, capture_output=True)


# The simulated MK3S hangs on a pty, like a MK3S wired to the Einsy's RPi header: opening the
# port does not reset it. Telling PrusaLink so spares the 8 s it waits for a USB-attached printer
# to reboot after each port open (and the 20 s power-panic wait after a crash mid-print).
# Everything else, HTTP API and printer handling alike, is PrusaLink's own code.
# Runs the command after it with SIGINT at its default: a process started with SIGINT ignored (the children of a
# command run in the background of a non-interactive shell are) hands that on through exec, and Python then raises
# no KeyboardInterrupt, PrusaLink's orderly shutdown.
INTERRUPTIBLE = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                 "os.execv(sys.argv[1], sys.argv[1:])")
FAST_BOOT_LAUNCHER = (
    "import os, sys, threading, time\n"
    # PrusaLink ends with the test process that started it: an orphan would go on reopening its serial port,
    # and a later test's pseudo-terminal may get the same device number
    "parent = os.getppid()\n"
    "def watch_parent():\n"
    "    while os.getppid() == parent:\n"
    "        time.sleep(1)\n"
    "    os._exit(1)\n"
    "threading.Thread(target=watch_parent, daemon=True).start()\n"
    "from prusa.link import __main__ as entry\n"
    "from prusa.link.printer_adapter import state_manager\n"
    "from prusa.link.serial.serial_adapter import SerialAdapter\n"
    "SerialAdapter.is_rpi_port = staticmethod(lambda port_path: True)\n"
    # PrusaLink shows FINISHED or STOPPED for 11 s after a print before IDLE, and refuses a start meanwhile; 3 s
    # here, so that a plate follows another quickly in tests (MakerNet reads the printer far more often than that)
    "state_manager.PRINT_END_TIMEOUT = 3\n"
    "sys.argv[0] = 'prusalink'\n"
    "sys.exit(entry.main())\n"
)


def free_port() -> int:
    """A TCP port nobody listens on right now (another process may still take it: see start())."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_process(process: subprocess.Popen[bytes], graceful: bool, timeout: float = 25.0) -> None:
    """SIGINT (PrusaLink's own orderly shutdown in the foreground) or SIGKILL; always reaped."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT if graceful else signal.SIGKILL)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()


def refused_by_prusalink(path: Path) -> bool:
    """PrusaLink would not attach a storage folder here."""
    text = str(Path(path).resolve())
    return text.startswith(REFUSED_PREFIXES)


def prusalink_ini(datadir: Path, http_port: int, serial_port: str) -> str:
    """prusalink.ini: everything under `datadir`, HTTP on 127.0.0.1 only, the given serial port."""
    return "\n".join([
        "[daemon]", f"data_dir = {datadir}", "pid_file = ./prusalink.pid", "",
        "[http]", "address = 127.0.0.1", f"port = {http_port}", "",
        # reset_disabling stays off: it would write the (simulated) USB chip's EEPROM on each print.
        "[printer]", f"port = {serial_port}", "baudrate = 115200", "reset_disabling = False",
        "settings = ./prusa_printer_settings.ini", f"directory = ./{STORAGE_FOLDER}", "",
        "[cameras]", "auto_detect = False", "",
    ])


def printer_settings_ini(api_key: str, name: str = "MakerNet MK3S") -> str:
    """prusa_printer_settings.ini as the first-run wizard leaves it, without Prusa Connect.

    The wizard is skipped when the printer type, a user name and a digest are set. No Connect token
    means PrusaLink never registers nor sends telemetry; the Connect host points at a closed local
    port all the same, so a stray request could not leave the machine.
    """
    digest = hashlib.md5(f"{USERNAME}:{DIGEST_REALM}:{PASSWORD}".encode()).hexdigest()  # HTTP digest is MD5 by definition
    return "\n".join([
        "[printer]", "type = MK3S", f"name = {name}", "location = MakerNet tests", "farm_mode = False",
        "network_error_chime = False", "",
        "[network]", "hostname = ", "",
        "[service::connect]", "hostname = 127.0.0.1", "tls = False", "port = 9", "token = ", "",
        "[service::local]", "enable = 1", f"username = {USERNAME}", f"digest = {digest}", f"api_key = {api_key}", "",
    ])


def gcode_commands(text: str) -> list[str]:
    """The commands PrusaLink streams from a G-code file: comments cut, blank lines skipped."""
    commands = []
    for line in text.splitlines():
        command = line.split(";", 1)[0].strip()
        if command:
            commands.append(command)
    return commands


def gcode_lasting(seconds: float, label: str = "MakerNet test print") -> bytes:
    """Small valid G-code that keeps the simulated MK3S busy for about `seconds`.

    It reports its own progress with M73 as PrusaSlicer's output does, so PrusaLink shows
    progress moving; `label` goes into an M117 first line, so two test files differ.
    """
    if seconds < 0:
        raise ValueError("a print cannot last a negative time")
    steps = max(1, round(seconds / 0.25))
    total_ms = round(seconds * 1000)
    lines = [f"; {label}, about {seconds:g} s on the simulated MK3S", f"M117 {label[:40]}",
             "M73 P0 R1", "M73 Q0 S1", "G21", "G90", "M82", "G92 E0"]
    for step in range(steps):
        lines.append(f"G1 X{10 + step % 10} Y{10 + step % 7} F6000")
        dwell_ms = total_ms * (step + 1) // steps - total_ms * step // steps
        if dwell_ms:
            lines.append(f"G4 P{dwell_ms}")
        percent = 100 * (step + 1) // steps
        left = max(0, round((seconds - seconds * (step + 1) / steps) / 60))
        lines += [f"M73 P{percent} R{left}", f"M73 Q{percent} S{left}"]
    lines.append("; end")
    return ("\n".join(lines) + "\n").encode("ascii")


RECORDED = {"status": "/api/v1/status", "job": "/api/v1/job", "info": "/api/v1/info", "version": "/api/version",
            "legacy-job": "/api/job"}


def record_answers(server: Any, state: str, directory: Path | None = None) -> dict[str, Any]:
    """GET the four endpoints a driver reads; write them as <endpoint>-<state>.json when asked.

    Written to `directory`, or to $MAKERNET_RECORD_PRUSALINK when set: one JSON file per endpoint
    holding the request, the status code and the body (null for a 204).
    """
    target = directory or (Path(os.environ["MAKERNET_RECORD_PRUSALINK"])
                           if os.environ.get("MAKERNET_RECORD_PRUSALINK") else None)
    answers = {}
    for endpoint, path in RECORDED.items():
        response = server.request("GET", path)
        answers[endpoint] = {"request": f"GET {path}", "status_code": response.status_code,
                             "body": response.json() if response.content else None}
        if target is not None:
            target.mkdir(parents=True, exist_ok=True)
            (target / f"{endpoint}-{state}.json").write_text(json.dumps(answers[endpoint], indent=2) + "\n")
    return answers
