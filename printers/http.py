"""What every network driver shares: one host's HTTP API under a bare address, in one error vocabulary.

Error policy, so callers can rely on it whatever the host:

* the host was reached and understood us but will not start now (printing, paused,
  disconnected from its printer) -> ``StartResult(started=False, detail=...)``, never an
  exception: "try later" is a normal answer for a printer;
* nothing was sent (refused, DNS, connect timeout) -> ``PrinterUnreachable``;
* the request may have arrived (read/write timeout, reset, 5xx, garbled answer to a
  start) -> ``AmbiguousOutcome``: read the printer before retrying;
* the host refused the request itself (bad key, missing file, 4xx) -> ``PrinterRejected``;
* ``status()`` never raises: whatever stops it reading the printer gives OFFLINE with
  ``error`` set. ``server_version()`` is the call that raises, for "test connection".

So that no address makes a driver probe a network: it fetches only its host's API paths under a bare
scheme://host[:port], follows no redirection, tells only what it understood and the host's own JSON
error message (never an unknown body), and says "cannot reach" of a refusing and a silent port alike.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx

from printers.base import (KEY_REFUSED, NOT_THE_HOST, AddressRefused, AmbiguousOutcome, MachineConnection, PrinterError,
                           PrinterRejected, PrinterState, PrinterStatus, PrinterUnreachable, StartResult, host_address)

# raw_state of a status the driver could not read from its host (never the host's words)
UNREACHABLE, REFUSED, UNREADABLE = "unreachable", "refused", "unreadable answer"
NOTHING_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol, httpx.InvalidURL)
VERSION = re.compile(r"[0-9][0-9A-Za-z.+_-]{0,39}")


class HostApi:
    """One host's HTTP API: calls under its bare address, failures turned into the drivers' errors."""

    def __init__(self, label: str, conn: MachineConnection, client: httpx.Client | None,
                 error_of: Callable[[httpx.Response], str | None], key_hint: str, digest_user: str | None = None) -> None:
        if not conn.url:
            raise PrinterError(f"this {label} machine has no URL configured")
        self.label, self.error_of, self.key_hint = label, error_of, key_hint
        try:
            self.base_url, self._refused = host_address(conn.url), None
        except AddressRefused as exc:   # stored before addresses were checked: each call is refused
            self.base_url, self._refused = "the printer address given", exc
        self.api_key = conn.api_key or ""
        # a host that answers the key with a digest challenge gets the key as this user's digest password
        self.digest = httpx.DigestAuth(digest_user, self.api_key) if digest_user and self.api_key else None
        self.timeout = conn.timeout
        # A shared client is the caller's to close; without one each call opens and closes
        # its own, so a driver never holds sockets between calls.
        self._client = client

    @property
    def where(self) -> str:
        """"OctoPrint at http://…", for messages."""
        return f"{self.label} at {self.base_url}"

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send one request with the key as X-Api-Key, again with HTTP digest if the host asks for that instead;
        turn transport failures into the driver's error vocabulary."""
        response = self._send(method, path, True, **kwargs)
        if response.status_code == 401 and self.digest is not None \
                and "digest" in response.headers.get("WWW-Authenticate", "").lower():
            response = self._send(method, path, False, auth=self.digest, **kwargs)
        return response

    def _send(self, method: str, path: str, key_header: bool, **kwargs: Any) -> httpx.Response:
        if self._refused is not None:
            raise self._refused
        # no key yet (onboarding, a trusted client): send none rather than an empty, invalid one
        headers = {"X-Api-Key": self.api_key} if self.api_key and key_header else {}
        headers.update(kwargs.pop("headers", {}))
        try:
            if self._client is not None:
                response = self._client.request(method, self.base_url + path, headers=headers,
                                                timeout=self.timeout, follow_redirects=False, **kwargs)
            else:
                with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
                    response = client.request(method, self.base_url + path, headers=headers, **kwargs)
        except NOTHING_SENT as exc:
            # refused, silent or unknown: the same words, so addresses cannot be told apart by them
            raise PrinterUnreachable(f"cannot reach {self.where}") from exc
        except httpx.TransportError as exc:
            raise AmbiguousOutcome(f"{self.where} did not answer {method} {path}; it may have acted on it") from exc
        if 300 <= response.status_code < 400:
            raise PrinterRejected(f"{self.base_url} redirects (HTTP {response.status_code}): not {self.label}'s answer",
                                  reason=NOT_THE_HOST)
        return response

    def raise_for_failure(self, response: httpx.Response, action: str) -> None:
        """Raise the matching PrinterError for any answer that is not 2xx."""
        code = response.status_code
        if code < 300:
            return
        if code in (401, 403):
            raise PrinterRejected(f"{self.where} refused the API key (HTTP {code}): {self.key_hint}",
                                  reason=KEY_REFUSED)
        said = f": {self.error_of(response)}" if self.error_of(response) else ""
        if code >= 500:
            raise AmbiguousOutcome(f"{self.where} failed during the {action} (HTTP {code}){said}")
        raise PrinterRejected(f"{self.where} rejected the {action} (HTTP {code}){said}")

    def started_or_not(self, response: httpx.Response, file_name: str, refusal: int, now: Callable[[], PrinterStatus],
                       missing: int = 404) -> StartResult:
        """What a host's answer to "start this stored file" means: started, not now (its `refusal` status: the
        printer's state and the host's words say why), or no such file (`missing`)."""
        if response.status_code == missing:
            raise PrinterRejected(f"file {file_name} is not on the printer at {self.base_url}")
        if response.status_code == refusal:
            said = self.error_of(response) or f"HTTP {refusal}"
            return StartResult(False, file_name, f"printer is {describe(now())} ({self.label}: {said})")
        self.raise_for_failure(response, f"start of {file_name}")
        return StartResult(True, file_name)

    def json(self, response: httpx.Response, action: str) -> Any:
        """The JSON of a 2xx answer (PrinterError otherwise; ValueError for a body that is no JSON)."""
        self.raise_for_failure(response, action)
        return response.json()

    def not_the_host(self) -> PrinterRejected:
        """The error for an answer that is not this host's."""
        return PrinterRejected(f"{self.base_url} does not answer like {self.label}", reason=NOT_THE_HOST)

    def version_of(self, text: object) -> str:
        """A version the host gave ("v0.11.0-12-g…" → "0.11.0-12-g…"), or not_the_host()."""
        version = str(text or "").removeprefix("v")
        if not VERSION.fullmatch(version):
            raise self.not_the_host()
        return version

    def reading(self, read: Callable[[], PrinterStatus]) -> PrinterStatus:
        """`read()`, or OFFLINE with `error` set when it cannot read the printer: a status never raises."""
        try:
            return read()
        except PrinterRejected as exc:
            return PrinterStatus(PrinterState.OFFLINE, REFUSED, error=str(exc), reason=exc.reason)
        except PrinterError as exc:
            return PrinterStatus(PrinterState.OFFLINE, UNREACHABLE, error=str(exc), reason=exc.reason)
        except (ValueError, TypeError, AttributeError, KeyError):
            return PrinterStatus(PrinterState.OFFLINE, UNREADABLE, reason=NOT_THE_HOST,
                                 error=f"{self.where} sent a status that is not {self.label}'s")

    def checked_version(self, path: str, pick: Callable[[Any], object]) -> str:
        """The host's version from `path` (the "test connection" check, key included): raises, never ambiguous."""
        response = self.call("GET", path)
        try:
            answer = self.json(response, "version request")
        except AmbiguousOutcome as exc:
            # Nothing to be ambiguous about for a read: the server is just not usable.
            raise PrinterUnreachable(str(exc)) from exc
        except ValueError:
            raise self.not_the_host() from None
        try:
            return self.version_of(pick(answer))
        except (KeyError, TypeError, AttributeError):
            raise self.not_the_host() from None


def describe(status: PrinterStatus) -> str:
    """Short wording of a status for messages, e.g. "Printing job-7.gcode"."""
    if status.raw_state in (UNREACHABLE, REFUSED, UNREADABLE):
        return f"not answering ({status.error})"
    if status.state.is_busy and status.file_name:
        return f"{status.raw_state} {status.file_name}"
    return status.raw_state or status.state.value


def json_message(response: httpx.Response, *path: str) -> str | None:
    """The host's own error message at `path` in its JSON answer (e.g. ("error",) or ("error", "message")); None
    for any other body, which is never repeated (it may be anything the address leads to)."""
    try:
        found: Any = response.json()
    except ValueError:
        return None
    for key in path:
        found = found.get(key) if isinstance(found, dict) else None
    return found.strip()[:200] or None if isinstance(found, str) else None
