"""What every use case is given: the database, the task queue and the settings."""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from makernet.config import Settings
from makernet.db import Database


class TaskQueue(Protocol):
    """Where use cases post their follow-up work (Celery in the app, a list in unit tests)."""

    def enqueue(self, task_name: str, *args: object, queue: str | None = None,
                expires: float | None = None) -> None:
        """Post a task by name with plain arguments, to the central queue or the named one;
        a task with `expires` is dropped if no worker took it within that many seconds."""


@dataclass
class Context:
    """The ports a use case works through."""

    db: Database
    tasks: TaskQueue
    settings: Settings
    subscribers: Mapping[type, Sequence[Callable[..., Any]]]   # event kind -> what runs after commit
    secret: str = ""   # the installation's secret: seals printer keys at rest


def place_queue(place_id: int) -> str:
    """The queue a place's own worker consumes."""
    return f"place.{place_id}"


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


def current_context() -> Context:
    """The context of the Flask app in whose app context we run (views, tasks, CLI)."""
    from flask import current_app

    return current_app.extensions["makernet"]
