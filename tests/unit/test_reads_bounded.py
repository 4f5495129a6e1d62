"""Every page and list a coordinator reads runs the same number of SQL statements whatever the history holds:
nothing is read once per row, so a region's season costs what a demo costs (bench/reads.py times it at scale)."""
from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import event
from sqlmodel import select

from makernet.models import Organisation, User
from makernet.services import exchange, territory
from makernet.services.accounts.views import actor_of_user
from tests.support.api import COORDINATOR, REQUESTER, ApiClient
from tests.support.pages import Pages
from tests.support.recount import some_history
from tests.support.services import postgres_demo_app

READS = ("/dashboard", "/dashboard/printers", "/stock", "/territory", "/territoire", "/territoire/17", "/requests",
         "/triage", "/late", "/work-orders", "/places/3/deliveries", "/plans", "/supply", "/exports/requests.csv",
         "/exports/production.csv", "/exports/deliveries.csv", "/exports/stock.csv", "/donnees/communes-semaines.csv")
API_READS = ("/requests?per_page=50", "/deliveries?per_page=50", "/work-orders?per_page=50", "/late-work")


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs meanwhile for this thread's requests (not another thread's work)."""
    seen: list[str] = []
    engine = app.extensions["makernet"].db.engine
    mine = threading.get_ident()
    listener = lambda *args: threading.get_ident() == mine and seen.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def counted(app: Flask, pages: Pages, api: ApiClient) -> dict[str, int]:
    counts = {}
    for url in READS:
        with statements(app) as seen:
            answer = pages.client.get(url)
            assert answer.status_code == 200, url
            answer.get_data()
        counts[url] = len(seen)
    for url in API_READS:
        api.ok("get", url, COORDINATOR)      # its token made once, before counting
        with statements(app) as seen:
            api.ok("get", url, COORDINATOR)
        counts["/api/v1" + url] = len(seen)
    return counts


def test_pages_and_lists_run_as_many_statements_for_a_season_as_for_a_day(app: Flask, api: ApiClient) -> None:
    pages = Pages(app.test_client())
    pages.sign_in(COORDINATOR)
    some_history(api)
    territory.publish(app.extensions["makernet"])
    first = counted(app, pages, api)
    for _ in range(3):             # three times the requests, plates, deliveries, stock movements
        some_history(api)
    territory.publish(app.extensions["makernet"])
    assert counted(app, pages, api) == first


@pytest.mark.postgres
def test_the_territory_is_published_from_postgresql_as_from_sqlite(tmp_path) -> None:  # noqa: ANN001
    with postgres_demo_app(tmp_path) as application:
        some_history(ApiClient(application.test_client()))
        sizes = territory.publish(application.extensions["makernet"])
        assert sizes["donnees/communes-semaines.csv"] > 100
        view = territory.public_territory(application.extensions["makernet"], "17")
        assert view["totals"] == {"asked": 80, "made": 25, "delivered": 20}


@pytest.mark.postgres
def test_postgresql_writes_each_export_as_python_would(tmp_path) -> None:  # noqa: ANN001
    """COPY words every value as the Python writer does: formulas quoted, times in UTC, dates, empty cells."""
    with postgres_demo_app(tmp_path) as application:
        api = ApiClient(application.test_client())
        some_history(api)
        api.ok("post", "/requests", REQUESTER, {"needed_by": (date.today() + timedelta(days=5)).isoformat(),
                                               "delivery_point": "=HYPERLINK(\"x\"); -2+3 ; « Mairie »",
                                               "lines": [{"item_id": 1, "quantity": 3}]})
        ctx = application.extensions["makernet"]
        with ctx.db.reading() as s:
            user = s.exec(select(User).where(User.email == COORDINATOR)).one()
            coordinator = actor_of_user(user, s.get(Organisation, user.organisation_id))
        rows = lambda text: list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))  # noqa: E731
        exported = {}
        for kind in ("requests", "production", "deliveries"):
            by_database = b"".join(exchange.export_csv(ctx, coordinator, kind)).decode()
            by_python = b"".join(exchange.export_csv(ctx, coordinator, kind, by_database=False)).decode()
            assert by_database.startswith("\ufeff") and len(by_database.splitlines()) > 1
            assert rows(by_database) == rows(by_python), kind
            exported[kind] = rows(by_database)
        assert any(cell.startswith("'=HYPERLINK") for row in exported["requests"] for cell in row)
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", row[1]) for row in exported["production"][1:])
