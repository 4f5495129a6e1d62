"""The Celery application: one configuration for the embedded and production modes."""
from __future__ import annotations

import ssl
import threading
import time
import uuid

from celery import Celery, Task
from celery.schedules import crontab
from celery.signals import task_postrun, task_prerun, worker_process_init
from flask import Flask
from kombu import Exchange, Queue
from kombu.utils.url import url_to_parts

from makernet.config import Settings
from makernet.services import monitoring, operations
from makernet.services.context import REPORTS, place_queue

DEFAULT_QUEUE = "makernet"
# A dispatch must finish well before the broker would hand its message to another
# worker (visibility timeout), so time limits sit far below it.
# A worker that dies holding a message gives it back after this long; every task is
# short (a few printer calls bounded by MAKERNET_PRINTER_TIMEOUT), so it can be short too.
VISIBILITY_TIMEOUT = 300
TASK_SOFT_TIME_LIMIT = 120
TASK_TIME_LIMIT = 150
# what a place's own worker sends back: through the reports exchange, never the default one (a place's broker
# user may publish nowhere else), signed with its broker user as the message's user_id, which RabbitMQ checks
REPORT_TASKS = ("makernet.apply_readings", "makernet.apply_dispatch", "makernet.apply_key")


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


def site_celery(settings: Settings, place_id: int) -> Celery:
    """The Celery app of place N's own worker: no Flask app, no database, only the broker.

    Its broker user may consume its own queue and publish its reports, nothing else: it declares nothing
    (the central side did, `makernet place credentials N`), and what a worker does besides running tasks
    (remote control, events; gossip, mingle and heartbeats at start) is off, as the broker would refuse it.
    """
    own = place_queue(place_id)
    user = url_to_parts(settings.broker_url).username or ""
    report = {"exchange": REPORTS, "routing_key": REPORTS, "user_id": user}
    return _make_celery("makernet-site", Task, settings, {
        "task_queues": [Queue(own, Exchange(own, "direct"), routing_key=own, no_declare=True)],
        "task_routes": {name: report for name in REPORT_TASKS},
        "worker_enable_remote_control": False, "worker_send_task_events": False, "task_send_sent_event": False})


def _make_celery(name: str, task_cls: type[Task], settings: Settings, overrides: dict | None = None) -> Celery:
    """A Celery app with MakerNet's configuration and tasks."""
    celery_app = Celery(name, task_cls=task_cls, set_as_current=True)
    celery_app.conf.update({**_celery_config(settings), **(overrides or {})})
    celery_app.set_default()
    import workers.tasks  # noqa: F401  (registers the tasks on the new app)
    return celery_app


def _celery_config(settings: Settings) -> dict:
    """Settings that keep messages safe: acked after the work, redelivered if a worker dies."""
    transport_options: dict[str, object] = {"visibility_timeout": VISIBILITY_TIMEOUT}
    if settings.broker_url.startswith(("amqp://", "amqps://")):
        # a publish returns once RabbitMQ has taken the message; one it refuses (a place's worker publishing
        # where its user may not) fails the task loudly instead of being dropped without a word
        transport_options["confirm_publish"] = True
    if settings.broker_url.startswith(("redis://", "rediss://")):
        # sweep unacked messages of dead workers every few seconds, not every ~100 s
        transport_options.update(unacked_restore_interval=2, unacked_restore_throttle=1)
        if settings.broker_key_prefix:
            transport_options["global_keyprefix"] = settings.broker_key_prefix
    tls: dict[str, object] = {}
    if settings.broker_url.startswith("amqps://"):
        # amqps:// alone checks the certificate's chain but not its name: kombu fills in the URL's host name
        # for SNI and the host name check when asked to by an empty server_hostname
        tls = {"broker_use_ssl": {"server_hostname": None, "cert_reqs": ssl.CERT_REQUIRED}}
    return {
        **tls,
        "broker_url": settings.effective_broker_url,
        "broker_transport_options": transport_options,
        "broker_connection_retry_on_startup": True,
        # what tasks that talk to printers check, as text: the configuration may be shown or sent as JSON
        "makernet_printer_networks": ",".join(str(n) for n in settings.printer_networks),
        "task_default_queue": DEFAULT_QUEUE,
        # central workers consume both; the reports queue fills only from places' own workers
        "task_queues": [Queue(DEFAULT_QUEUE, Exchange(DEFAULT_QUEUE, "direct"), routing_key=DEFAULT_QUEUE),
                        Queue(REPORTS, Exchange(REPORTS, "direct"), routing_key=REPORTS)],
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_soft_time_limit": TASK_SOFT_TIME_LIMIT,
        "task_time_limit": TASK_TIME_LIMIT,
        "worker_prefetch_multiplier": 1,
        "worker_hijack_root_logger": False,
        "beat_schedule": beat_schedule(settings),
        "beat_schedule_filename": str(settings.instance_dir / "celerybeat-schedule"),
        "timezone": "Europe/Paris",   # the daily planner run is at a French time
    }


def beat_schedule(settings: Settings) -> dict[str, dict]:
    """What beat posts: printer polls every few seconds, its own heartbeat, and the daily planner run."""
    every = operations.heartbeat_every(settings)
    schedule: dict[str, dict] = {"poll-printers": {"task": "makernet.poll_printers",
                                                   "schedule": settings.poll_interval},
                                 # a heartbeat nobody took in time proves nothing: let it expire
                                 "heartbeat": {"task": "makernet.heartbeat", "schedule": every,
                                               "options": {"expires": 2 * every}}}
    if settings.daily_plan_time is not None:
        hour, minute = settings.daily_plan_time
        schedule["plan-daily"] = {"task": "makernet.plan_daily", "schedule": crontab(hour=hour, minute=minute),
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
