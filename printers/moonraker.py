"""Moonraker driver: one Klipper printer behind its Moonraker server (Voron, Creality K1/K2, Ender-3 V3, Sovol,
Elegoo…), over Moonraker's HTTP API, in the error vocabulary of printers.http.

Moonraker overwrites a file uploaded under a name it already has: so before an upload the driver asks whether
the plate's file is there, and starts that copy if it is (an earlier, ambiguous attempt stored it). After Klippy
restarts, its print state is empty: the driver then reads the last job of Moonraker's history, so a plate that
finished or was lost across the restart is still recognised under its name, and never started again. The key is Moonraker's API key; a trusted client needs none. Moonraker has no
approval flow: the operator copies the key from the host.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from printers.base import (AmbiguousOutcome, MachineConnection, PrinterRejected, PrinterState, PrinterStatus,
                           StartResult)
from printers.http import HostApi, describe, json_message

# Klippy's own state (webhooks.state) when it is not ready -> our canonical state
KLIPPY_STATES: dict[str, PrinterState] = {
    "startup": PrinterState.CONNECTING,
    "shutdown": PrinterState.ERROR,
    "error": PrinterState.ERROR,
    "disconnected": PrinterState.OFFLINE,
}
# print_stats.state of a ready Klippy -> our canonical state
PRINT_STATES: dict[str, PrinterState] = {
    "standby": PrinterState.READY,
    "printing": PrinterState.PRINTING,
    "paused": PrinterState.PAUSED,
    "complete": PrinterState.READY,
    "cancelled": PrinterState.READY,
    "error": PrinterState.READY,
}
# history statuses of a job that ended without finishing or being cancelled: the print was lost
LOST_IN_HISTORY = frozenset({"klippy_shutdown", "klippy_disconnect", "error", "interrupted", "server_exit"})
QUERY = ("/printer/objects/query?webhooks=state,state_message&print_stats=state,filename,message"
         "&virtual_sdcard=progress")


def status_from_objects(objects: dict[str, Any], last_job: dict[str, Any] | None = None) -> PrinterStatus:
    """A reading from Moonraker's printer objects (webhooks, print_stats, virtual_sdcard), and from the last job of
    its history when Klippy holds no file (`last_job`: what /server/history/list gave, None when not asked)."""
    klippy = str(objects["webhooks"]["state"])
    stats = objects.get("print_stats") or {}
    if klippy != "ready":
        state = KLIPPY_STATES.get(klippy, PrinterState.UNKNOWN)
        lost = state is PrinterState.ERROR   # a Klippy shutdown stops the motors and heaters: no print goes on
        return PrinterStatus(state, klippy, stats.get("filename") or None,
                             error=objects["webhooks"].get("state_message") or klippy if lost else None, print_lost=lost)
    printing = str(stats["state"])
    state = PRINT_STATES.get(printing, PrinterState.UNKNOWN)
    file_name = stats.get("filename") or None
    if file_name is None and last_job is not None and printing == "standby":
        return _from_history(last_job)
    completion = None
    if printing in ("printing", "paused"):
        completion = round(float(objects["virtual_sdcard"]["progress"]) * 100, 2)
    elif printing == "complete":
        completion = 100.0
    failed = printing == "error"
    return PrinterStatus(state, printing, file_name, completion,
                         error=(stats.get("message") or "print error") if failed else None, print_lost=failed)


def _from_history(job: dict[str, Any]) -> PrinterStatus:
    """Klippy restarted since: the last job as history tells it (finished, cancelled, or lost in the restart)."""
    outcome = str(job.get("status") or "")
    name = job.get("filename") or None
    if outcome == "completed":
        return PrinterStatus(PrinterState.READY, "standby", name, 100.0)
    if outcome in LOST_IN_HISTORY:
        return PrinterStatus(PrinterState.READY, outcome, name, error=f"the print ended with Klippy ({outcome})",
                             print_lost=True)
    return PrinterStatus(PrinterState.READY, "standby", name if outcome == "cancelled" else None)


class MoonrakerDriver:
    """One Klipper printer behind one Moonraker server."""

    def __init__(self, conn: MachineConnection, client: httpx.Client | None = None) -> None:
        self._api = HostApi("Moonraker", conn, client, _moonraker_error,
                            "copy Moonraker's API key (scripts/fetch-apikey.sh on the printer) or trust MakerNet's address")

    def upload_and_start(self, file_name: str, gcode: bytes, job_id: int) -> StartResult:
        """Upload `gcode` as `file_name` and start it; a name Moonraker has already is never overwritten."""
        if self._is_stored(file_name):
            return self.start_stored(file_name)   # an earlier attempt stored it
        response = self._api.call("POST", "/server/files/upload", data={"root": "gcodes", "print": "true"},
                                  files={"file": (file_name, gcode, "application/octet-stream")})
        try:
            answer = self._api.json(response, f"upload of {file_name}")
            stored_name = str(answer["item"]["path"])
            started = bool(answer["print_started"])
        except (ValueError, KeyError, TypeError) as exc:
            raise AmbiguousOutcome(f"{self._api.where} stored {file_name} but its answer does not say whether "
                                   "the print started") from exc
        if started:
            return StartResult(True, stored_name)
        return StartResult(False, stored_name, f"{stored_name} is stored on the printer but was not started: "
                                               f"printer is {describe(self.status())}")

    def start_stored(self, file_name: str) -> StartResult:
        """Start a file already on the host (after an ambiguous upload)."""
        if not self._is_stored(file_name):
            raise PrinterRejected(f"file {file_name} is not on the printer at {self._api.base_url}")
        # 400 is Klippy's refusal, e.g. "SD busy": the printer has other work
        return self._api.started_or_not(self._api.call("POST", f"/printer/print/start?filename={quote(file_name)}"),
                                        file_name, 400, self.status)

    def status(self) -> PrinterStatus:
        """Read Klippy's state, the print's file and progress; OFFLINE with `error` when that is impossible."""
        return self._api.reading(self._read)

    def _read(self) -> PrinterStatus:
        response = self._api.call("GET", QUERY)
        if response.status_code == 503:   # Moonraker is up, Klippy is not connected to it
            info = self._api.json(self._api.call("GET", "/server/info"), "server information")["result"]
            return status_from_objects({"webhooks": {"state": info["klippy_state"]}})
        objects = self._api.json(response, "status request")["result"]["status"]
        last_job = None
        if objects["webhooks"]["state"] == "ready" and objects["print_stats"]["state"] == "standby" \
                and not objects["print_stats"].get("filename"):
            jobs = self._api.json(self._api.call("GET", "/server/history/list?limit=1&order=desc"),
                                  "history request")["result"]["jobs"]
            last_job = jobs[0] if jobs else None
        return status_from_objects(objects, last_job)

    def cancel(self) -> None:
        """Cancel the running job; no error if nothing is running."""
        response = self._api.call("POST", "/printer/print/cancel")
        if response.status_code == 400 and not self.status().state.is_busy:
            return   # nothing was printing
        self._api.raise_for_failure(response, "cancel")

    def server_version(self) -> str:
        """Moonraker's version, e.g. "0.11.0": the "test connection" check (key included)."""
        return self._api.checked_version("/server/info", lambda answer: answer["result"]["moonraker_version"])

    def _is_stored(self, file_name: str) -> bool:
        """Whether Moonraker has a file of that name (asked of its metadata, 404 when it has none)."""
        response = self._api.call("GET", f"/server/files/metadata?filename={quote(file_name)}")
        if response.status_code == 404:
            return False
        try:
            return bool(self._api.json(response, f"look-up of {file_name}")["result"])
        except (ValueError, KeyError, TypeError) as exc:
            raise self._api.not_the_host() from exc


def _moonraker_error(response: httpx.Response) -> str | None:
    """Moonraker's own error message (never its traceback)."""
    return json_message(response, "error", "message")
