"""What /metrics shows: the installation's counters, and gauges read at scrape time."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func
from sqlmodel import Session, select

from makernet.domain.states import JobStatus
from makernet.models import Job, Machine, MetricCounter, Place
from makernet.services.access import Actor
from makernet.services.context import Context, place_queue
from makernet.services.monitoring.views import Family, parse_labels, render
from makernet.services.monitoring.worker import DURATION, DURATION_BUCKETS, REQUESTS, TASKS, Tally
from makernet.services.places.views import BY_HAND, shown_state
from printers.base import PrinterState


def exposition(ctx: Context, actor: Actor, tally: Tally | None = None) -> str:
    """Every figure in the Prometheus text format; the admin's only (a scraper signs in with an admin's token).

    This process's own pending counts are flushed first, so a scrape sees at least its own latest requests.
    """
    actor.require("admin")
    if tally is not None:
        tally.flush_quietly()
    with ctx.db.reading() as s:
        counters = _counters(s)
        families = [_requests(counters), _tasks(counters), _durations(counters), _plates(s), _printers(s)]
        place_queues = [place_queue(place_id) for place_id in s.exec(
            select(Place.id).where(Place.site_worker == True, Place.active == True).order_by(Place.id)).all()]  # noqa: E712
    families += _queues(ctx.tasks.waiting(place_queues))
    return render(families)


def _counters(s: Session) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Every stored series by name, each as (labels, total)."""
    found: dict[str, list[tuple[dict[str, str], float]]] = defaultdict(list)
    for row in s.exec(select(MetricCounter).order_by(MetricCounter.name, MetricCounter.labels)).all():
        found[row.name].append((parse_labels(row.labels), row.value))
    return found


def _requests(counters: dict) -> Family:
    family = Family(REQUESTS, "counter", "HTTP requests answered, by status, method and group "
                                         "(the area's pages or API, static, unrouted).")
    for labels, value in counters.get(REQUESTS, []):
        family.add(value, **labels)
    return family


def _tasks(counters: dict) -> Family:
    family = Family(TASKS, "counter", "Celery task runs, by task and outcome (succeeded, failed, retried, other).")
    for labels, value in counters.get(TASKS, []):
        family.add(value, **labels)
    return family


def _durations(counters: dict) -> Family:
    """The histogram: per task, its buckets in increasing bounds, then its sum and count."""
    family = Family(DURATION, "histogram", "How long task runs took, in seconds, by task.")
    order = {str(bound): i for i, bound in enumerate(DURATION_BUCKETS)} | {"+Inf": len(DURATION_BUCKETS)}
    buckets: dict[str, list[tuple[int, str, float]]] = defaultdict(list)
    for labels, value in counters.get(DURATION + "_bucket", []):
        buckets[labels.get("task", "")].append((order.get(labels.get("le", ""), -1), labels.get("le", ""), value))
    sums = {labels.get("task", ""): value for labels, value in counters.get(DURATION + "_sum", [])}
    counts = {labels.get("task", ""): value for labels, value in counters.get(DURATION + "_count", [])}
    for task in sorted(counts):
        stored = {le: value for _i, le, value in buckets.get(task, [])}
        for bound in [*map(str, DURATION_BUCKETS), "+Inf"]:  # a bucket no run fell in was never written: 0
            family.add(stored.get(bound, 0.0), "_bucket", task=task, le=bound)
        family.add(sums.get(task, 0.0), "_sum", task=task)
        family.add(counts[task], "_count", task=task)
    return family


def _plates(s: Session) -> Family:
    family = Family("makernet_plates", "gauge", "Plates and batches (print jobs) by state.")
    found = dict(s.exec(select(Job.status, func.count(Job.id)).group_by(Job.status)).all())
    for state in sorted({*(status.value for status in JobStatus), *found}):
        family.add(found.get(state, 0), state=state)
    return family


def _printers(s: Session) -> Family:
    family = Family("makernet_printers", "gauge", "Active machines by their last known state; those whose counts "
                                                  "are reported by hand as by_hand, never as unknown.")
    found: dict[str, int] = defaultdict(int)
    for machine in s.exec(select(Machine).where(Machine.active == True)).all():  # noqa: E712
        found[shown_state(machine)] += 1
    for state in sorted({*(state.value for state in PrinterState), BY_HAND, *found}):
        family.add(found.get(state, 0), state=state)
    return family


def _queues(waiting: dict[str, int] | None) -> list[Family]:
    """Messages waiting in the broker: the central queue and each place's own; the broker's answer itself."""
    up = Family("makernet_broker_up", "gauge", "1 if the broker answered this scrape, else 0.")
    up.add(0 if waiting is None else 1)
    depth = Family("makernet_queue_messages", "gauge", "Messages waiting in a broker queue (not yet taken by a "
                                                        "worker), central queue and places' own queues.")
    for queue, count in sorted((waiting or {}).items()):
        depth.add(count, queue=queue)
    return [up, depth]
