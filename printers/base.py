"""The driver interface every machine host implements, and the canonical printer state."""
from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit


class PrinterState(str, enum.Enum):
    """One canonical machine state, whatever the host software calls it."""

    OFFLINE = "offline"          # host unreachable, or printer disconnected from its host
    CONNECTING = "connecting"    # host is opening the serial connection
    READY = "ready"              # connected and idle: can take a job
    STARTING = "starting"
    PRINTING = "printing"
    PAUSING = "pausing"
    PAUSED = "paused"
    FINISHING = "finishing"
    CANCELLING = "cancelling"
    ERROR = "error"              # host reports an error state ("Offline after error", "Error")
    UNKNOWN = "unknown"          # host answered with a state we do not know

    @property
    def is_busy(self) -> bool:
        """A job is running or winding down on the machine."""
        return self in _BUSY

    @property
    def is_reachable(self) -> bool:
        """The host answered and the printer is connected to it."""
        return self not in (PrinterState.OFFLINE, PrinterState.ERROR, PrinterState.UNKNOWN)


_BUSY = frozenset({PrinterState.STARTING, PrinterState.PRINTING, PrinterState.PAUSING,
                   PrinterState.PAUSED, PrinterState.FINISHING, PrinterState.CANCELLING})


class Capability(str, enum.Enum):
    """What a driver can do; services ask for a capability, never for a driver by name."""

    START = "start"              # upload a plate and start it, then say whether it really started
    CANCEL = "cancel"            # stop the running job
    STATUS = "status"            # read state, current file and progress (else counts are reported by hand)
    PUSH = "push"                # push events trigger an immediate reading
    ONBOARDING = "onboarding"    # asks its host for a key that the operator approves there


@dataclass(frozen=True)
class Setting:
    """One connection setting a driver needs, as a form or an API body shows it."""

    name: str                    # key in the machine's driver settings ("api_key"), or "address"
    label: str                   # French, as the place page shows it
    kind: str = "text"           # "url" or "text"
    required: bool = False
    secret: bool = False         # sealed at rest, never shown back


@dataclass(frozen=True)
class MachineConnection:
    """What a driver needs to reach one machine: plain values, safe to put in a task message."""

    driver: str                  # a registered driver name
    url: str | None = None       # the host's address, e.g. "http://10.0.0.12:5000"
    api_key: str | None = None   # the driver's credential setting, revealed
    timeout: float = 10.0        # seconds for each network call
    settings: Mapping[str, str] = field(default_factory=dict)  # the driver's other settings


@dataclass(frozen=True)
class PrinterStatus:
    """What the machine reports now."""

    state: PrinterState
    raw_state: str               # the host's own wording, e.g. "Offline after error"
    file_name: str | None = None  # file currently selected / last printed, as the host names it
    completion: float | None = None  # 0–100, None when the host gives none (idle, after cancel)
    error: str | None = None     # readable reason when state is OFFLINE/ERROR
    print_lost: bool = False     # the host answered: its printer dropped any print (link lost, error);
                                 # an unreachable host says nothing of the kind: the print may go on
    reason: str | None = None    # which usual failure `error` is (a REASONS word), for callers to word it


@dataclass(frozen=True)
class StartResult:
    """Outcome of asking the machine to start a file."""

    started: bool                # True only when the host confirmed the print actually started
    file_name: str               # name the file has on the host
    detail: str = ""             # readable explanation when started is False


# The usual failures, by a word callers turn into their users' language (the message stays for the logs).
# A refused port, a silent one and a name that resolves to nothing are one failure, "unreachable", on
# purpose: told apart, they would let a printer address probe a network.
UNREACHABLE, KEY_REFUSED, NO_APP_KEYS, KEY_REQUEST_REFUSED, NOT_THE_HOST = (
    "unreachable", "key_refused", "no_app_keys", "key_request_refused", "not_the_host")


class PrinterError(Exception):
    """Base of every driver error; the message is readable by an operator, `reason` names a usual failure."""

    reason: str | None = None

    def __init__(self, message: str = "", *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class PrinterUnreachable(PrinterError):
    """Connection refused, DNS failure, or the host is down. Nothing was sent."""

    reason = UNREACHABLE


class PrinterBusy(PrinterError):
    """The printer is printing or not operational and refused the start."""


class PrinterRejected(PrinterError):
    """The host refused the request (bad key, 4xx); retrying unchanged will not help."""


class AddressRefused(PrinterRejected):
    """The host address is more, or less, than scheme://host[:port]: nothing was sent."""

    def __init__(self, message: str, *, beyond_host: bool) -> None:
        super().__init__(message)
        self.beyond_host = beyond_host   # a path, query, fragment or credentials, not a malformed host


# a host name, an IPv4 address or (from inside brackets) an IPv6 address: nothing that could carry a path
_HOST = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?|[0-9a-f:.]+")


def host_address(url: str) -> str:
    """A printer host's address as "scheme://host[:port]" (http or https, lower case), else AddressRefused:
    a path, query or credentials would let whoever types the address choose what the driver fetches."""
    try:
        parts = urlsplit(url.strip())
        port_ok = parts.port is None or parts.port > 0
    except ValueError:   # a bracket left open, a port that is no number
        raise AddressRefused("a printer address is http(s)://host[:port]", beyond_host=False) from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AddressRefused("a printer address is http(s)://host[:port]", beyond_host=False)
    if parts.path not in ("", "/") or "?" in url or "#" in url or "@" in parts.netloc or "\\" in url:
        raise AddressRefused("a printer address is scheme://host[:port] only: no path, query or credentials",
                             beyond_host=True)
    if not port_ok or not _HOST.fullmatch(parts.hostname or ""):
        raise AddressRefused("a printer address is http(s)://host[:port]", beyond_host=False)
    return f"{parts.scheme}://{parts.netloc.lower()}"


class AmbiguousOutcome(PrinterError):
    """The request may or may not have reached the host (timeout, reset mid-call):
    read the printer's state before retrying."""


class Driver(Protocol):
    """A machine host: OctoPrint today, others later."""

    def upload_and_start(self, file_name: str, gcode: bytes, job_id: int) -> StartResult:
        """Upload `gcode` as `file_name` (never overwriting) and start it; confirm it really started."""

    def start_stored(self, file_name: str) -> StartResult:
        """Select and start a file already on the host (after an ambiguous upload)."""

    def status(self) -> PrinterStatus:
        """Read state, current file and progress. Never raises for an unreachable host:
        returns state OFFLINE with `error` set."""

    def cancel(self) -> None:
        """Cancel the running job; no error if nothing is running."""

    def server_version(self) -> str | None:
        """The host software's version, asked directly (the "test connection" check); None without a host."""


class KeyOnboarding(Protocol):
    """A driver with Capability.ONBOARDING: its host hands out a key the operator approves there."""

    def request_app_key(self, app_name: str, user: str | None = None) -> str:
        """Ask the host for a key; returns the token to poll the decision with."""

    def poll_app_key(self, app_token: str) -> str | None:
        """The key once approved, None while undecided; PrinterRejected once refused or expired."""
