"""PrusaLink driver: one Prusa printer (MK4, Core One, XL, MK3 with PrusaLink) through PrusaLink's v1 API, in the
error vocabulary of printers.http. PrusaLink has no push: its printers are polled.

PrusaLink refuses to overwrite a stored file (409) and to start a print unless the printer is idle: an upload that
finds the plate's file already there starts that copy, and a start while anything runs is refused, so a plate is
never started twice. Its v1 job disappears the moment a print ends (FINISHED or STOPPED shows for some seconds, then
IDLE): the name of the last file comes from its OctoPrint-compatible /api/job, which keeps it. The key is sent as
X-Api-Key; a printer that asks for HTTP digest instead (Prusa's own firmware) gets it, as user "maker".
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from printers.base import MachineConnection, PrinterState, PrinterStatus, StartResult
from printers.http import HostApi, describe, json_message

# printer.state of /api/v1/status -> our canonical state
STATES: dict[str, PrinterState] = {
    "IDLE": PrinterState.READY,
    "READY": PrinterState.READY,
    "BUSY": PrinterState.STARTING,       # the printer works on something of its own (a calibration, a menu move)
    "PRINTING": PrinterState.PRINTING,
    "PAUSED": PrinterState.PAUSED,
    "ATTENTION": PrinterState.PAUSED,    # waits for someone at the printer (filament runout…): the print goes on after
    "FINISHED": PrinterState.READY,
    "STOPPED": PrinterState.READY,
    "ERROR": PrinterState.ERROR,
}
DIGEST_USER = "maker"


def status_from(status: dict[str, Any], last_file: str | None) -> PrinterStatus:
    """A reading from /api/v1/status and the name of the printer's current or last file (/api/job)."""
    printer = status["printer"]
    raw = str(printer["state"])
    state = STATES.get(raw, PrinterState.UNKNOWN)
    progress = (status.get("job") or {}).get("progress")
    completion = {"PRINTING": progress, "PAUSED": progress, "ATTENTION": progress, "FINISHED": 100.0}.get(raw)
    error = (printer.get("status_printer") or {}).get("message") or raw if state is PrinterState.ERROR else None
    return PrinterStatus(state, raw, last_file or None, float(completion) if completion is not None else None,
                         error=error, print_lost=state is PrinterState.ERROR)


class PrusaLinkDriver:
    """One Prusa printer behind its PrusaLink."""

    def __init__(self, conn: MachineConnection, client: httpx.Client | None = None) -> None:
        self._api = HostApi("PrusaLink", conn, client, _prusalink_error,
                            "copy the API key from the printer (Settings › Network › PrusaLink) or PrusaLink's page",
                            digest_user=DIGEST_USER)

    def upload_and_start(self, file_name: str, gcode: bytes, job_id: int) -> StartResult:
        """Upload `gcode` as `file_name` and print it; a name PrusaLink has already is started, never overwritten."""
        response = self._api.call("PUT", _file_path(file_name), content=gcode,
                              headers={"Content-Type": "text/x.gcode", "Print-After-Upload": "?1"})
        if response.status_code == 409:   # "File Already Exists": an earlier attempt stored it
            return self.start_stored(file_name)
        self._api.raise_for_failure(response, f"upload of {file_name}")
        # PrusaLink starts the print after answering: read whether it did
        now = self.status()
        if now.file_name == file_name and now.state.is_busy:
            return StartResult(True, file_name)
        return StartResult(False, file_name, f"{file_name} is stored on the printer but was not started: "
                                             f"printer is {describe(now)}")

    def start_stored(self, file_name: str) -> StartResult:
        """Print a file already on the host; refused by PrusaLink unless the printer is idle."""
        # 409 "Not in state to print": something runs, or the last print has just ended
        return self._api.started_or_not(self._api.call("POST", _file_path(file_name)), file_name, 409, self.status)

    def status(self) -> PrinterStatus:
        """Read the printer's state, its file and progress; OFFLINE with `error` when that is impossible."""
        return self._api.reading(self._read)

    def _read(self) -> PrinterStatus:
        status = self._api.json(self._api.call("GET", "/api/v1/status"), "status request")
        legacy = self._api.call("GET", "/api/job")
        last_file = ((self._api.json(legacy, "job request").get("job") or {}).get("file") or {}).get("name") \
            if legacy.status_code == 200 else None
        return status_from(status, last_file)

    def cancel(self) -> None:
        """Stop the running job; no error if nothing is running."""
        job = self._api.json(self._api.call("GET", "/api/v1/status"), "status request").get("job") or {}
        if "id" not in job:
            return
        response = self._api.call("DELETE", f"/api/v1/job/{int(job['id'])}")
        if response.status_code not in (404, 409):   # 404: another job by now, 409: nothing runs: either way stopped
            self._api.raise_for_failure(response, "stop")

    def server_version(self) -> str:
        """PrusaLink's version, e.g. "0.8.1": the "test connection" check (key included)."""
        return self._api.checked_version("/api/version", lambda answer: answer["server"])


def _file_path(file_name: str) -> str:
    """Where PrusaLink keeps a plate's file: its own storage, "local"."""
    return f"/api/v1/files/local/{quote(file_name)}"


def _prusalink_error(response: httpx.Response) -> str | None:
    """PrusaLink's own message: the `message` of its JSON error, or its short plain-text one."""
    said = json_message(response, "message")
    if said is None and response.headers.get("Content-Type", "").startswith("text/plain") and len(response.text) < 120:
        said = response.text.strip() or None
    return said
