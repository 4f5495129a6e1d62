"""A run moves the planner's proposals still waiting for an answer to a nearer place that can now make them on
time, on the demo territory: the waiting one withdrawn, the new one proposed, in one transaction, never twice."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import update

from makernet.config import Settings
from makernet.db import Database
from makernet.models import Machine, WorkOrder
from makernet.planner.model import Proposal
from makernet.services import planning, plans
from makernet.services.plans.inputs import plan_input
from makernet.services.context import Context
from makernet.services.plans.operations import withdraw_replaced
from makernet.services.subscriptions import SUBSCRIBERS
from tests.support.fakes import RecordingQueue
from tests.unit.test_plans import MONDAY, actor, approved_request, coordinator, orders, place_id

LA_ROCHELLE, AUNIS = "FabLab La Rochelle", "Fab-lab de l'Aunis"   # 61 and 41 km from the EHPAD Les Tilleuls


@pytest.fixture
def ctx(tmp_path: Path, demo_database: Path) -> Context:
    shutil.copy(demo_database, tmp_path / "makernet.sqlite3")
    context = Context(db=Database(f"sqlite:///{tmp_path / 'makernet.sqlite3'}"), tasks=RecordingQueue(),
                      subscribers=SUBSCRIBERS, settings=Settings(instance_dir=tmp_path, secret_key="test"))
    yield context
    context.db.dispose()


def printers(ctx, place: int, state: str) -> None:  # noqa: ANN001
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Machine).where(Machine.place_id == place).values(state=state))


def proposed_far(ctx) -> WorkOrder:  # noqa: ANN001
    """Aunis, the nearer fab-lab, has its printers off: the run proposes the visors to La Rochelle."""
    aunis = place_id(ctx, AUNIS)
    printers(ctx, aunis, "offline")
    approved_request(ctx, 40)
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    (far,) = orders(ctx)
    assert far.place_id == place_id(ctx, LA_ROCHELLE) and far.status == "proposed"
    printers(ctx, aunis, "operational")
    return far


def test_a_waiting_proposal_moves_to_the_nearer_place_once_it_can_make_it(ctx) -> None:  # noqa: ANN001
    far = proposed_far(ctx)
    run = plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    (near,) = orders(ctx, status="proposed")
    assert (near.place_id, near.quantity, near.request_line_id) == (place_id(ctx, AUNIS), 40, far.request_line_id)
    assert near.explanation.startswith("Remplace la proposition faite à FabLab La Rochelle (61 km), restée sans "
                                       "réponse : Fab-lab de l'Aunis est plus proche")
    (withdrawn,) = orders(ctx, id=far.id)
    assert withdrawn.status == "cancelled" and withdrawn.reason == (
        "retirée, restée sans réponse : proposée à une place plus proche du demandeur (41 km au lieu de 61 km)")
    changes = plans.get_plan_run(ctx, coordinator(ctx), run["id"])["changes"]
    assert [(c["what"], c["work_order_id"]) for c in changes] == [("retiré", far.id), ("proposé", near.id)]
    assert changes[0]["why"] == ("Proposition retirée à FabLab La Rochelle, restée sans réponse : proposée plus près "
                                 "(41 km au lieu de 61 km).")
    # the next run finds nothing nearer: nothing moves again
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    assert [o.id for o in orders(ctx, status="proposed")] == [near.id]


def test_a_proposal_answered_before_the_move_is_written_stays_and_nothing_is_given_twice(ctx) -> None:  # noqa: ANN001
    far = proposed_far(ctx)
    with ctx.db.reading() as s:
        inp = plan_input(s, MONDAY, None)
    assert [(w.work_order_id, w.line.quantity) for w in inp.waiting] == [(far.id, 40)]
    planning.accept_work_order(ctx, actor(ctx, "fablab.larochelle@demo.makernet.fr"), far.id, 40, today=MONDAY)
    move = Proposal(far.request_line_id, place_id(ctx, AUNIS), far.design_version_id, 40, 41.3, 3, 6, True,
                    replaces=far.id)
    with ctx.db.transaction() as tx:
        assert withdraw_replaced(tx.session, (move,), None) == ((), [])
    assert [(o.id, o.status) for o in orders(ctx)] == [(far.id, "accepted")]


def test_re_plans_of_some_lines_and_work_allocated_by_hand_never_move_waiting_proposals(ctx) -> None:  # noqa: ANN001
    far = proposed_far(ctx)
    with ctx.db.reading() as s:
        assert plan_input(s, MONDAY, None, line_ids={far.request_line_id}).waiting == ()
    with ctx.db.transaction() as tx:
        tx.session.execute(update(WorkOrder).values(plan_run_id=None))   # as if a coordinator had allocated it
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    assert [(o.id, o.status) for o in orders(ctx)] == [(far.id, "proposed")]
