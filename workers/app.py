"""The central Celery application, bound to the web app: the embedded and production modes.

The configuration every worker shares, and a place's own worker, live in `workers/site.py`
(which loads no web framework nor database layer); the names are repeated here for callers.
"""
from __future__ import annotations

import threading
import time
import uuid

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun, worker_process_init
from flask import Flask

from makernet.config import Settings
from makernet.services import monitoring, operations
from workers.site import (DEFAULT_QUEUE, REPORT_TASKS, TASK_SOFT_TIME_LIMIT, TASK_TIME_LIMIT,  # noqa: F401
                          VISIBILITY_TIMEOUT, celery_config, make_celery, site_celery)



def celery_init_app(app: Flask, settings: Settings) -> Celery:
    """Create the Celery app bound to a Flask app: every task runs in its app context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = _make_celery(app.name, FlaskTask, settings)
    app.extensions["celery"] = celery_app
    celery_app.makernet_signals = WorkerSignals(app, celery_app)  # the signals hold it weakly: kept here
    return celery_app


class WorkerSignals:
    """What this app's worker does on Celery's signals: count each task run, with its outcome and time, in
    the app's monitoring tally; give each prefork child its own database connections.

    Celery's signals are process-wide; a receiver answers only for its own app's tasks, so a place's
    own worker (no database) and other apps in the same process count nothing here.
    """

    def __init__(self, app: Flask, celery_app: Celery) -> None:
        self.app, self.celery_app = app, celery_app
        self.started: dict[str, float] = {}
        # a key of its own: Celery before 5.7 keys a bound method by ids, which a new app may reuse once an
        # old one is gone, and would then take the new receiver for the dead one (and never call it)
        key = uuid.uuid4().hex
        task_prerun.connect(self.task_started, dispatch_uid=f"{key}-started")
        task_postrun.connect(self.task_ended, dispatch_uid=f"{key}-ended")
        worker_process_init.connect(self.child_started, dispatch_uid=f"{key}-child")

    def child_started(self, **_: object) -> None:
        """A prefork child forgets the connections it inherited (its parent checked the schema through one):
        sharing a socket with its parent or siblings would mix their queries. close=False leaves them open
        for the parent."""
        self.app.extensions["makernet"].db.engine.dispose(close=False)

    def task_started(self, sender: Task | None = None, task_id: str = "", **_: object) -> None:
        """Note when a run began."""
        if sender is not None and sender.app is self.celery_app:
            self.started[task_id] = time.monotonic()

    def task_ended(self, sender: Task | None = None, task_id: str = "", state: str | None = None,
                   **_: object) -> None:
        """Count the run: SUCCESS, FAILURE or RETRY, and the seconds since it began."""
        if sender is None or sender.app is not self.celery_app:
            return
        began = self.started.pop(task_id, None)
        tally = self.app.extensions.get("monitoring")
        if tally is not None:
            monitoring.count_task(tally, sender.name, state or "",
                                  None if began is None else time.monotonic() - began)


def _make_celery(name: str, task_cls: type[Task], settings: Settings) -> Celery:
    """The central Celery app: the shared configuration, beat's schedule, and every task."""
    celery_app = make_celery(name, task_cls, celery_config(settings) | {"beat_schedule": beat_schedule(settings)})
    import workers.tasks  # noqa: F401  (registers the tasks on the new app)
    return celery_app


def beat_schedule(settings: Settings) -> dict[str, dict]:
    """What beat posts: printer polls every few seconds, its own heartbeat, reminders of unanswered work and the
    notice rounds every quarter of an hour, the territory's publication every five minutes, the daily planner
    run and the day's delivery runs."""
    every = operations.heartbeat_every(settings)
    schedule: dict[str, dict] = {"poll-printers": {"task": "makernet.poll_printers",
                                                   "schedule": settings.poll_interval},
                                 # a heartbeat nobody took in time proves nothing: let it expire
                                 "heartbeat": {"task": "makernet.heartbeat", "schedule": every,
                                               "options": {"expires": 2 * every}},
                                 # work left unanswered: its operators reminded, once (an expired post is redone)
                                 "remind-unanswered": {"task": "makernet.remind_unanswered", "schedule": 900,
                                                       "options": {"expires": 900}},
                                 # requests at risk, stock low or out, daily summaries and digests at each one's hour
                                 "notice-rounds": {"task": "makernet.notice_rounds", "schedule": 900,
                                                   "options": {"expires": 900}},
                                 # the territory's figures and open data, published anew (3.8 s at a region's scale)
                                 "publish-territory": {"task": "makernet.publish_territory", "schedule": 300,
                                                       "options": {"expires": 300}}}
    if settings.daily_plan_time is not None:
        hour, minute = settings.daily_plan_time
        schedule["plan-daily"] = {"task": "makernet.plan_daily", "schedule": crontab(hour=hour, minute=minute),
                                  "options": {"expires": 6 * 3600}}
        # the day's delivery runs, from what was finished by then (each place's runs: a second of routing)
        schedule["delivery-runs-daily"] = {"task": "makernet.propose_delivery_runs",
                                           "schedule": crontab(hour=hour, minute=minute),
                                           "options": {"expires": 6 * 3600}}
    return schedule


class EmbeddedWorker:
    """A real Celery worker (threads pool) and beat inside the web process."""

    def __init__(self, celery_app: Celery, concurrency: int = 4) -> None:
        from celery.worker import WorkController

        self.celery_app = celery_app
        self.controller = WorkController(
            app=celery_app, pool="threads", concurrency=concurrency, hostname="embedded@makernet",
            without_heartbeat=True, without_mingle=True, without_gossip=True, loglevel="WARNING",
        )
        self._thread = threading.Thread(target=self.controller.start, daemon=True, name="worker")
        self._beat = None

    def start(self) -> None:
        """Start the worker thread and the beat thread."""
        from celery._state import _set_task_join_will_block
        from celery.beat import EmbeddedService

        self._thread.start()
        _set_task_join_will_block(False)
        self._beat = EmbeddedService(self.celery_app, thread=True)
        self._beat.start()

    def stop(self) -> None:
        """Stop beat, then the worker."""
        if self._beat is not None:
            self._beat.stop()
        self.controller.stop(in_sighandler=False)
        self._thread.join(10)
