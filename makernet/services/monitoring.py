"""Following printers: batched polls, and what each reading means for the plate on it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from makernet.domain.states import JobStatus
from makernet.models import Job, Machine, Place
from makernet.models.base import utcnow
from makernet.services import disruptions
from makernet.services.context import Context
from makernet.services.dispatch import ACTIVE, claim_next_job, place_queue
from makernet.services.printer_io import connections_from_message, read_statuses, status_from_dict
from makernet.services.secrets import reveal
from makernet.services.transitions import move
from printers.base import PrinterState, PrinterStatus

POLL_CHUNK = 250           # printers read by one poll task
# seconds after a start during which an idle reading may predate it: readings travel through
# the broker (from a place's worker, or a poll that read the printer just before the start)
START_GRACE = 15.0
# OctoPrint's own words for a printer that lost its serial link: the print is over
# (a reconnection never resumes it)
PRINT_INTERRUPTED_STATES = ("Offline", "Error")


def poll_printers(ctx: Context) -> int:
    """Fan out reads of every active printer: in chunks here, per place for places with their own worker."""
    with ctx.db.reading() as s:
        rows = s.exec(select(Machine, Place.site_worker).join(Place, Place.id == Machine.place_id)
                      .where(Machine.active == True, Machine.driver != "manual")  # noqa: E712
                      .order_by(Machine.id)).all()
        central = [m.id for m, remote in rows if not remote]
        remote: dict[int, list[dict]] = {}
        for machine, is_remote in rows:
            if is_remote:
                remote.setdefault(machine.place_id, []).append(_connection_message(ctx, machine))
    # a poll nobody took in a few intervals is stale: a newer one follows, so let it expire
    # instead of piling up while a place's worker is offline
    expires = max(4 * ctx.settings.poll_interval, 10.0)
    for start in range(0, len(central), POLL_CHUNK):
        ctx.tasks.enqueue("poll_machines", central[start:start + POLL_CHUNK], expires=expires)
    for place_id, connections in remote.items():
        ctx.tasks.enqueue("site_poll", connections, queue=place_queue(place_id), expires=expires)
    return len(rows)


def _connection_message(ctx: Context, machine: Machine) -> dict:
    """A printer's connection as plain values for a place's worker."""
    return {"machine_id": machine.id, "driver": machine.driver, "url": machine.octoprint_url,
            "api_key": reveal(ctx, machine.api_key), "timeout": ctx.settings.printer_timeout}


def poll_machines(ctx: Context, machine_ids: list[int]) -> int:
    """Read these printers now and apply what they say."""
    with ctx.db.reading() as s:
        machines = s.exec(select(Machine).where(Machine.id.in_(machine_ids), Machine.active == True,  # type: ignore[attr-defined]  # noqa: E712
                                                Machine.driver != "manual")).all()
        connections = connections_from_message([_connection_message(ctx, m) for m in machines])
    return apply_readings(ctx, read_statuses(connections))


def apply_readings(ctx: Context, readings: list[dict]) -> int:
    """Record many printer readings in one transaction, then hand ready printers their next plate."""
    if not readings:
        return 0
    with ctx.db.transaction() as tx:
        s = tx.session
        now = utcnow()
        by_machine = {r["machine_id"]: status_from_dict(r) for r in readings}
        before = dict(s.exec(select(Machine.id, Machine.state).where(Machine.id.in_(by_machine))).all())  # type: ignore[attr-defined]
        was_idle = {m for m, state in before.items() if state == PrinterState.READY.value}
        # one executemany for the whole chunk: a round trip per printer would dominate the poll
        s.execute(update(Machine), [
            {"id": machine_id, "state": status.state.value, "state_checked_at": now,
             "state_detail": (status.error or status.raw_state or "")[:300]}
            for machine_id, status in by_machine.items()])
        for job in s.exec(select(Job).where(Job.machine_id.in_(by_machine), Job.status.in_(ACTIVE))).all():  # type: ignore[attr-defined]
            apply_to_job(ctx, s, job, by_machine[job.machine_id], was_idle=job.machine_id in was_idle)
        ready = [m for m, st in by_machine.items() if st.state == PrinterState.READY]
        for machine_id in _with_queued_plates(s, ready):
            claimed = claim_next_job(s, machine_id)
            if claimed is not None:
                tx.after_commit(lambda j=claimed: ctx.tasks.enqueue("dispatch_job", j))
        _move_plates_off(s, [m for m, st in by_machine.items() if not st.state.is_reachable])
        disruptions.printers_went_down(ctx, tx, before, {m: st.state.value for m, st in by_machine.items()})
    return len(readings)


def _with_queued_plates(s: Session, machine_ids: list[int]) -> list[int]:
    """Those machines that have a plate waiting."""
    if not machine_ids:
        return []
    return sorted(set(s.exec(select(Job.machine_id).where(Job.machine_id.in_(machine_ids),  # type: ignore[attr-defined]
                                                          Job.status == "queued")).all()))


def _move_plates_off(s: Session, machine_ids: list[int]) -> None:
    """Queued plates of unreachable printers go to a reachable printer of the same profile,
    at places that chose so; other places hold them."""
    if not machine_ids:
        return
    for machine in s.exec(select(Machine).join(Place, Place.id == Machine.place_id).where(
            Machine.id.in_(machine_ids), Place.offline_policy == "move")).all():  # type: ignore[attr-defined]
        others = s.exec(select(Machine.id).where(
            Machine.place_id == machine.place_id, Machine.id != machine.id, Machine.active == True,  # noqa: E712
            Machine.printer_profile == machine.printer_profile, Machine.driver != "manual",
            Machine.state == PrinterState.READY.value).order_by(Machine.id)).all()
        queued = s.exec(select(Job).where(Job.machine_id == machine.id, Job.status == "queued")
                        .order_by(Job.sequence)).all()  # type: ignore[arg-type]
        for index, job in enumerate(queued if others else []):
            target = others[index % len(others)]
            s.execute(update(Job).where(Job.id == job.id, Job.status == "queued").values(machine_id=target))
            move(s, Job, JobStatus, job.id, "queued", only_from=frozenset({"queued"}),
                 note=f"moved from offline machine {machine.id} to machine {target}")


def apply_to_job(ctx: Context, s: Session, job: Job, status: PrinterStatus, was_idle: bool = False) -> str:
    """Decide what a reading means for the plate on the printer (`was_idle`: the previous reading
    of this printer was idle too)."""
    from makernet.services.production import complete_job
    ours = status.file_name == job.upload_name
    if ours and status.state.is_busy:
        if job.status == "dispatching":
            move(s, Job, JobStatus, job.id, "printing", note="found printing on reconciliation", started_at=utcnow())
        s.execute(update(Job).where(Job.id == job.id).values(progress=status.completion))
        return "printing"
    if ours and status.state == PrinterState.READY and (status.completion or 0) >= 100.0:
        complete_job(s, job.id)
        return "done"
    if job.status == "printing":
        return _judge_printing_job(s, job, status, ours, was_idle)
    stale = job.dispatched_at < utcnow() - timedelta(seconds=ctx.settings.dispatch_timeout)
    if stale and status.state == PrinterState.READY and not ours:
        move(s, Job, JobStatus, job.id, "queued", note="start never confirmed; requeued",
             outcome="start never confirmed")
        s.execute(update(Machine).where(Machine.id == job.machine_id).values(bed_clear=True))
        return "requeued"
    return job.status


def _judge_printing_job(s: Session, job: Job, status: PrinterStatus, ours: bool, was_idle: bool) -> str:
    """A printing plate whose printer is no longer busy with it: failed, or just out of reach."""
    if status.raw_state.startswith(PRINT_INTERRUPTED_STATES):
        reason = f"print interrupted: the printer went {status.raw_state}"
    elif not status.state.is_reachable:
        return "printing"  # the host is out of reach; the print may well go on
    elif status.state in (PrinterState.CONNECTING, PrinterState.UNKNOWN):
        return "printing"  # the host is reconnecting to its printer: wait for a clear answer
    elif job.started_at is not None and job.started_at > utcnow() - timedelta(seconds=START_GRACE):
        return "printing"  # the reading may predate the start, or OctoPrint is still starting
    elif not ours:
        reason = ("print interrupted: the printer no longer has this plate" if status.file_name is None
                  else f"print interrupted: the printer is on another file ({status.file_name})")
    elif status.completion is not None and not was_idle:
        # at the end of a print OctoPrint may read Operational an instant before its progress
        # reaches 100 %: only two idle readings in a row with the plate unfinished mean it stopped
        return "printing"
    else:
        reason = "cancelled on the printer" if status.completion is None else \
            f"stopped on the printer at {status.completion:.0f} %"
    move(s, Job, JobStatus, job.id, "failed", note=reason, outcome=reason, finished_at=utcnow())
    return "failed"
