"""OctoPrint driver: talks to one OctoPrint server over its REST API with httpx, in the error vocabulary
of printers.http (started or not, unreachable, ambiguous, rejected; a status never raises).
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx

from printers.base import (KEY_REQUEST_REFUSED, NO_APP_KEYS, AmbiguousOutcome, MachineConnection, PrinterRejected,
                           PrinterState, PrinterStatus, StartResult)
from printers.http import HostApi, describe, json_message

# OctoPrint's state text (octoprint.util.comm getStateString) -> our canonical state.
# Texts starting with "Error" are ERROR too (see state_from_text); anything else is UNKNOWN.
STATE_TABLE: dict[str, PrinterState] = {
    "Offline": PrinterState.OFFLINE,
    "Opening serial connection": PrinterState.CONNECTING,
    "Detecting serial connection": PrinterState.CONNECTING,
    "Detecting baudrate": PrinterState.CONNECTING,
    "Connecting": PrinterState.CONNECTING,
    "Operational": PrinterState.READY,
    "Starting": PrinterState.STARTING,
    "Starting print from SD": PrinterState.STARTING,
    "Starting to send file to SD": PrinterState.STARTING,
    "Sending file to SD": PrinterState.STARTING,
    # Copying a file to the SD card: busy but not printing; STARTING keeps jobs away.
    "Transferring file to SD": PrinterState.STARTING,
    "Printing": PrinterState.PRINTING,
    "Printing from SD": PrinterState.PRINTING,
    # Resuming a paused job lasts a moment and ends in Printing.
    "Resuming": PrinterState.PRINTING,
    "Pausing": PrinterState.PAUSING,
    "Paused": PrinterState.PAUSED,
    "Finishing": PrinterState.FINISHING,
    "Cancelling": PrinterState.CANCELLING,
    "Offline after error": PrinterState.ERROR,
    "Error": PrinterState.ERROR,
}


def state_from_text(text: str) -> PrinterState:
    """Map OctoPrint's state wording to a PrinterState."""
    if text in STATE_TABLE:
        return STATE_TABLE[text]
    if text.startswith("Error"):
        return PrinterState.ERROR
    return PrinterState.UNKNOWN


class OctoPrintDriver:
    """One printer behind one OctoPrint server."""

    def __init__(self, conn: MachineConnection, client: httpx.Client | None = None) -> None:
        self._api = HostApi("OctoPrint", conn, client, _octoprint_error,
                            "check the application key for this printer")
        self._base_url = self._api.base_url

    def upload_and_start(self, file_name: str, gcode: bytes, job_id: int) -> StartResult:
        """Upload `gcode` as `file_name` (never overwriting) and start it; confirm it really started."""
        response = self._call("POST", "/api/files/local",
                              files={"file": (file_name, gcode, "application/octet-stream")},
                              data={"select": "true", "print": "true", "noOverwrite": "true",
                                    "userdata": json.dumps({"makernet_job": job_id})})
        if response.status_code == 409 and "already exists" in (_octoprint_error(response) or ""):
            # An earlier attempt (maybe an ambiguous one) stored it: start that copy.
            return self.start_stored(file_name)
        if response.status_code == 409:
            # "currently being printed": this very file is running, maybe from an earlier try.
            return self._api.started_or_not(response, file_name, 409, self.status)
        self._raise_for_failure(response, f"upload of {file_name}")
        return self._confirm_upload_start(file_name, response)

    def start_stored(self, file_name: str) -> StartResult:
        """Select and start a file already on the host (after an ambiguous upload)."""
        response = self._call("POST", f"/api/files/local/{quote(file_name)}",
                              json={"command": "select", "print": True})
        if response.status_code in (204, 404, 409):   # started, no such file, or not now
            # OctoPrint says "already printing" even when the printer is merely disconnected: its state says why
            return self._api.started_or_not(response, file_name, 409, self.status)
        self._raise_for_failure(response, f"start of {file_name}")
        raise AmbiguousOutcome(f"OctoPrint at {self._base_url} answered HTTP "
                               f"{response.status_code} to the start of {file_name}")

    def status(self) -> PrinterStatus:
        """Read state, current file and progress; OFFLINE with `error` when that is impossible."""
        return self._api.reading(lambda: _status_from_job(self._api.json(self._call("GET", "/api/job"),
                                                                          "status request")))

    def cancel(self) -> None:
        """Cancel the running job; no error if nothing is running."""
        response = self._call("POST", "/api/job", json={"command": "cancel"})
        # 409 means idle or not operational: either way nothing is printing.
        if response.status_code not in (204, 409):
            self._raise_for_failure(response, "cancel")

    def server_version(self) -> str:
        """OctoPrint's version, e.g. "1.11.8": the "test connection" check (key included)."""
        return self._api.checked_version("/api/version", lambda answer: answer["server"])

    def request_app_key(self, app_name: str, user: str | None = None) -> str:
        """Start OctoPrint's Application Keys flow; returns the token to poll the decision with."""
        probe = self._call("GET", "/plugin/appkeys/probe")
        if probe.status_code != 204:
            raise PrinterRejected(f"OctoPrint at {self._base_url} does not offer application keys (HTTP "
                                  f"{probe.status_code}): create one in OctoPrint, give it when connecting the printer",
                                  reason=NO_APP_KEYS)
        body = {"app": app_name, **({"user": user} if user else {})}
        response = self._call("POST", "/plugin/appkeys/request", json=body)
        if response.status_code == 429:
            raise PrinterRejected(f"OctoPrint at {self._base_url} refuses more key requests for now: "
                                  "try again in a few minutes")
        self._raise_for_failure(response, "application key request")
        return self._field(response, "app_token")

    def poll_app_key(self, app_token: str) -> str | None:
        """The key once the user approved in OctoPrint, None while undecided.

        Raises PrinterRejected when the request was refused or expired (OctoPrint
        forgets a request nobody polled for 5 s).
        """
        response = self._call("GET", f"/plugin/appkeys/request/{quote(app_token)}")
        if response.status_code == 202:
            return None
        if response.status_code == 404:
            raise PrinterRejected("the key request was refused in OctoPrint, or it expired", reason=KEY_REQUEST_REFUSED)
        self._raise_for_failure(response, "key decision poll")
        return self._field(response, "api_key")

    def _field(self, response: httpx.Response, name: str) -> str:
        """One field of OctoPrint's JSON answer; an answer without it is not OctoPrint's."""
        try:
            return str(response.json()[name])
        except (ValueError, KeyError, TypeError) as exc:
            raise self._api.not_the_host() from exc

    def _confirm_upload_start(self, file_name: str, response: httpx.Response) -> StartResult:
        """Read effectiveSelect/effectivePrint: OctoPrint answers 201 even when it starts nothing."""
        try:
            answer = response.json()
            stored_name = answer.get("files", {}).get("local", {}).get("path") or file_name
            effective_select = bool(answer["effectiveSelect"])
            effective_print = bool(answer["effectivePrint"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise AmbiguousOutcome(f"OctoPrint at {self._base_url} stored {file_name} but its "
                                   "answer does not say whether the print started") from exc
        if effective_print and effective_select:
            return StartResult(True, stored_name)
        current = self.status()
        detail = (f"{stored_name} is stored on the printer but was not started: "
                  f"printer is {describe(current)}")
        if current.state is PrinterState.READY:
            # An idle printer that still did not start: OctoPrint silently drops the start
            # when the key's user lacks the Print or File select permission.
            detail += "; check that this API key's user may select files and print"
        return StartResult(False, stored_name, detail)

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self._api.call(method, path, **kwargs)

    def _raise_for_failure(self, response: httpx.Response, action: str) -> None:
        self._api.raise_for_failure(response, action)


# OctoPrint's own words for a printer that lost its serial link: the print is over
# (a reconnection never resumes it)
PRINT_LOST_STATES = ("Offline", "Error")


def _status_from_job(answer: dict[str, Any]) -> PrinterStatus:
    """Build a PrinterStatus from a GET /api/job answer."""
    raw_state = str(answer.get("state") or "")
    state = state_from_text(raw_state)
    job_file = (answer.get("job") or {}).get("file") or {}
    completion = (answer.get("progress") or {}).get("completion")
    error = str(answer["error"]) if answer.get("error") else None
    if state is PrinterState.ERROR and not error:
        error = raw_state
    return PrinterStatus(state=state, raw_state=raw_state, file_name=job_file.get("name"),
                         completion=float(completion) if completion is not None else None,
                         error=error, print_lost=raw_state.startswith(PRINT_LOST_STATES))


def _octoprint_error(response: httpx.Response) -> str | None:
    """OctoPrint's own error message, the `error` of its JSON answer."""
    return json_message(response, "error")
