"""On PostgreSQL, a coordinator plans a territory whose delivered history is longer than one statement may name.

70,000 requests were made and delivered, their receipt not yet confirmed (so still shipped, as when requesters do
not confirm), beside 300 open lines; the places have the capacity and material for all of them. A planning run
must succeed however long the history (a query naming every line in it passes the PostgreSQL driver's 65,535
parameters), count as plannable only the open lines, propose work for each of them and none for the history.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from makernet import schema
from makernet.config import Settings
from makernet.db import Database
from makernet.models import WorkOrder
from makernet.services.context import Context
from makernet.services.plans import plan_input
from makernet.services.subscriptions import SUBSCRIBERS
from tests.support.fakes import RecordingQueue
from tests.support.services import postgres_database
from tests.support.territory_scale import Territory, fill, plan_as_coordinator

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

HISTORY_LINES = 70_000      # more than the 65,535 parameters a PostgreSQL statement may carry
OPEN_LINES = 300
PLACES = 60                 # enough printers and material for every open line


@pytest.fixture
def territory(tmp_path: Path) -> Iterator[tuple[Context, Territory]]:
    """The territory in a fresh PostgreSQL database, tasks recorded instead of sent."""
    with postgres_database() as url:
        db = Database(url)
        schema.upgrade(db)
        written = fill(db.engine, places=PLACES, lines=OPEN_LINES, history=HISTORY_LINES, unconfirmed=1.0)
        ctx = Context(db=db, tasks=RecordingQueue(), subscribers=SUBSCRIBERS,
                      settings=Settings(instance_dir=tmp_path, secret_key="test-secret-key-of-at-least-32-characters"))
        try:
            yield ctx, written
        finally:
            db.dispose()


@pytest.mark.timeout(180)
def test_a_territory_with_a_history_past_the_parameter_limit_is_planned_on_its_open_lines_only(
        territory: tuple[Context, Territory]) -> None:
    ctx, written = territory
    with ctx.db.reading() as s:
        plannable = plan_input(s, written.today, written.coordinator.territory)
    assert sorted(line.line_id for line in plannable.lines) == list(written.open_lines)

    run = plan_as_coordinator(ctx, written, release_days=None)

    with ctx.db.reading() as s:
        planned = set(s.exec(select(WorkOrder.request_line_id).where(WorkOrder.plan_run_id.is_not(None))).all())
    assert planned == set(written.open_lines)
    left_over = {entry["line_id"] for entry in run["unplanned"] + run["held"]}
    assert not left_over & set(written.history_lines)
