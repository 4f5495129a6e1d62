"""Manual work centres (sewing, laser cutting, assembly): people, not a host, do the work."""
from __future__ import annotations

import httpx

from printers.base import MachineConnection, PrinterState, PrinterStatus, StartResult

MANUAL_START_DETAIL = "manual work centre: operator reports counts"


class ManualDriver:
    """A work centre with no host to call: always ready, starts are handed to the operator."""

    def __init__(self, conn: MachineConnection | None = None,
                 client: httpx.Client | None = None) -> None:
        # Same constructor shape as network drivers so the registry can build any of them.
        self._conn = conn

    def upload_and_start(self, file_name: str, gcode: bytes, job_id: int) -> StartResult:
        """Accept the job at once: the operator does it and reports counts."""
        return StartResult(started=True, file_name=file_name, detail=MANUAL_START_DETAIL)

    def start_stored(self, file_name: str) -> StartResult:
        """Same as a fresh start: there is no stored file to look up."""
        return StartResult(started=True, file_name=file_name, detail=MANUAL_START_DETAIL)

    def status(self) -> PrinterStatus:
        """Always READY; progress is whatever the operator reports elsewhere."""
        return PrinterStatus(state=PrinterState.READY, raw_state="manual")

    def cancel(self) -> None:
        """Nothing to stop remotely: the operator is told through the app."""

    def server_version(self) -> str | None:
        """No host, no version."""
        return None
