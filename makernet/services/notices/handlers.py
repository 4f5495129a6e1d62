"""Events become notifications off the request: once a change has committed, one `tell` task is posted with the
event's values and the moment it happened; a worker finds the recipients and writes their messages."""
from __future__ import annotations

from dataclasses import asdict

from makernet.models.base import utcnow
from makernet.services.context import Context
from makernet.services.events import Event


def notify(ctx: Context, event: Event) -> None:
    """Post the telling of an event (its plain values; the stamp tells one occurrence from the next)."""
    values = {name: list(value) if isinstance(value, tuple) else value for name, value in asdict(event).items()
              if value is None or isinstance(value, (bool, int, str, tuple))}
    ctx.tasks.enqueue("tell", type(event).__name__, values, utcnow().strftime("%Y%m%dT%H%M%S.%f"))
