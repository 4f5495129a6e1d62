"""OctoPrint driver: talks to one OctoPrint server over its REST API with httpx.

Error policy, so callers can rely on it:

* the host was reached and understood us but will not start now (printing, paused,
  disconnected from its printer) -> ``StartResult(started=False, detail=...)``, never an
  exception: "try later" is a normal answer for a printer;
* nothing was sent (refused, DNS, connect timeout) -> ``PrinterUnreachable``;
* the request may have arrived (read/write timeout, reset, 5xx, garbled answer to a
  start) -> ``AmbiguousOutcome``: read ``status().file_name`` before retrying;
* the host refused the request itself (bad API key, missing file, 4xx) -> ``PrinterRejected``;
* ``status()`` never raises: whatever stops it reading the printer gives OFFLINE with
  ``error`` set. ``server_version()`` is the call that raises, for "test connection".

So that no address makes it probe a network: it fetches only OctoPrint's API paths under a bare
scheme://host[:port], follows no redirection, tells only what it understood and OctoPrint's JSON
``error`` (never an unknown body), and says "cannot reach" of a refusing and a silent port alike.
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import httpx

from printers.base import (KEY_REFUSED, KEY_REQUEST_REFUSED, NO_APP_KEYS, NOT_THE_HOST, AddressRefused, AmbiguousOutcome,
                           MachineConnection, PrinterError, PrinterRejected, PrinterState, PrinterStatus,
                           PrinterUnreachable, StartResult, host_address)

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

# raw_state of a status the driver could not read from OctoPrint (never OctoPrint's words).
_UNREACHABLE, _REFUSED, _UNREADABLE = "unreachable", "refused", "unreadable answer"

_NOTHING_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout,
                 httpx.UnsupportedProtocol, httpx.InvalidURL)
_VERSION = re.compile(r"[0-9][0-9A-Za-z.+_-]{0,39}")


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
        if not conn.url:
            raise PrinterError("this OctoPrint machine has no URL configured")
        try:
            self._base_url, self._refused = host_address(conn.url), None
        except AddressRefused as exc:   # stored before addresses were checked: each call is refused
            self._base_url, self._refused = "the printer address given", exc
        self._api_key = conn.api_key or ""
        self._timeout = conn.timeout
        # A shared client is the caller's to close; without one each call opens and closes
        # its own, so a driver never holds sockets between calls.
        self._client = client

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
            return StartResult(False, file_name, self._not_started_detail(response))
        self._raise_for_failure(response, f"upload of {file_name}")
        return self._confirm_upload_start(file_name, response)

    def start_stored(self, file_name: str) -> StartResult:
        """Select and start a file already on the host (after an ambiguous upload)."""
        response = self._call("POST", f"/api/files/local/{quote(file_name)}",
                              json={"command": "select", "print": True})
        if response.status_code == 204:
            return StartResult(True, file_name)
        if response.status_code == 409:
            return StartResult(False, file_name, self._not_started_detail(response))
        if response.status_code == 404:
            raise PrinterRejected(f"file {file_name} is not on the printer at {self._base_url}")
        self._raise_for_failure(response, f"start of {file_name}")
        raise AmbiguousOutcome(f"OctoPrint at {self._base_url} answered HTTP "
                               f"{response.status_code} to the start of {file_name}")

    def status(self) -> PrinterStatus:
        """Read state, current file and progress; OFFLINE with `error` when that is impossible."""
        try:
            response = self._call("GET", "/api/job")
            self._raise_for_failure(response, "status request")
            answer = response.json()
            return _status_from_job(answer)
        except PrinterRejected as exc:
            return PrinterStatus(PrinterState.OFFLINE, _REFUSED, error=str(exc), reason=exc.reason)
        except PrinterError as exc:
            return PrinterStatus(PrinterState.OFFLINE, _UNREACHABLE, error=str(exc), reason=exc.reason)
        except (ValueError, TypeError, AttributeError):
            return PrinterStatus(PrinterState.OFFLINE, _UNREADABLE, error=(
                f"OctoPrint at {self._base_url} sent a status that is not OctoPrint's job JSON"), reason=NOT_THE_HOST)

    def cancel(self) -> None:
        """Cancel the running job; no error if nothing is running."""
        response = self._call("POST", "/api/job", json={"command": "cancel"})
        # 409 means idle or not operational: either way nothing is printing.
        if response.status_code not in (204, 409):
            self._raise_for_failure(response, "cancel")

    def server_version(self) -> str:
        """OctoPrint's version, e.g. "1.11.8": the "test connection" check (key included)."""
        response = self._call("GET", "/api/version")
        try:
            self._raise_for_failure(response, "version request")
        except AmbiguousOutcome as exc:
            # Nothing to be ambiguous about for a read: the server is just not usable.
            raise PrinterUnreachable(str(exc)) from exc
        version = self._field(response, "server")
        if not _VERSION.fullmatch(version):
            raise PrinterRejected(f"{self._base_url} does not answer like OctoPrint", reason=NOT_THE_HOST)
        return version

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
            raise PrinterRejected(f"{self._base_url} does not answer like OctoPrint", reason=NOT_THE_HOST) from exc

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
                  f"printer is {_describe(current)}")
        if current.state is PrinterState.READY:
            # An idle printer that still did not start: OctoPrint silently drops the start
            # when the key's user lacks the Print or File select permission.
            detail += "; check that this API key's user may select files and print"
        return StartResult(False, stored_name, detail)

    def _not_started_detail(self, response: httpx.Response) -> str:
        """Explain a 409 in the printer's own current terms, not OctoPrint's sometimes wrong text."""
        # OctoPrint says "already printing" even when the printer is merely disconnected.
        current = self.status()
        return f"printer is {_describe(current)} (OctoPrint: {_octoprint_error(response) or 'HTTP 409'})"

    def _call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send one request; turn transport failures into the driver's error vocabulary."""
        if self._refused is not None:
            raise self._refused
        # no key yet (onboarding): send none rather than an empty, invalid one
        headers = {"X-Api-Key": self._api_key} if self._api_key else {}
        try:
            if self._client is not None:
                response = self._client.request(method, self._base_url + path, headers=headers,
                                                timeout=self._timeout, follow_redirects=False, **kwargs)
            else:
                with httpx.Client(timeout=self._timeout, follow_redirects=False) as client:
                    response = client.request(method, self._base_url + path, headers=headers, **kwargs)
        except _NOTHING_SENT as exc:
            # refused, silent or unknown: the same words, so addresses cannot be told apart by them
            raise PrinterUnreachable(f"cannot reach OctoPrint at {self._base_url}") from exc
        except httpx.TransportError as exc:
            raise AmbiguousOutcome(f"OctoPrint at {self._base_url} did not answer {method} {path}; "
                                   "it may have acted on it") from exc
        if 300 <= response.status_code < 400:
            raise PrinterRejected(f"{self._base_url} redirects (HTTP {response.status_code}): not an OctoPrint answer",
                                  reason=NOT_THE_HOST)
        return response

    def _raise_for_failure(self, response: httpx.Response, action: str) -> None:
        """Raise the matching PrinterError for any answer that is not 2xx."""
        code = response.status_code
        if code < 300:
            return
        if code in (401, 403):
            raise PrinterRejected(f"OctoPrint at {self._base_url} refused the API key (HTTP {code}): "
                                  "check the application key for this printer", reason=KEY_REFUSED)
        said = f": {_octoprint_error(response)}" if _octoprint_error(response) else ""
        if code >= 500:
            raise AmbiguousOutcome(f"OctoPrint at {self._base_url} failed during the {action} (HTTP {code}){said}")
        raise PrinterRejected(f"OctoPrint at {self._base_url} rejected the {action} (HTTP {code}){said}")


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


def _describe(status: PrinterStatus) -> str:
    """Short wording of a status for messages, e.g. "Printing job-7.gcode"."""
    if status.raw_state in (_UNREACHABLE, _REFUSED, _UNREADABLE):
        return f"not answering ({status.error})"
    if status.state.is_busy and status.file_name:
        return f"{status.raw_state} {status.file_name}"
    return status.raw_state or status.state.value


def _octoprint_error(response: httpx.Response) -> str | None:
    """OctoPrint's own error message, the `error` of its JSON answer; None for any other body,
    which is never repeated (it may be anything the address leads to)."""
    try:
        answer = response.json()
    except ValueError:
        return None
    error = answer.get("error") if isinstance(answer, dict) else None
    return error.strip()[:200] or None if isinstance(error, str) else None
