"""/health judges heartbeats: fresh ones answer 200, a stale or absent one 503 naming what is missing;
beat and the push listener each hold a lock only one process of an installation can take."""
from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import update

from makernet import create_app
from makernet.config import Settings
from makernet.db import Database
from makernet.domain.health import judge_heartbeat, stale_after
from makernet.errors import Conflict
from makernet.models import Heartbeat
from makernet.services import operations
from makernet.services.context import Context
from tests.support.services import postgres_database

NOW = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


def test_a_heartbeat_is_ok_while_fresh_and_missing_once_older_than_three_beats_and_a_margin() -> None:
    assert stale_after(5.0) == 25.0 and stale_after(60.0) == 40.0   # a long poll interval still beats every 10 s
    assert judge_heartbeat(NOW - timedelta(seconds=3), NOW, 5.0) == {"status": "ok", "age": 3.0, "stale_after": 25.0}
    assert judge_heartbeat(NOW - timedelta(seconds=26), NOW, 5.0)["status"] == "missing"
    assert judge_heartbeat(None, NOW, 5.0) == {"status": "missing", "age": None, "stale_after": 25.0}
    # SQLite gives the stored UTC time back without its zone
    assert judge_heartbeat((NOW - timedelta(seconds=3)).replace(tzinfo=None), NOW, 5.0)["age"] == 3.0


def beat_ago(app: Flask, name: str, seconds: float) -> None:
    ctx = app.extensions["makernet"]
    operations.record_heartbeat(ctx, name, host="test")
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Heartbeat).where(Heartbeat.name == name)  # type: ignore[arg-type]
                           .values(beat_at=datetime.now(UTC) - timedelta(seconds=seconds)))


def test_health_answers_503_until_beat_and_the_listener_have_beaten(app: Flask) -> None:
    answer = app.test_client().get("/health")
    assert answer.status_code == 503
    report = answer.get_json()
    assert report["status"] == "missing" and report["database"]["status"] == "ok"
    assert report["broker"] == {"status": "ok", "age": 0.0, "embedded": True}   # memory://, in the web process
    assert report["beat"]["status"] == report["listener"]["status"] == "missing"
    assert report["beat"]["age"] is None


def test_health_answers_200_with_fresh_heartbeats_and_503_naming_the_stale_one(app: Flask) -> None:
    beat_ago(app, "beat", 1)
    beat_ago(app, "listener", 2)
    answer = app.test_client().get("/health")
    assert answer.status_code == 200, answer.get_json()
    assert {name: check["status"] for name, check in answer.get_json().items() if name != "status"} == {
        "database": "ok", "broker": "ok", "beat": "ok", "listener": "ok"}
    assert answer.get_json()["listener"]["age"] >= 2.0
    beat_ago(app, "beat", stale_after(app.extensions["makernet"].settings.poll_interval) + 5)
    answer = app.test_client().get("/health")
    assert answer.status_code == 503
    assert answer.get_json()["beat"]["status"] == "missing" and answer.get_json()["listener"]["status"] == "ok"
    assert answer.get_json()["beat"]["age"] > 25


def test_health_says_the_broker_is_missing_when_it_does_not_answer(tmp_path: Path, demo_database: Path) -> None:
    shutil.copy(demo_database, tmp_path / "makernet.sqlite3")
    app = create_app(Settings(instance_dir=tmp_path, secret_key="s" * 40, broker_url="redis://127.0.0.1:1/0"))
    beat_ago(app, "beat", 0)
    beat_ago(app, "listener", 0)
    answer = app.test_client().get("/health")
    assert answer.status_code == 503
    assert answer.get_json()["broker"]["status"] == "missing" and "embedded" not in answer.get_json()["broker"]
    assert answer.get_json()["beat"]["status"] == "ok"
    app.extensions["makernet"].db.dispose()


def test_the_web_check_for_load_balancers_ignores_beat_and_fails_only_without_the_database(
        app: Flask, tmp_path: Path) -> None:
    assert app.test_client().get("/health").status_code == 503          # no heartbeat yet...
    answer = app.test_client().get("/health/web")                        # ...but this web host serves
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok", "database": {"status": "ok", "age": 0.0}}
    cut_off = create_app(Settings(instance_dir=tmp_path / "cut-off", secret_key="s" * 40,
                                  database_url="postgresql+psycopg://postgres@127.0.0.1:1/nowhere"))
    answer = cut_off.test_client().get("/health/web")
    assert answer.status_code == 503 and answer.get_json()["database"]["status"] == "missing"
    cut_off.extensions["makernet"].db.dispose()


def locks_refuse_a_second_holder_until_the_first_lets_go(ctx: Context) -> None:
    beat = operations.hold_process_lock(ctx, "beat")
    listen = operations.hold_process_lock(ctx, "listen")   # another role, another lock
    with pytest.raises(Conflict) as refused:
        operations.hold_process_lock(ctx, "beat")
    assert refused.value.code == "process.already_running" and refused.value.params == {"process": "makernet beat"}
    beat.release()
    operations.hold_process_lock(ctx, "beat").release()
    listen.release()


def test_a_second_beat_is_refused_by_the_file_lock_beside_a_sqlite_database(app: Flask) -> None:
    locks_refuse_a_second_holder_until_the_first_lets_go(app.extensions["makernet"])


@pytest.mark.postgres
def test_a_second_beat_is_refused_by_a_postgresql_advisory_lock() -> None:
    with postgres_database() as url:
        database = Database(url)
        try:
            ctx = Context(db=database, tasks=None, settings=Settings(database_url=url), subscribers={})  # type: ignore[arg-type]
            locks_refuse_a_second_holder_until_the_first_lets_go(ctx)
        finally:
            database.dispose()
