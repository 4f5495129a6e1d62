"""What every use case is given: the database, the task queue and the settings."""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlsplit

from makernet.config import Settings

if TYPE_CHECKING:   # a place's worker names its queue from here, with no database layer installed
    from makernet.db import Database

log = logging.getLogger(__name__)


class TaskQueue(Protocol):
    """Where use cases post their follow-up work (Celery in the app, a list in unit tests)."""

    def enqueue(self, task_name: str, *args: object, queue: str | None = None,
                expires: float | None = None) -> None:
        """Post a task by name with plain arguments, to the central queue or the named one;
        a task with `expires` is dropped if no worker took it within that many seconds."""

    def waiting(self, queues: Sequence[str] = ()) -> dict[str, int] | None:
        """Messages waiting in the central queue and in `queues`; None when the broker does not answer."""


@dataclass
class Context:
    """The ports a use case works through."""

    db: Database
    tasks: TaskQueue
    settings: Settings
    subscribers: Mapping[type, Sequence[Callable[..., Any]]]   # event kind -> what runs after commit
    secret: str = ""   # the installation's secret: seals printer keys at rest


def place_queue(place_id: int) -> str:
    """The queue a place's own worker consumes (and, on RabbitMQ, the exchange that routes to it)."""
    return f"place.{place_id}"


# where a place's own worker sends what it learned: on RabbitMQ a direct exchange of this name, bound to the
# queue of the same name that central workers consume; a place's broker user may publish there and nowhere else
REPORTS = "makernet.reports"


def broker_vhost(broker_url: str) -> str:
    """The RabbitMQ virtual host a broker URL names ("/" when it names none)."""
    path = urlsplit(broker_url).path
    return unquote(path[1:]) if len(path) > 1 else "/"


def place_broker_user(place_id: int, vhost: str = "/") -> str:
    """Place N's RabbitMQ user: `place-N`, with its virtual host after an @ unless it is the default one
    (users are the broker's, shared by its virtual hosts: one region's place 3 is not another's)."""
    return f"place-{place_id}" if vhost in ("", "/") else f"place-{place_id}@{vhost}"


def place_of_broker_user(user: str, vhost: str = "/") -> int | None:
    """The place whose broker user this is, in this virtual host; None for any other user."""
    head, _, tail = user.partition("@")
    if not head[6:].isdigit() or user != place_broker_user(int(head[6:]), vhost):
        return None
    return int(head[6:])


class CeleryQueue:
    """Posts tasks to the Celery broker by name."""

    def __init__(self, celery_app: object) -> None:
        self.celery_app = celery_app

    def enqueue(self, task_name: str, *args: object, queue: str | None = None,
                expires: float | None = None) -> None:
        """Send the task; the broker keeps it until a worker acks it (or it expires)."""
        options: dict[str, object] = {"queue": queue} if queue else {}
        if expires is not None:
            options["expires"] = expires
        self.celery_app.send_task(f"makernet.{task_name}", args=list(args), **options)

    def waiting(self, queues: Sequence[str] = ()) -> dict[str, int] | None:
        """Messages waiting in the central queue and in `queues`, as the broker counts them; None when it does not answer.

        On Redis the length of the queue's lists (one per priority) under the installation's key prefix, on
        RabbitMQ the ready messages a passive declare reports, on memory:// (the embedded default) this
        process's own queue. A queue the broker does not know has 0 waiting.
        """
        counts: dict[str, int] = {}
        try:
            with self.celery_app.connection_for_read(connect_timeout=2) as connection:
                connection.ensure_connection(max_retries=1)
                for queue in (self.celery_app.conf.task_default_queue, *queues):
                    channel = connection.channel()
                    try:
                        counts[queue] = _messages_waiting(connection, channel, queue)
                    finally:
                        _close_quietly(channel)
        except Exception:  # noqa: BLE001 - any broker failure means "cannot tell now", never a failed scrape
            log.warning("the broker did not tell its queues' lengths", exc_info=True)
            return None
        return counts


def _messages_waiting(connection: Any, channel: Any, queue: str) -> int:
    """What one queue holds. On Redis, kombu's passive declare asks EXISTS without the installation's key
    prefix (kombu 5.7) and finds no queue: its own count of the lists, prefixed, is asked instead."""
    if connection.transport.driver_type == "redis":
        return int(channel._size(queue))
    try:
        return int(channel.queue_declare(queue=queue, passive=True).message_count)
    except connection.channel_errors:
        return 0   # never declared: nothing waits there


def _close_quietly(channel: Any) -> None:
    """Close a channel the broker may already have closed (RabbitMQ does after a refused passive declare)."""
    try:
        channel.close()
    except Exception:  # noqa: BLE001,S110 - closing what is gone
        pass


def current_context() -> Context:
    """The context of the Flask app in whose app context we run (views, tasks, CLI)."""
    from flask import current_app

    return current_app.extensions["makernet"]
