"""Plates: how an accepted quantity becomes print jobs."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True)
class PlatePlan:
    """One plate to print on one machine."""

    machine_id: int
    units: int
    sequence: int


def split_into_plates(quantity: int, units_per_plate: int, machine_ids: list[int]) -> list[PlatePlan]:
    """Cut a quantity into full plates (the last one partial), spread round-robin over machines."""
    if quantity <= 0:
        return []
    if units_per_plate <= 0:
        raise ValueError("units_per_plate must be positive")
    if not machine_ids:
        raise ValueError("no machine to print on")
    plates = []
    remaining, sequence = quantity, 0
    while remaining > 0:
        units = min(units_per_plate, remaining)
        plates.append(PlatePlan(machine_ids[sequence % len(machine_ids)], units, sequence + 1))
        remaining -= units
        sequence += 1
    return plates


def upload_name(job_id: int, item_code: str) -> str:
    """The unique file name a plate has on its printer: it carries the job id."""
    safe = "".join(ch if ch.isalnum() else "-" for ch in item_code.lower()).strip("-") or "plate"
    return f"makernet-job-{job_id}-{safe}.gcode"


def job_id_from_file_name(name: str | None) -> int | None:
    """Read back the job id a printer reports in its current file name."""
    if not name or not name.startswith("makernet-job-"):
        return None
    head = name[len("makernet-job-"):].split("-", 1)[0]
    return int(head) if head.isdigit() else None


@dataclass(frozen=True)
class QueuedPlate:
    """A plate of a place's accepted work, as the place will make it: in making order."""

    key: int
    units: int
    due: int          # the last day (from today) it can be ready and still be carried on time
    started: bool     # on a machine already: it stays where it is


def beyond_capacity(days: Sequence[float], plates: Sequence[QueuedPlate]) -> list[int]:
    """The plates, in making order, that the place's capacity (`days`: units per day from today) would finish
    after their due day, each given back so that the plates after it keep their time; their keys.

    Work already late, or started, is kept: moving it would make nothing sooner.
    """
    enough = list(accumulate(days))
    kept, late = 0.0, []
    for plate in plates:
        if plate.started or plate.due < 0:
            kept += plate.units
            continue
        within = enough[:plate.due + 1]
        if not within or within[-1] + 1e-9 < kept + plate.units:
            late.append(plate.key)
        else:
            kept += plate.units
    return late
