"""/metrics: the admin's figures in the Prometheus text format, refused to anyone else; counts shared by processes."""
from __future__ import annotations

import json
import logging
import shutil
import socket
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from celery import Celery
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect as sqlalchemy_inspect
from sqlalchemy import text
from sqlmodel import SQLModel

from makernet import create_app, schema
from makernet.cli.base import JsonLines
from makernet.config import Settings, load_settings
from makernet.db import Database
from makernet.errors import InvalidInput
from makernet.services import monitoring
from makernet.services.context import CeleryQueue
from makernet.services.monitoring.views import Family, render
from tests.support.api import ADMIN, COORDINATOR, OPERATOR, REQUESTER, ApiClient
from tests.support.fakes import RecordingQueue
from tests.support.pages import Pages
from tests.support.prometheus import Exposition
from tests.support.services import postgres_database
from tests.unit.test_production import accepted_order

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def scrape(api: ApiClient, as_user: str = ADMIN) -> Exposition:
    """/metrics read with a user's API token, as Prometheus reads it."""
    answer = api.client.get("/metrics", headers={"Authorization": f"Bearer {api.token(as_user)}"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.headers["Content-Type"] == CONTENT_TYPE
    return Exposition(answer.get_data(as_text=True))


def rows(app: Flask, sql: str) -> dict[str, int]:
    with app.extensions["makernet"].db.engine.connect() as connection:
        return {key: value for key, value in connection.execute(text(sql))}


def test_an_admins_token_reads_every_family_in_the_text_format(api: ApiClient) -> None:
    figures = scrape(api)
    assert figures.types == {"makernet_http_requests_total": "counter", "makernet_tasks_total": "counter",
                             "makernet_task_duration_seconds": "histogram", "makernet_plates": "gauge",
                             "makernet_printers": "gauge", "makernet_broker_up": "gauge",
                             "makernet_queue_messages": "gauge"}
    assert all(figures.helps.values())


def test_plates_and_printers_are_counted_by_state_from_the_database(app: Flask, api: ApiClient) -> None:
    accepted_order(api)   # plates: one dispatching, the next queued
    with app.extensions["makernet"].db.engine.begin() as connection:   # one printer behind OctoPrint, in error
        connection.execute(text("UPDATE machine SET state = 'error', driver = 'octoprint' "
                                "WHERE id = (SELECT min(id) FROM machine)"))
    figures = scrape(api)
    plates = rows(app, "SELECT status, count(*) FROM job GROUP BY status")
    # a machine whose driver reads no state is counted as reported by hand, never as a printer in an unknown state
    printers = rows(app, "SELECT CASE WHEN driver = 'octoprint' THEN state ELSE 'by_hand' END, count(*) "
                         "FROM machine WHERE active GROUP BY 1")
    assert sum(plates.values()) >= 2 and printers.get("error") == 1 and printers.get("by_hand", 0) > 1
    assert figures.value("makernet_printers", state="unknown") == 0
    for state, count in plates.items():
        assert figures.value("makernet_plates", state=state) == count
    for state, count in printers.items():
        assert figures.value("makernet_printers", state=state) == count
    assert figures.value("makernet_plates", state="failed") == plates.get("failed", 0)  # every state, 0 included
    assert figures.value("makernet_printers", state="error") == printers.get("error", 0)


def test_queue_depth_is_what_the_task_queue_says_is_waiting(app: Flask, api: ApiClient) -> None:
    app.extensions["makernet"].tasks.enqueue("poll_printers")
    app.extensions["makernet"].tasks.enqueue("plan_daily")
    figures = scrape(api)
    assert figures.value("makernet_queue_messages", queue="makernet") == 2
    assert figures.value("makernet_broker_up") == 1


def test_requests_are_counted_by_status_method_and_area_never_by_raw_path(client: FlaskClient, api: ApiClient) -> None:
    for path in ("/login", "/login", "/no/such/page/12345", "/no/such/page/67890"):
        client.get(path)
    client.post("/api/v1/auth/tokens", json={"email": "nobody@example.org", "password": "wrong"})
    figures = scrape(api)
    assert figures.value("makernet_http_requests_total", group="accounts", method="GET", status="200") == 2
    assert figures.value("makernet_http_requests_total", group="unrouted", method="GET", status="404") == 2
    assert figures.value("makernet_http_requests_total", group="accounts_api", method="POST", status="401") == 1
    exposition = api.client.get("/metrics", headers={"Authorization": f"Bearer {api.token(ADMIN)}"})
    assert "12345" not in exposition.get_data(as_text=True)


def test_tasks_are_counted_by_outcome_with_their_durations(app: Flask, api: ApiClient) -> None:
    celery_app = app.extensions["celery"]
    with app.app_context():
        assert celery_app.tasks["makernet.poll_printers"].apply().state == "SUCCESS"
        assert celery_app.tasks["makernet.poll_printers"].apply(args=("unexpected",)).state == "FAILURE"
    monitoring.count_task(app.extensions["monitoring"], "makernet.dispatch_job", "RETRY", 0.3)
    figures = scrape(api)
    assert figures.value("makernet_tasks_total", task="makernet.poll_printers", outcome="succeeded") == 1
    assert figures.value("makernet_tasks_total", task="makernet.poll_printers", outcome="failed") == 1
    assert figures.value("makernet_tasks_total", task="makernet.dispatch_job", outcome="retried") == 1
    assert figures.value("makernet_task_duration_seconds_count", task="makernet.poll_printers") == 2
    assert figures.value("makernet_task_duration_seconds_bucket", task="makernet.dispatch_job", le="0.25") == 0
    assert figures.value("makernet_task_duration_seconds_bucket", task="makernet.dispatch_job", le="0.5") == 1
    assert figures.value("makernet_task_duration_seconds_sum", task="makernet.dispatch_job") == pytest.approx(0.3)


def test_counts_of_two_processes_add_up_in_the_database(tmp_path: Path, demo_database: Path, api: ApiClient) -> None:
    shutil.copy(demo_database, tmp_path / "makernet.sqlite3")
    apps = [create_app(Settings(instance_dir=tmp_path, secret_key="test")) for _ in range(2)]
    try:
        for number, app in enumerate(apps, 1):
            app.extensions["makernet"].tasks = RecordingQueue()
            for _ in range(number):
                app.test_client().get("/login")
            app.extensions["monitoring"].flush()
            assert app.extensions["monitoring"].pending() == {}
        figures = scrape(ApiClient(apps[0].test_client()))
        assert figures.value("makernet_http_requests_total", group="accounts", method="GET", status="200") == 3
    finally:
        for app in apps:
            app.extensions["makernet"].db.dispose()


def test_counts_wait_in_the_process_until_flushed_and_survive_a_failed_flush(app: Flask) -> None:
    tally = monitoring.Tally(app.extensions["makernet"].db, flush_seconds=3600)
    monitoring.count_request(tally, "BREW", "home", 418)
    with app.extensions["makernet"].db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE metric_counter RENAME TO metric_counter_away"))
    with pytest.raises(Exception):
        tally.flush()
    assert tally.pending() == {("makernet_http_requests_total", 'group="home",method="OTHER",status="418"'): 1.0}
    with app.extensions["makernet"].db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE metric_counter_away RENAME TO metric_counter"))
    tally.flush()
    assert rows(app, "SELECT labels, value FROM metric_counter WHERE name = 'makernet_http_requests_total'") == {
        'group="home",method="OTHER",status="418"': 1}


@pytest.mark.parametrize("who", [OPERATOR, COORDINATOR, REQUESTER])
def test_anyone_but_an_admin_is_refused_with_a_coded_error_and_no_figure(client: FlaskClient, api: ApiClient,
                                                                          who: str) -> None:
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {api.token(who)}", "Accept-Language": "en"})
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "access.role_needed"
    assert "makernet_" not in answer.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic YTpi"}])
def test_a_stranger_is_asked_for_a_token(client: FlaskClient, headers: dict) -> None:
    answer = client.get("/metrics", headers=headers)
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] in ("api.token_missing", "accounts.token_invalid")
    assert "makernet_" not in answer.get_data(as_text=True)


def test_a_signed_in_admin_reads_it_and_a_signed_in_coordinator_does_not(client: FlaskClient) -> None:
    pages = Pages(client)
    pages.sign_in(COORDINATOR)
    assert client.get("/metrics").status_code == 403
    client.get("/logout")
    client.delete_cookie("session")
    pages.sign_in(ADMIN)
    answer = client.get("/metrics")
    assert answer.status_code == 200
    Exposition(answer.get_data(as_text=True))


def test_label_values_are_escaped_and_numbers_written_as_the_format_wants() -> None:
    family = Family("makernet_example", "gauge", "A help\\with a backslash\nand a newline.")
    family.add(3, state='quote " backslash \\ newline \n end')
    family.add(0.25, state="quarter")
    family.add(float("inf"), state="infinite")
    written = render([family])
    assert written.splitlines()[0] == "# HELP makernet_example A help\\\\with a backslash\\nand a newline."
    figures = Exposition(written)
    assert figures.value("makernet_example", state='quote " backslash \\ newline \n end') == 3
    assert figures.value("makernet_example", state="quarter") == 0.25
    assert figures.value("makernet_example", state="infinite") == float("inf")


def test_log_format_is_text_by_default_json_on_request_and_anything_else_is_refused() -> None:
    assert load_settings({}).log_format == "text"
    assert load_settings({"MAKERNET_LOG_FORMAT": "json"}).log_format == "json"
    with pytest.raises(InvalidInput) as refused:
        load_settings({"MAKERNET_LOG_FORMAT": "xml"})
    assert (refused.value.code, refused.value.params) == (
        "config.invalid_value", {"name": "MAKERNET_LOG_FORMAT", "value": "xml"})


def test_a_json_log_line_has_time_level_logger_message_exception_and_the_request(app: Flask) -> None:
    try:
        raise ValueError("the bed is not clear\non two lines")
    except ValueError:
        record = logging.LogRecord("makernet.fleet", logging.ERROR, __file__, 1, "printer %s failed", ("P1",),
                                   sys.exc_info())
    with app.test_request_context("/api/v1/machines", method="POST"):
        line = JsonLines().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["time"].endswith("+00:00") and parsed["time"][:4].isdigit()
    assert (parsed["level"], parsed["logger"], parsed["message"]) == ("ERROR", "makernet.fleet", "printer P1 failed")
    assert "ValueError: the bed is not clear" in parsed["exception"]
    assert (parsed["method"], parsed["path"]) == ("POST", "/api/v1/machines")


def _counter_table_differences(database) -> list:  # noqa: ANN001
    with database.engine.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata)
    return [d for d in found if "metric_counter" in repr(d)]


def _upgrade_count_and_downgrade(database) -> None:  # noqa: ANN001
    schema.upgrade(database)
    assert "0013_metrics" in schema.current_revision(database)
    assert _counter_table_differences(database) == []
    first, second = monitoring.Tally(database, flush_seconds=3600), monitoring.Tally(database, flush_seconds=3600)
    monitoring.count_task(first, "makernet.poll_printers", "SUCCESS", 0.02)
    monitoring.count_task(second, "makernet.poll_printers", "SUCCESS", 7.0)
    first.flush()
    second.flush()
    with database.engine.connect() as connection:
        found = dict(connection.execute(text("SELECT labels, value FROM metric_counter WHERE name = :name"),
                                        {"name": "makernet_task_duration_seconds_bucket"}).all())
    assert (found['task="makernet.poll_printers",le="0.05"'], found['task="makernet.poll_printers",le="+Inf"']) == (1, 2)
    schema.downgrade(database, "0009_session_epoch")
    with database.engine.connect() as connection:
        assert "metric_counter" not in sqlalchemy_inspect(connection).get_table_names()


def test_the_counters_revision_builds_the_model_and_upserts_on_sqlite(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    _upgrade_count_and_downgrade(database)
    database.dispose()


@pytest.mark.postgres
def test_the_counters_revision_builds_the_model_and_upserts_on_postgresql() -> None:
    with postgres_database() as url:
        database = Database(url)
        try:
            _upgrade_count_and_downgrade(database)
        finally:
            database.dispose()


def test_a_broker_that_does_not_answer_is_told_and_the_rest_still_served(app: Flask, api: ApiClient) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]   # nothing listens there once the socket is closed
    unreachable = Celery("unreachable", broker=f"redis://127.0.0.1:{port}/0", set_as_current=False)
    app.extensions["makernet"].tasks = CeleryQueue(unreachable)
    try:
        figures = scrape(api)
    finally:
        unreachable.close()
    assert figures.value("makernet_broker_up") == 0
    assert figures.series("makernet_queue_messages") == {}
    assert figures.series("makernet_plates")
