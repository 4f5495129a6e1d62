"""The notification tasks use cases post, run as a worker would in the tests that record tasks instead."""
from __future__ import annotations

from flask import Flask

from makernet.services import notices


def run_tell_tasks(app: Flask) -> list[int]:
    """Run the `tell` tasks posted so far (forgetting them); the notifications they wrote."""
    ctx = app.extensions["makernet"]
    written: list[int] = []
    with app.app_context():
        for args in ctx.tasks.take("tell"):
            written += notices.tell(ctx, *args)
    return written
