"""The driver interface every machine host implements, and the canonical printer state."""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol


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


@dataclass(frozen=True)
class MachineConnection:
    """What a driver needs to reach one machine: plain values, safe to put in a task message."""

    driver: str                  # "octoprint" or "manual"
    url: str | None = None       # e.g. "http://10.0.0.12:5000"
    api_key: str | None = None
    timeout: float = 10.0        # seconds for each HTTP call


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


@dataclass(frozen=True)
class StartResult:
    """Outcome of asking the machine to start a file."""

    started: bool                # True only when the host confirmed the print actually started
    file_name: str               # name the file has on the host
    detail: str = ""             # readable explanation when started is False


class PrinterError(Exception):
    """Base of every driver error; the message is readable by an operator."""


class PrinterUnreachable(PrinterError):
    """Connection refused, DNS failure, or the host is down. Nothing was sent."""


class PrinterBusy(PrinterError):
    """The printer is printing or not operational and refused the start."""


class PrinterRejected(PrinterError):
    """The host refused the request (bad key, 4xx); retrying unchanged will not help."""


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
