"""Fakes at the ports: the task queue and a printer driver."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from printers.base import Capability, Setting, MachineConnection, PrinterError, PrinterState, PrinterStatus, StartResult
from printers.registry import register


class RecordingQueue:
    """A task queue that records what use cases post."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, tuple]] = []
        self.queues: list[str | None] = []

    def enqueue(self, task_name: str, *args: object, queue: str | None = None,
                expires: float | None = None) -> None:
        """Record the task instead of sending it."""
        self.sent.append((task_name, args))
        self.queues.append(queue)

    def waiting(self, queues: Sequence[str] = ()) -> dict[str, int] | None:
        """What the broker would count: the recorded tasks of each queue (the central one is "makernet")."""
        names = ["makernet" if queue is None else queue for queue in self.queues]
        return {queue: names.count(queue) for queue in ("makernet", *queues)}

    def take(self, task_name: str) -> list[tuple]:
        """The argument tuples of every recorded task of that name, forgetting them."""
        found = [args for name, args in self.sent if name == task_name]
        self.sent = [(name, args) for name, args in self.sent if name != task_name]
        return found


@dataclass
class FakePrinter:
    """One printer's behaviour, scripted by a test."""

    state: PrinterState = PrinterState.READY
    raw_state: str = "Operational"
    file_name: str | None = None
    completion: float | None = None
    start_error: PrinterError | None = None
    refuse_start: bool = False
    version_error: PrinterError | None = None   # what the connection test's first read raises, when set
    uploads: list[str] = field(default_factory=list)
    reads: int = 0               # times a driver asked it what it is doing: 0 means never contacted

    def finish(self) -> None:
        """The print ends well."""
        self.state, self.raw_state, self.completion = PrinterState.READY, "Operational", 100.0


PRINTERS: dict[str, FakePrinter] = {}


@register("fake", label="Imprimante de test",
          capabilities=(Capability.START, Capability.CANCEL, Capability.STATUS),
          settings=(Setting("address", "Adresse", "url", required=True), Setting("api_key", "Clé", secret=True)))
class FakeDriver:
    """A driver reading and writing a FakePrinter named by the machine's URL."""

    def __init__(self, conn: MachineConnection, client: object | None = None) -> None:
        self.printer = PRINTERS[conn.url or ""]

    def upload_and_start(self, file_name: str, gcode: bytes, job_id: int) -> StartResult:
        """Record the upload and start it, unless the script says otherwise."""
        if self.printer.start_error is not None:
            error, self.printer.start_error = self.printer.start_error, None
            raise error
        if self.printer.refuse_start or self.printer.state.is_busy:
            return StartResult(False, file_name, "printer busy")
        self.printer.uploads.append(file_name)
        self.printer.file_name, self.printer.completion = file_name, 0.0
        self.printer.state, self.printer.raw_state = PrinterState.PRINTING, "Printing"
        return StartResult(True, file_name)

    def start_stored(self, file_name: str) -> StartResult:
        """Start a file already uploaded."""
        return self.upload_and_start(file_name, b"", 0)

    def server_version(self) -> str:
        """What the connection test reads first: the host's version."""
        if self.printer.version_error is not None:
            raise self.printer.version_error
        return "1.11.8"

    def status(self) -> PrinterStatus:
        """What the script says the printer shows."""
        p = self.printer
        p.reads += 1
        return PrinterStatus(p.state, p.raw_state, p.file_name, p.completion,
                             print_lost=p.raw_state.startswith(("Offline", "Error")))  # as OctoPrint words it

    def cancel(self) -> None:
        """Stop printing."""
        self.printer.state, self.printer.raw_state, self.printer.completion = PrinterState.READY, "Operational", None
