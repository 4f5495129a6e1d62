"""The plate lifecycle decided: what a start report or a printer reading means for a plate.

Pure functions of plain facts; they return a decision (a named job transition, or none,
and what to write with it). Services load the facts, apply the decision and commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

# seconds after a start during which an idle reading may predate it: readings travel through
# the broker (from a place's worker, or a poll that read the printer just before the start)
START_GRACE = 15.0


@dataclass(frozen=True)
class Plate:
    """What the decision needs to know of a plate."""

    status: str                       # a JobStatus value
    dispatched_at: datetime | None
    started_at: datetime | None


@dataclass(frozen=True)
class Reading:
    """A printer reading as the plate sees it (the driver's words stay in the driver)."""

    ours: bool                # the printer's current file is this plate's
    busy: bool                # a print runs or winds down
    idle: bool                # connected and ready for a job
    reachable: bool           # the host answered and the printer is connected to it
    settling: bool            # the host is (re)connecting to its printer, or said something unknown
    print_lost: bool          # the host answered: its printer dropped the print (link lost, error)
    completion: float | None  # 0–100, None when the host gives none
    file_name: str | None
    state_text: str           # how the host put it, for the operator's reason


@dataclass(frozen=True)
class Decision:
    """What to do with the plate: a named transition (or none) and what to record."""

    transition: str | None = None   # a JobStatus transition name
    note: str = ""                  # why, for the audit trail
    outcome: str | None = None      # what to tell the operator on the plate (None: leave it)
    progress: float | None = None   # progress to record with `track_progress`
    track_progress: bool = False
    free_bed: bool = False          # the machine's bed is free again
    finished: bool = False          # the plate is done: count its units, consume its material
    started: bool = False           # record the start time

    @property
    def result(self) -> str:
        """The plate's state once the decision is applied, as workers report it."""
        return {"confirm_start": "printing", "finish": "done", "fail": "failed", "requeue": "requeued"}.get(
            self.transition or "", "")


def judge_reading(plate: Plate, reading: Reading, now: datetime, *, was_idle: bool,
                  dispatch_timeout: float) -> Decision:
    """What a reading of its printer means for a plate being dispatched or printing
    (`was_idle`: the previous reading of this printer was idle too)."""
    if reading.ours and reading.busy:
        if plate.status == "dispatching":
            return Decision("confirm_start", "found printing on reconciliation", progress=reading.completion,
                            track_progress=True, started=True)
        return Decision(None, progress=reading.completion, track_progress=True)
    if reading.ours and reading.idle and (reading.completion or 0) >= 100.0:
        return Decision("finish", finished=True)
    if plate.status == "printing":
        return _judge_printing(plate, reading, now, was_idle)
    stale = plate.dispatched_at is not None and plate.dispatched_at < now - timedelta(seconds=dispatch_timeout)
    if stale and reading.idle and not reading.ours:
        return Decision("requeue", "start never confirmed; requeued", "start never confirmed", free_bed=True)
    return Decision(None)


def _judge_printing(plate: Plate, reading: Reading, now: datetime, was_idle: bool) -> Decision:
    """A printing plate whose printer is no longer busy with it: failed, or just out of reach."""
    if reading.print_lost:
        return _failed(f"print interrupted: the printer went {reading.state_text}")
    if not reading.reachable or reading.settling:
        return Decision(None)  # out of reach, or reconnecting: the print may well go on
    if plate.started_at is not None and plate.started_at > now - timedelta(seconds=START_GRACE):
        return Decision(None)  # the reading may predate the start, or the host is still starting
    if not reading.ours:
        return _failed("print interrupted: the printer no longer has this plate" if reading.file_name is None
                       else f"print interrupted: the printer is on another file ({reading.file_name})")
    if reading.completion is not None and not was_idle:
        # at the end of a print a host may read idle an instant before its progress reaches
        # 100 %: only two idle readings in a row with the plate unfinished mean it stopped
        return Decision(None)
    return _failed("cancelled on the printer" if reading.completion is None
                   else f"stopped on the printer at {reading.completion:.0f} %")


def _failed(reason: str) -> Decision:
    return Decision("fail", reason, reason)


def judge_start(outcome: str, detail: str) -> Decision:
    """What a worker's report of a start means for a plate still being dispatched: started,
    unconfirmed (kept as it is, to be settled by the next reading), or back in the queue."""
    if outcome == "started":
        return Decision("confirm_start", "printer confirmed the start", progress=0.0, track_progress=True,
                        started=True)
    if outcome == "ambiguous":
        return Decision(None, outcome=f"start unconfirmed: {detail}")
    reason = detail or "the printer did not start the plate"
    return Decision("requeue", reason, reason, free_bed=True)
