"""Planner runs are tasks: started at once (202 and the run's id), followed step by step on the API and on a page that
updates itself, one at a time per territory (a second refused with its code, an event's re-plan waiting its turn), a
run gone silent given up, a failed run failed whole — on the demo territory, tasks recorded and made as a worker would."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import inspect, text, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from makernet import schema
from makernet.db import Database
from makernet.errors import Conflict
from makernet.models import Organisation, Request, User, WorkOrder
from makernet.models.base import utcnow
from makernet.models.plans import PlanRun
from makernet.services import plans
from makernet.services.access import Actor
from makernet.services.plans.views import plan_run_progress
from tests.support.api import ADMIN, COORDINATOR, OPERATOR, ApiClient
from tests.support.pages import Pages, text_of
from tests.support.runs import run_posted_plans
from tests.support.services import postgres_database, postgres_demo_app
from tests.unit.test_plans_answers import LA_ROCHELLE, by_hand, proposed, visor_request


@pytest.fixture
def pages(client) -> Pages:  # noqa: ANN001
    return Pages(client)


def actor(app: Flask, email: str) -> Actor:
    with app.extensions["makernet"].db.reading() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        return Actor(user.id, user.role, user.organisation_id, tuple(s.get(Organisation, user.organisation_id).territory))


def set_run(app: Flask, run_id: int, **values: object) -> None:
    """What a worker would have written on the run (its step, its last news)."""
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(PlanRun).where(PlanRun.id == run_id).values(**values))


def orders_of(app: Flask, run_id: int) -> list[WorkOrder]:
    with app.extensions["makernet"].db.reading() as s:
        return list(s.exec(select(WorkOrder).where(WorkOrder.plan_run_id == run_id)).all())


def test_the_api_starts_a_run_at_once_and_shows_its_progress_then_its_result(app, api: ApiClient) -> None:  # noqa: ANN001
    visor_request(api, 30)
    started = api.ok("post", "/plans", COORDINATOR, json={}, status=202)
    assert started == {"id": started["id"], "status": "queued", "step": None, "step_number": 0, "steps": 3,
                       "progress": 0, "failure": None, "link": f"/api/v1/plans/{started['id']}"}
    assert [args for name, args in app.extensions["makernet"].tasks.sent if name == "run_plan"] == [(started["id"],)]
    queued = api.ok("get", f"/plans/{started['id']}", COORDINATOR)
    assert (queued["status"], queued["proposed_units"], queued["changes"], queued["finished_at"]) == ("queued", 0, [], None)

    for step, number, percent in (("reading", 1, 10), ("solving", 2, 40), ("writing", 3, 80)):
        set_run(app, started["id"], status="running", step=step, updated_at=utcnow())
        running = api.ok("get", f"/plans/{started['id']}", COORDINATOR)
        assert (running["status"], running["step"], running["step_number"], running["progress"]) == \
            ("running", step, number, percent)
    set_run(app, started["id"], status="queued", step="")

    assert run_posted_plans(app) == ["done"]
    done = api.ok("get", f"/plans/{started['id']}", COORDINATOR)
    assert (done["status"], done["step"], done["step_number"], done["progress"]) == ("done", None, 3, 100)
    assert done["proposed_units"] == 30 and done["finished_at"] and done["failure"] is None
    assert sum(o.quantity for o in orders_of(app, started["id"])) == 30
    assert plans.execute_run(app.extensions["makernet"], started["id"]) == "done"   # a message delivered twice
    assert sum(o.quantity for o in orders_of(app, started["id"])) == 30


def test_a_second_run_of_the_territory_is_refused_naming_the_one_in_progress(app, api: ApiClient) -> None:  # noqa: ANN001
    visor_request(api, 30)
    first = api.ok("post", "/plans", COORDINATOR, json={}, status=202)
    refused = api.call("post", "/plans", COORDINATOR, json={})
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert (error["code"], error["params"]) == ("plans.run_in_progress", {"id": first["id"]})
    assert error["message"] == (f"A planner run is already in progress for this territory (no. {first['id']}): "
                                "follow it; run the planner again once it is done if need be.")
    french = api.call("post", "/plans", COORDINATOR, json={}, headers={"Accept-Language": "fr"}).get_json()["error"]
    assert french["message"].startswith(f"Un passage du planificateur est déjà en cours pour ce territoire (n° {first['id']})")
    # an administrator's run covers every territory: it waits for no one, so it is refused too
    assert api.call("post", "/plans", ADMIN, json={}).get_json()["error"]["params"] == {"id": first["id"]}
    with app.extensions["makernet"].db.reading() as s:
        assert len(s.exec(select(PlanRun)).all()) == 1
    assert run_posted_plans(app) == ["done"]
    assert api.ok("post", "/plans", COORDINATOR, json={}, status=202)["status"] == "queued"   # free again


def test_the_page_starts_a_run_and_follows_it_live_until_its_result(app, api: ApiClient, pages: Pages) -> None:  # noqa: ANN001
    visor_request(api, 30)
    pages.sign_in(COORDINATOR)
    pages.get("/plans")
    answer = pages.post("/plans")
    assert answer.status_code == 302
    run_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    html = pages.get(answer.headers["Location"])
    assert f'hx-get="/plans/{run_id}"' in html and 'hx-trigger="every 2s"' in html and 'hx-select="#plan-run"' in html
    page = text_of(html)
    assert "Planificateur lancé : cette page suit le passage" in page and "Passage en cours" in page
    assert "Il attend qu'un worker le prenne." in page and "Propositions de ce passage" not in page
    set_run(app, run_id, status="running", step="solving", updated_at=utcnow())
    assert "Étape 2 sur 3 : calcul." in text_of(pages.get(f"/plans/{run_id}"))
    set_run(app, run_id, status="queued", step="")
    run_posted_plans(app)
    done = pages.get(f"/plans/{run_id}")
    assert f'hx-get="/plans/{run_id}"' not in done and "Passage en cours" not in text_of(done)
    assert "Planification faite : 30 unités proposées, 0 non planifiée." in text_of(done)

    # a second start while one is in progress leads to that run's page, saying why
    pages.get("/plans")
    set_run(app, run_id, status="running", step="reading", updated_at=utcnow())
    again = pages.post("/plans")
    assert again.headers["Location"] == f"/plans/{run_id}"
    assert f"déjà en cours pour ce territoire (n° {run_id})" in text_of(pages.get(again.headers["Location"]))


def test_a_run_silent_too_long_is_shown_failed_and_no_longer_holds_its_territory(app, api: ApiClient) -> None:  # noqa: ANN001
    visor_request(api, 30)
    ctx = app.extensions["makernet"]
    stuck = api.ok("post", "/plans", COORDINATOR, json={}, status=202)
    (posted,) = ctx.tasks.take("run_plan")
    long_ago = utcnow() - timedelta(seconds=ctx.settings.plan_run_timeout + 1)
    set_run(app, stuck["id"], status="running", step="solving", updated_at=long_ago)   # its worker died
    shown = api.ok("get", f"/plans/{stuck['id']}", COORDINATOR)
    assert (shown["status"], shown["failure"]["code"]) == ("failed", "plans.run_stale")
    assert "the worker making it had gone silent. Nothing was written" in shown["failure"]["message"]

    fresh = api.ok("post", "/plans", COORDINATOR, json={}, status=202)
    with ctx.db.reading() as s:
        given_up = s.get(PlanRun, stuck["id"])
    assert (given_up.status, given_up.error) == ("failed", "plans.run_stale")
    assert plans.execute_run(ctx, *posted) == "failed" and orders_of(app, stuck["id"]) == []   # its message, late
    assert run_posted_plans(app) == ["done"] and sum(o.quantity for o in orders_of(app, fresh["id"])) == 30


def test_a_run_no_worker_took_is_given_up_and_says_so(app, api: ApiClient) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    lost = api.ok("post", "/plans", COORDINATOR, json={}, status=202)
    set_run(app, lost["id"], updated_at=utcnow() - timedelta(seconds=ctx.settings.plan_run_timeout + 1))
    failure = api.ok("get", f"/plans/{lost['id']}", COORDINATOR)["failure"]
    assert failure["code"] == "plans.run_not_taken" and "no worker took it in time" in failure["message"]


def test_a_run_that_fails_while_writing_writes_nothing_and_says_why(app, api: ApiClient, pages: Pages) -> None:  # noqa: ANN001
    request = visor_request(api, 30)
    ctx = app.extensions["makernet"]
    with ctx.db.engine.begin() as connection:   # the database refuses the last write of the run (a disk full)
        connection.execute(text("CREATE TRIGGER disk_full BEFORE UPDATE OF status ON request "
                                "WHEN NEW.status = 'allocated' BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
    started = api.ok("post", "/plans", COORDINATOR, json={}, status=202)
    assert run_posted_plans(app) == ["failed"]
    run = api.ok("get", f"/plans/{started['id']}", COORDINATOR)
    assert (run["status"], run["progress"], run["proposed_units"], run["changes"]) == ("failed", 0, 0, [])
    assert run["failure"]["code"] == "plans.run_failed" and "no proposal was written" in run["failure"]["message"]
    assert orders_of(app, started["id"]) == [] and proposed(api) == []
    with ctx.db.reading() as s:
        assert s.get(Request, request["id"]).status == "approved"
    pages.sign_in(COORDINATOR)
    page = text_of(pages.get(f"/plans/{started['id']}"))
    assert "Échec Le calcul a échoué : aucune proposition n'a été écrite." in page and "Passage en cours" not in page
    with pytest.raises(IntegrityError):   # made at once in this process: the same failure, raised to the caller
        plans.run_plan(ctx, actor(app, COORDINATOR))
    with ctx.db.reading() as s:
        assert [r.status for r in s.exec(select(PlanRun).order_by(PlanRun.id)).all()] == ["failed", "failed"]


def test_a_re_plan_while_a_run_of_its_territory_is_in_progress_waits_its_turn(app, api: ApiClient) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    order = by_hand(api, app, visor_request(api, 20), LA_ROCHELLE, 20)
    visor_request(api, 30)
    manual = api.ok("post", "/plans", COORDINATOR, json={}, status=202)
    api.ok("post", f"/work-orders/{order['id']}/decline", OPERATOR, json={"reason": "plus de filament"})
    (first, second) = ctx.tasks.take("run_plan")
    with ctx.db.reading() as s:
        replan = s.get(PlanRun, second[0])
    assert (replan.trigger, replan.status) == ("decline", "waiting")
    assert plans.execute_run(ctx, replan.id) == "waiting"        # the task asks again later
    assert plans.execute_run(ctx, *first) == "done"               # the run in progress ends...
    assert run_posted_plans(app) == ["done"]                      # ...and the one waiting is posted and made
    assert api.ok("get", f"/plans/{replan.id}", COORDINATOR)["status"] == "done"
    # the declined units are planned again elsewhere (by the run in progress, which read them after the decline, or
    # by the re-plan), once
    again = [o for o in proposed(api) if o["request_line_id"] == order["request_line_id"]]
    assert sum(o["quantity"] for o in again) == 20 and all(o["place_id"] != order["place_id"] for o in again)
    assert manual["id"] < replan.id


def test_the_morning_run_waits_behind_a_run_in_progress_instead_of_being_lost(app, api: ApiClient) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    visor_request(api, 30)
    api.ok("post", "/plans", COORDINATOR, json={}, status=202)
    (morning,) = plans.plan_daily(ctx)
    assert morning["status"] == "waiting"
    assert set(run_posted_plans(app)) == {"done"}   # the manual run, then the morning one, posted again once free
    assert api.ok("get", f"/plans/{morning['id']}", COORDINATOR)["status"] == "done"


def test_runs_of_one_territory_started_at_once_from_two_threads_never_both_start(app, api: ApiClient) -> None:  # noqa: ANN001
    outcomes = start_together(app, 4)
    assert sorted(outcomes) == ["queued", "refused", "refused", "refused"]


def start_together(app: Flask, count: int) -> list[str]:
    """`count` coordinators' starts at the same instant, each in its thread: "queued" or "refused"."""
    ctx, coordinator = app.extensions["makernet"], actor(app, COORDINATOR)
    barrier, outcomes = threading.Barrier(count), [""] * count

    def start(index: int) -> None:
        barrier.wait()
        try:
            outcomes[index] = plans.start_plan(ctx, coordinator)["status"]
        except Conflict:
            outcomes[index] = "refused"
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            outcomes[index] = repr(error)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.postgres
def test_runs_started_at_once_on_postgresql_never_both_start(tmp_path) -> None:  # noqa: ANN001
    with postgres_demo_app(tmp_path) as application:
        assert sorted(start_together(application, 6)) == ["queued"] + ["refused"] * 5
        holds_the_rule_in_the_database(application)


def holds_the_rule_in_the_database(app: Flask) -> None:
    """Even written past the services, a second run queued or running for a territory is refused by the database;
    finished runs are not held to it."""
    with app.extensions["makernet"].db.transaction() as tx:
        key = tx.session.exec(select(PlanRun.territory_key)).first()
        tx.session.add_all([PlanRun(trigger="manual", territory_key=key, status="done") for _ in range(2)])
    with pytest.raises(IntegrityError):
        with app.extensions["makernet"].db.transaction() as tx:
            tx.session.add(PlanRun(trigger="manual", territory_key=key, status="running"))


def test_the_database_refuses_a_second_active_run_of_a_territory(app: Flask, api: ApiClient) -> None:
    api.ok("post", "/plans", COORDINATOR, json={}, status=202)
    holds_the_rule_in_the_database(app)


def test_a_run_s_progress_reads_as_its_steps() -> None:
    run = PlanRun(id=7, trigger="manual", status="waiting", updated_at=utcnow())
    assert plan_run_progress(run, 300)["progress"] == 0 and plan_run_progress(run, 300)["failure"] is None
    run.updated_at = utcnow() - timedelta(seconds=301)
    assert plan_run_progress(run, 300)["failure"]["code"] == "plans.run_not_taken"
    assert plan_run_progress(run)["status"] == "waiting"   # without a timeout, as stored
    done = PlanRun(id=8, trigger="daily", status="done", updated_at=utcnow() - timedelta(days=3))
    assert (plan_run_progress(done, 300)["status"], plan_run_progress(done, 300)["progress"]) == ("done", 100)


def runs_made_before_are_kept_done(database: Database) -> None:
    """Runs made before runs were tasks are done, keyed by their territory, at the time they were made; back down,
    they are as they were."""
    schema.upgrade(database, "0006_planning_more")
    with database.engine.begin() as connection:
        for run_id, territory in ((1, '["79", "17"]'), (2, "[]")):
            connection.execute(text(
                "INSERT INTO planrun (id, strategy, trigger, reason, territory, proposed_units, unplanned_units, "
                "seconds, unplanned, changes, held, held_units, created_at) VALUES (:id, 'planner', 'manual', '', "
                ":territory, 5, 0, 0.1, '[]', '[]', '[]', 0, '2026-11-20 08:00:00+00:00')"),
                {"id": run_id, "territory": territory})
    schema.upgrade(database)
    with database.reading() as s:
        runs = s.exec(select(PlanRun).order_by(PlanRun.id)).all()
        assert [(r.status, r.territory_key, r.error, r.line_ids) for r in runs] == [("done", "17,79", "", None),
                                                                                   ("done", "*", "", None)]
        assert all(r.updated_at == r.finished_at == r.created_at for r in runs)
    schema.downgrade(database, "0006_planning_more")
    with database.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("planrun")}
        assert "status" not in columns and connection.execute(text("SELECT count(*) FROM planrun")).scalar() == 2
    schema.upgrade(database)


def test_runs_made_before_are_kept_done_on_sqlite(tmp_path) -> None:  # noqa: ANN001
    database = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    runs_made_before_are_kept_done(database)
    database.dispose()


@pytest.mark.postgres
def test_runs_made_before_are_kept_done_on_postgresql() -> None:
    with postgres_database() as url:
        database = Database(url)
        runs_made_before_are_kept_done(database)
        database.dispose()
