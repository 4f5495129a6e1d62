"""The shapes of what the fleet's use cases answer: a connection test, a printer taken out."""
from __future__ import annotations

from typing import Annotated, Literal, NotRequired

from pydantic import Field

from makernet.services.places.views import MachineView
from makernet.services.shapes import TypedDict
from printers.base import PrinterState


class PrinterReading(TypedDict):
    """What a printer's host says it is doing now."""

    state: Annotated[PrinterState, Field(description="the printer's state")]
    raw_state: Annotated[str, Field(description="the host's own words", examples=["Operational"])]
    file_name: Annotated[str | None, Field(description="the file selected or last printed")]
    completion: Annotated[float | None, Field(description="percent done; null when the host gives none")]
    error: Annotated[str | None, Field(description="why it is offline or in error")]
    print_lost: Annotated[bool, Field(description="the host said its printer dropped any print")]
    reason: Annotated[str | None, Field(description="which usual failure the error is")]


class ConnectionTest(TypedDict):
    """What a printer's host answered when asked directly (or, at a place with its own worker, its last reading)."""

    reachable: Annotated[bool, Field(description="the host answered")]
    version: Annotated[str | None, Field(description="the host software's version")]
    host: NotRequired[Annotated[str, Field(description="the host software: OctoPrint, Klipper (Moonraker), PrusaLink")]]
    detail: Annotated[str, Field(description="what went wrong, or what was read, in words")]
    status: Annotated[PrinterReading | None, Field(description="the printer's state now; null when not read")]
    code: NotRequired[Annotated[str | None, Field(description="the code of a usual failure, worded by the pages")]]
    reason: NotRequired[Annotated[str | None, Field(description="the usual failure met, if one was")]]


class RemovedMachine(MachineView):
    """A printer taken out of its place for good; its history is kept."""

    removed: Annotated[Literal[True], Field(description="always true")]
    plates_moved: Annotated[int, Field(ge=0, description="plates that waited for it, handed to the place's other "
                                                         "printers of the same profile", examples=[1])]
    moved_to: Annotated[list[str], Field(description="the printers that took them, by name",
                                         examples=[["Prusa 1"]])]
