"""What a place's own worker runs, and the Celery configuration every worker shares.

A place's worker (`makernet worker --place N`) runs on a small machine beside its printers, with
the broker only: this module and what it imports load no web framework, no database layer and
no planner (a test keeps it so). It talks to its printers and sends back what it learned as
reports that central workers apply.
"""
from __future__ import annotations

import ssl

from celery import Celery, Task, shared_task
from kombu import Exchange, Queue
from kombu.utils.url import url_to_parts

from makernet.config import Network, Settings, parse_networks
from makernet.services import printer_io
from makernet.services.context import REPORTS, place_queue
from makernet.services.place_keys import AT_PLACE, NO_KEY, PlaceKeys, needs_key, with_place_keys

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



def site_celery(settings: Settings, place_id: int) -> Celery:
    """The Celery app of place N's own worker: no Flask app, no database, only the broker.

    Its broker user may consume its own queue and publish its reports, nothing else: it declares nothing
    (the central side did, `makernet place credentials N`), and what a worker does besides running tasks
    (remote control, events; gossip, mingle and heartbeats at start) is off, as the broker would refuse it.
    The keys of its printers are its own (`makernet.services.place_keys`): the messages it gets carry none.
    """
    own = place_queue(place_id)
    user = url_to_parts(settings.broker_url).username or ""
    report = {"exchange": REPORTS, "routing_key": REPORTS, "user_id": user}
    celery_app = make_celery("makernet-site", Task, celery_config(settings) | {
        "task_queues": [Queue(own, Exchange(own, "direct"), routing_key=own, no_declare=True)],
        "task_routes": {name: report for name in REPORT_TASKS},
        "worker_enable_remote_control": False, "worker_send_task_events": False, "task_send_sent_event": False})
    celery_app.place_keys = PlaceKeys.of(settings)   # type: ignore[attr-defined]  # its printers' keys, kept here
    return celery_app


def make_celery(name: str, task_cls: type[Task], config: dict) -> Celery:
    """A Celery app with this configuration and the tasks of the modules imported (shared tasks join every app)."""
    celery_app = Celery(name, task_cls=task_cls, set_as_current=True)
    celery_app.conf.update(config)
    celery_app.set_default()
    return celery_app


def celery_config(settings: Settings) -> dict:
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
        "beat_schedule_filename": str(settings.instance_dir / "celerybeat-schedule"),
        "timezone": "Europe/Paris",   # the daily planner run is at a French time
    }


def own_networks(celery_app: object) -> tuple[Network, ...]:
    """The printer networks of the worker running the task, from its own environment: a place's worker
    has no database and checks against its own LAN's."""
    return parse_networks(celery_app.conf.get("makernet_printer_networks", ""))  # type: ignore[attr-defined]


def place_keys(celery_app: object) -> PlaceKeys | None:
    """The printer keys a place's own worker keeps; None for a central worker (keys come in its messages)."""
    return getattr(celery_app, "place_keys", None)


@shared_task(name="makernet.onboard_printer", bind=True)
def onboard_printer(self, payload: dict) -> str:  # noqa: ANN001 - Celery's bound task
    """Where the printer can be reached: ask its host for a key, then look for the operator's decision.
    At a place with its own worker, the request's token and the key stay on the place's machine."""
    keys, machine_id, url = place_keys(self.app), payload["machine_id"], payload["url"]
    if keys is not None and payload.get("app_token") == AT_PLACE:
        payload = {**payload, "app_token": keys.token(machine_id, url)}   # none left: a new request
    retry, result = printer_io.onboarding_step(payload, own_networks(self.app))
    if retry is not None:
        if keys is not None:
            if retry["app_token"] != payload.get("app_token"):
                keys.wait(machine_id, url, retry["app_token"])
            retry = {**retry, "app_token": AT_PLACE}
        # back to the place's own queue through its own exchange: Celery would send it through the default
        # exchange, which a place's broker user may not publish to
        queue = payload.get("queue")
        options = {"queue": queue, "exchange": queue, "routing_key": queue} if queue else {}
        self.app.send_task("makernet.onboard_printer", args=[retry], countdown=1, **options)
        return "waiting for approval"
    if keys is not None and result["outcome"] == "granted":
        keys.keep(machine_id, url, result["api_key"])
        result = {"outcome": "granted", "kept_at_place": True}
    elif keys is not None:
        keys.settle(machine_id)
    self.app.send_task("makernet.apply_key", args=[machine_id, result])
    return result["outcome"]


@shared_task(name="makernet.site_dispatch", bind=True)
def site_dispatch(self, plan: dict) -> str:  # noqa: ANN001 - Celery's bound task
    """At the place: start a plate on a printer with the key the place keeps, report the outcome centrally."""
    keys = place_keys(self.app)
    if keys is not None:
        plan = {**plan, "api_key": keys.key(plan["machine_id"], plan["url"])}
    if keys is not None and not plan["api_key"] and needs_key(plan["driver"]):
        report = {"outcome": "unreachable", "detail": NO_KEY, "status": None}   # nothing sent: it waits
    else:
        report = printer_io.dispatch_on_printer(printer_io.DispatchPlan(**plan), own_networks(self.app))
    self.app.send_task("makernet.apply_dispatch", args=[plan["job_id"], report])
    return report["outcome"]


@shared_task(name="makernet.site_stop", bind=True)
def site_stop(self, connection: dict) -> str:  # noqa: ANN001 - Celery's bound task
    """Where the printer can be reached: cancel the plate it prints, report the reading that follows centrally."""
    connections, keyless = with_place_keys(place_keys(self.app), [connection])
    readings = keyless + [printer_io.stop_on_printer(machine_id, conn, own_networks(self.app))
                          for machine_id, conn in printer_io.connections_from_message(connections)]
    self.app.send_task("makernet.apply_readings", args=[readings])
    return readings[0]["state"]


@shared_task(name="makernet.site_poll", bind=True)
def site_poll(self, connections: list[dict]) -> int:  # noqa: ANN001 - Celery's bound task
    """At the place: read its printers (with the keys it keeps), report the readings centrally."""
    connections, keyless = with_place_keys(place_keys(self.app), connections)
    printers = printer_io.connections_from_message(connections)
    report = lambda readings: self.app.send_task("makernet.apply_readings", args=[readings])  # noqa: E731
    networks = own_networks(self.app)
    printer_io.follow_pushes(printers, report, networks)  # events from now on trigger a reading at once
    readings = keyless + printer_io.read_statuses(printers, networks)
    report(readings)
    return len(readings)
