"""A place's broker user, its URL and permissions, and the Celery set-up of its worker (no broker needed)."""
from __future__ import annotations

import re
import ssl
import subprocess
import sys

from sqlmodel import select

from makernet.config import load_settings
from makernet.models import Machine, Place
from makernet.services import broker
from makernet.services.broker.commands import place_permissions, place_url
from makernet.services.broker.worker import ReportOrigin
from makernet.services.context import REPORTS, broker_vhost, place_broker_user, place_of_broker_user
from tests.support.api import ADMIN, OPERATOR
from tests.support.pages import Pages
from workers.site import REPORT_TASKS, celery_config, site_celery


def test_a_places_broker_user_names_its_place_and_its_virtual_host() -> None:
    assert place_broker_user(12) == "place-12" and place_of_broker_user("place-12") == 12
    assert place_broker_user(12, "region") == "place-12@region"
    assert place_of_broker_user("place-12@region", "region") == 12
    for stranger in ("place-12", "place-12@other", "place-012@region", "place-x@region", "makernet", ""):
        assert place_of_broker_user(stranger, "region") is None, stranger
    assert [broker_vhost(u) for u in ("amqp://h", "amqp://h/", "amqp://h//", "amqp://h/%2F", "amqp://h/a%40b")] == \
        ["/", "/", "/", "/", "a@b"]


def test_a_places_permissions_match_its_own_queue_and_the_reports_exchange_only() -> None:
    configure, write, read = place_permissions(1)
    assert not re.search(configure, "place.1")
    assert [name for name in (REPORTS, "place.1", "place.10", "place.2", "", "amq.default", "makernet",
                              "celery.pidbox", "celeryev", "xplace.1") if re.search(write, name)] == [REPORTS, "place.1"]
    assert [name for name in ("place.1", "place.11", "place.2", REPORTS, "makernet") if re.search(read, name)] == \
        ["place.1"]


def test_the_printed_url_is_the_places_address_with_its_own_user() -> None:
    url = place_url("amqps://broker.example.org:5671/region?heartbeat=30", "place-3@region", "p/w:d")
    assert url == "amqps://place-3%40region:p%2Fw%3Ad@broker.example.org:5671/region?heartbeat=30"
    assert place_url("amqp://makernet:central@[::1]/region", "place-3@region", "pw") == \
        "amqp://place-3%40region:pw@[::1]/region"


def test_a_places_worker_sends_its_reports_as_itself_through_the_reports_exchange_and_declares_nothing() -> None:
    settings = load_settings({"MAKERNET_BROKER_URL": "amqps://place-3%40region:pw@broker.example.org:5671/region"})
    conf = site_celery(settings, 3).conf
    assert [(q.name, q.no_declare) for q in conf.task_queues] == [("place.3", True)]
    assert set(conf.task_routes) == set(REPORT_TASKS)
    assert all(route == {"exchange": REPORTS, "routing_key": REPORTS, "user_id": "place-3@region"}
               for route in conf.task_routes.values())
    assert conf.worker_enable_remote_control is False and conf.worker_send_task_events is False
    # over TLS the broker's certificate is checked, its name included (kombu fills in the URL's host)
    assert conf.broker_use_ssl == {"server_hostname": None, "cert_reqs": ssl.CERT_REQUIRED}
    assert "broker_use_ssl" not in celery_config(load_settings({"MAKERNET_BROKER_URL": "amqp://h/region"}))
    # a publish the broker refuses fails loudly rather than vanishing
    assert conf.broker_transport_options["confirm_publish"] is True
    assert "confirm_publish" not in celery_config(load_settings({"MAKERNET_BROKER_URL": "redis://h/0"}))[
        "broker_transport_options"]


def test_only_reports_that_came_the_places_way_are_checked() -> None:
    assert ReportOrigin(exchange=REPORTS).from_a_place
    assert ReportOrigin(user="place-3").from_a_place
    assert not ReportOrigin(exchange="makernet").from_a_place and not ReportOrigin().from_a_place


def test_a_report_is_applied_only_from_the_place_owning_what_it_names_and_admins_see_the_refusals(app) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    with ctx.db.reading() as s:
        places = {p.name: p.id for p in s.exec(select(Place)).all()}
        a, b = places["FabLab La Rochelle"], places["Fab-lab de l'Aunis"]
        machine_a = s.exec(select(Machine.id).where(Machine.place_id == a)).first()
        machine_b = s.exec(select(Machine.id).where(Machine.place_id == b)).first()
    by = lambda user: ReportOrigin(exchange=REPORTS, user=user)  # noqa: E731
    assert broker.accept_report(ctx, by(f"place-{a}"), "apply_readings", machines=[machine_a])
    assert broker.accept_report(ctx, ReportOrigin(exchange="makernet"), "apply_key", machines=[machine_b])  # central
    assert not broker.accept_report(ctx, by(f"place-{a}"), "apply_readings", machines=[machine_a, machine_b])
    assert not broker.accept_report(ctx, by(""), "apply_dispatch", jobs=[1])
    assert not broker.accept_report(ctx, by(f"place-{a}@elsewhere"), "apply_key", machines=[machine_a])
    assert not broker.accept_report(ctx, by(f"place-{a}"), "apply_readings", machines=["x", 99999])

    pages = Pages(app.test_client())
    pages.sign_in(OPERATOR)
    pages.get("/admin/refused-reports", status=403)
    pages = Pages(app.test_client())
    pages.sign_in(ADMIN)
    page = pages.get("/admin/refused-reports")
    assert page.count("<tr><td>") == 4 and f"FabLab La Rochelle (n° {a})" in page
    assert f"they belong to place [{b}], not to place {a}" in page
    assert "no place&#39;s broker user" in page and "unknown ids [-1, 99999]" in page


HEAVY = ("flask", "flask_babel", "flask_login", "flask_wtf", "werkzeug", "jinja2", "sqlalchemy", "sqlmodel",
         "alembic", "psycopg", "scipy", "numpy", "reportlab")


def test_a_places_worker_loads_no_web_framework_database_layer_or_planner() -> None:
    """What `makernet worker --place N` loads before its worker starts: the command, the settings and the
    site app with its tasks; a refusal worded too. None of the central side's heavy libraries."""
    probe = f"""
import sys
from click.testing import CliRunner
import makernet.cli
from makernet.cli import main
from makernet.config import load_settings
from workers.site import site_celery
app = site_celery(load_settings({{"MAKERNET_BROKER_URL": "amqp://place-3:pw@127.0.0.1:5672/region"}}), 3)
app.loader.import_default_modules()
app.finalize()
assert sorted(app.tasks.keys() & {{"makernet.site_poll", "makernet.site_dispatch", "makernet.onboard_printer",
                                   "makernet.apply_readings", "makernet.poll_printers"}}) == [
    "makernet.onboard_printer", "makernet.site_dispatch", "makernet.site_poll"], sorted(app.tasks)
refused = CliRunner().invoke(main, ["worker", "--place", "3"], env={{"MAKERNET_BROKER_URL": "redis://h/0"}})
assert refused.exit_code == 2 and "RabbitMQ" in refused.output, refused.output
print(",".join(m for m in {HEAVY!r} if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"a place's worker loaded {done.stdout.strip()}"
