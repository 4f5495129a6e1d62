"""The planner runs use cases post, made as a worker makes them in the tests that record tasks instead."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import update

from makernet.models import Job
from makernet.services import plans
from makernet.services.planning import operations
from makernet.services.context import Context
from tests.support.api import COORDINATOR, ApiClient


def run_posted_plans(holder: Flask | Context) -> list[str]:
    """Make the `run_plan` tasks posted so far, and those they post in turn (runs that waited for them), in the
    order posted, forgetting them: each run's status after (`waiting`: a worker would ask again later)."""
    ctx = holder.extensions["makernet"] if isinstance(holder, Flask) else holder
    statuses: list[str] = []
    while posted := ctx.tasks.take("run_plan"):  # type: ignore[attr-defined]
        statuses += [plans.execute_run(ctx, run_id) for (run_id,) in posted]
    return statuses


def planned(api: ApiClient, app: Flask, json: dict | None = None, as_user: str = COORDINATOR) -> dict:
    """A coordinator starts the planner through the API (answered at once, 202) and a worker makes the run: the run,
    as the API shows it once done."""
    started = api.ok("post", "/plans", as_user, json=json or {}, status=202)
    assert run_posted_plans(app)[-1:] == ["done"]
    return api.ok("get", f"/plans/{started['id']}", as_user)


def claimed_meanwhile(monkeypatch, job_id: int) -> None:  # noqa: ANN001 - pytest's fixture
    """A worker claims a queued plate just as a give-back reaches it (a fake at the transition boundary)."""
    real_move = operations.move

    def move(s, model, kind, entity_id, name, **values):  # noqa: ANN001, ANN202
        if model is Job and entity_id == job_id:
            s.execute(update(Job).where(Job.id == entity_id).values(status="dispatching"))
        return real_move(s, model, kind, entity_id, name, **values)

    monkeypatch.setattr(operations, "move", move)
