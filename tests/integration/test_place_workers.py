"""Places with their own worker on RabbitMQ: confined credentials, authenticated reports.

A real RabbitMQ (a virtual host of this run), PostgreSQL, `makernet serve`, `worker`, `beat` and each place's own
`makernet worker --place N` as processes, real OctoPrint servers. Two places, each with the broker user
`makernet place credentials N` gives it: place A (the demo's FabLab La Rochelle) and place B (Fab-lab de l'Aunis)
connect their printers and print through their own workers, which keep their printers' keys; A's credentials can
neither reach B's queue nor report about B.
"""
from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import amqp
import httpx
import pytest
from celery import Celery
from kombu import Exchange, Queue
from sqlalchemy import create_engine, text

from makernet.demo import DEMO_PASSWORD
from makernet.services.context import broker_vhost
from tests.support.api import ADMIN, OPERATOR, OTHER_OPERATOR, ApiClient, accepted_plate
from tests.support.octoprint import ADMIN_USER, OctoPrintServer, gcode_lasting, print_starts
from tests.support.processes import MAKERNET, MakerNetInstallation
from tests.support.services import _rabbitmqctl, postgres_database, rabbitmq_vhost
from tests.support.waiting import wait_for
from makernet.services.place_keys import PlaceKeys

pytestmark = [pytest.mark.integration]

REPORTS = "makernet.reports"


class Region:
    """One installation on RabbitMQ and its database, seen from the test."""

    def __init__(self, inst: MakerNetInstallation, database_url: str, broker_url: str) -> None:
        self.inst, self.broker_url = inst, broker_url
        self.engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))

    def sql(self, statement: str, **params: object) -> list:
        with self.engine.begin() as connection:
            result = connection.execute(text(statement), params)
            return list(result) if result.returns_rows else []

    def credentials(self, place_id: int) -> str:
        """`makernet place credentials N`, as the admin runs it: the broker URL it prints for the place."""
        done = self.inst.run("place", "credentials", str(place_id))
        assert done.returncode == 0, done.stderr
        return next(line.split("=", 1)[1] for line in done.stdout.splitlines()
                    if line.startswith("MAKERNET_BROKER_URL="))

    def place_id(self, name: str) -> int:
        return self.sql("SELECT id FROM place WHERE name = :n", n=name)[0][0]


def connect(url: str) -> amqp.Connection:
    """An AMQP connection with a broker URL's user, password and virtual host."""
    parts = urlsplit(url)
    connection = amqp.Connection(f"{parts.hostname}:{parts.port}", userid=unquote(parts.username or ""),
                                 password=unquote(parts.password or ""), virtual_host=unquote(parts.path[1:]) or "/")
    connection.connect()
    return connection


def refusal(url: str, act) -> amqp.exceptions.AMQPError:  # noqa: ANN001
    """What the broker answers `act(channel)` on a fresh connection with these credentials; a publish is
    followed by a synchronous call, so the broker's refusal (which closes the channel) arrives here."""
    connection = connect(url)
    try:
        channel = connection.channel()
        with pytest.raises(amqp.exceptions.AMQPError) as refused:
            act(channel)
            channel.basic_qos(0, 1, False)
        return refused.value
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001,S110 - the broker may have closed it
            pass


@pytest.fixture
def region(tmp_path: Path) -> Iterator[Region]:
    """Migrated, with the demo's data, on RabbitMQ in its own virtual host (its guest user is the central one)."""
    with postgres_database() as database_url, rabbitmq_vhost() as broker_url:
        inst = MakerNetInstallation(tmp_path / "instance", database_url=database_url, broker_url=broker_url)
        region = Region(inst, database_url, broker_url)
        try:
            yield region
        finally:
            inst.stop()
            region.engine.dispose()


def _load(region: Region, *demo: str) -> None:
    for args in (("db", "upgrade"), ("demo", "--yes-load-demo-users", *demo)):
        done = region.inst.run(*args)
        assert done.returncode == 0, done.stderr


def test_a_places_credentials_open_its_own_queue_and_nothing_else(region: Region) -> None:
    _load(region)
    a, b = region.place_id("FabLab La Rochelle"), region.place_id("Fab-lab de l'Aunis")
    old_a = region.credentials(a)
    url_a, url_b = region.credentials(a), region.credentials(b)   # A's rotated: the first password is dead
    assert unquote(urlsplit(url_a).username or "").startswith(f"place-{a}@")
    with pytest.raises(amqp.exceptions.AccessRefused):
        connect(old_a)

    own, other = f"place.{a}", f"place.{b}"
    user_a = unquote(urlsplit(url_a).username or "")
    publish = lambda exchange, key, **props: lambda ch: ch.basic_publish(  # noqa: E731
        amqp.Message("{}", **props), exchange=exchange, routing_key=key)
    refused = {
        "consume": refusal(url_a, lambda ch: ch.basic_consume(other, callback=lambda _m: None)),
        "get": refusal(url_a, lambda ch: ch.basic_get(other)),
        "purge": refusal(url_a, lambda ch: ch.queue_purge(other)),
        "declare": refusal(url_a, lambda ch: ch.queue_declare(other, durable=True, auto_delete=False)),
        "bind to its exchange": refusal(url_a, lambda ch: ch.queue_bind(other, REPORTS, other)),
        "bind its own": refusal(url_a, lambda ch: ch.queue_bind(own, other, other)),
        "delete": refusal(url_a, lambda ch: ch.queue_delete(other)),
        "publish by the default exchange": refusal(url_a, publish("", other, user_id=user_a)),
        "publish by its exchange": refusal(url_a, publish(other, other, user_id=user_a)),
        "declare an exchange": refusal(url_a, lambda ch: ch.exchange_declare("mine", "fanout", durable=True,
                                                                            auto_delete=False)),
    }
    for what, error in refused.items():
        assert isinstance(error, amqp.exceptions.AccessRefused), (what, error)
        assert error.reply_code == 403, (what, error)
    # its reports cannot claim another sender: RabbitMQ checks user_id against the connection's user
    forged = refusal(url_a, publish(REPORTS, REPORTS, user_id=unquote(urlsplit(url_b).username or "")))
    assert isinstance(forged, amqp.exceptions.PreconditionFailed) and "user_id" in str(forged)

    # what it may do: consume its own queue, publish its reports as itself
    connection = connect(url_a)
    try:
        channel = connection.channel()
        channel.basic_consume(own, callback=lambda _m: None)
        channel.basic_publish(amqp.Message("{}", user_id=user_a), exchange=REPORTS, routing_key=REPORTS)
        channel.basic_qos(0, 1, False)
    finally:
        connection.close()

    # Redis cannot confine a place: no credentials there, and no place's worker
    redis_env = {**region.inst.env, "MAKERNET_BROKER_URL": "redis://127.0.0.1:6379/0"}
    for args in (("place", "credentials", str(a)), ("worker", "--place", str(a))):
        done = subprocess.run([MAKERNET, *args], env=redis_env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done
        assert done.stderr.startswith("makernet: ") and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "RabbitMQ" in done.stderr


@pytest.fixture
def printers(tmp_path: Path) -> Iterator[tuple[OctoPrintServer, OctoPrintServer]]:
    with OctoPrintServer(tmp_path / "octoprint-a").start() as a, OctoPrintServer(tmp_path / "octoprint-b").start() as b:
        yield a, b


@pytest.mark.octoprint
def test_two_places_print_through_their_own_workers_keep_their_keys_and_cannot_report_for_each_other(
        region: Region, printers: tuple[OctoPrintServer, OctoPrintServer]) -> None:
    _load(region)
    a, b = region.place_id("FabLab La Rochelle"), region.place_id("Fab-lab de l'Aunis")
    region.sql("UPDATE platelayout SET gcode = :g", g=gcode_lasting(2).decode())
    # both run their own worker; their plates go to the printers they connect below, none to the demo's
    region.sql("UPDATE place SET site_worker = true WHERE id IN (:a, :b)", a=a, b=b)
    region.sql("UPDATE machine SET active = false WHERE place_id IN (:a, :b)", a=a, b=b)
    inst = region.inst
    env = {place: inst.place_env(inst.run("place", "credentials", str(place)).stdout, f"place-{place}")
           for place in (a, b)}
    # every message published in the installation's virtual host, copied by RabbitMQ's firehose
    capture = _firehose(region)
    inst.start("worker", "worker", "--concurrency", "4")
    inst.start("beat", "beat")
    for place in (a, b):
        inst.start(f"site-{place}", "worker", "--place", str(place), "--concurrency", "2", env=env[place])
    inst.serve()
    logs = lambda: "\n".join(f"--- {n}\n{inst.log(n)[-2500:]}" for n in ("worker", f"site-{a}", f"site-{b}"))  # noqa: E731
    with httpx.Client(base_url=inst.url, timeout=20) as http:
        api = ApiClient(http)

        # each operator connects its printer: its own worker asks OctoPrint for a key, the operator approves it
        # there, and the key stays on the place's machine; the central side learns only that there is one
        machines = {}
        for place, operator, printer in ((a, OPERATOR, printers[0]), (b, OTHER_OPERATOR, printers[1])):
            machines[place] = api.ok("post", f"/places/{place}/printers", operator, status=201, json={
                "name": "Prusa atelier", "url": printer.url, "printer_profile": "prusa-mk3", "user": ADMIN_USER})["id"]
            assert printer.decide_key_requests(approve=True) == 1
        key = lambda m: region.sql("SELECT key_status, active FROM machine WHERE id = :m", m=m)[0]  # noqa: E731
        wait_for("both keys kept", lambda: all(key(m) == ("stored", True) for m in machines.values()), 60, logs)
        kept = {place: _kept_key(inst.instance_dir / f"place-{place}", machines[place], printer.url)
                for place, printer in zip((a, b), printers)}
        assert all(kept.values()) and kept[a] != kept[b]

        # each place prints through its own worker
        job = lambda jid: region.sql("SELECT status FROM job WHERE id = :j", j=jid)[0][0]  # noqa: E731
        plates = {a: accepted_plate(api, a, OPERATOR), b: accepted_plate(api, b, OTHER_OPERATOR)}
        wait_for("both plates done", lambda: all(job(p["id"]) == "done" for p in plates.values()), 90, logs)
        assert [print_starts(printer, plates[place]["upload_name"]) for place, printer in zip((a, b), printers)] == [1, 1]

        # no printer key crossed the broker or reached the central database
        messages = _drain(capture)
        assert any(printers[1].url in m and f"place.{b}" in m for m in messages), "the capture saw B's messages"
        for place in (a, b):
            assert not [m for m in messages if kept[place] in m], f"place {place}'s key crossed the broker"
            assert kept[place] not in _database_text(region), f"place {place}'s key is in the central database"
        assert region.sql("SELECT driver_settings::text FROM machine WHERE id IN (:a, :b)",
                          a=machines[a], b=machines[b]) == [("{}",), ("{}",)]

        # B's worker goes away; B's next plate waits in its queue
        inst.kill(f"site-{b}")
        machine_b = machines[b]
        plate_b = accepted_plate(api, b, OTHER_OPERATOR)
        api.ok("post", f"/machines/{machine_b}/bed-clear", OTHER_OPERATOR)
        wait_for("B's plate claimed", lambda: job(plate_b["id"]) == "dispatching", 30, logs)
        before = _state(region, b, machine_b, plate_b["id"])

        # A's credentials used to report about B's machine and plate: as A's worker sends them, and with no identity
        reading = {"machine_id": machine_b, "state": "ready", "raw_state": "Operational",
                   "file_name": plate_b["upload_name"], "completion": 100.0, "error": None, "print_lost": False}
        started = {"outcome": "started", "detail": ""}
        url_a = env[a]["MAKERNET_BROKER_URL"]
        user_a = unquote(urlsplit(url_a).username or "")
        as_a = Celery("forger", broker=url_a, set_as_current=False)
        # as A's worker is set up: it may declare nothing, its own queue is its default
        as_a.conf.update(task_default_queue=f"place.{a}", task_queues=[Queue(
            f"place.{a}", Exchange(f"place.{a}", "direct"), routing_key=f"place.{a}", no_declare=True)])
        try:
            route = {"exchange": REPORTS, "routing_key": REPORTS}
            as_a.send_task("makernet.apply_readings", args=[[reading]], user_id=user_a, **route)
            as_a.send_task("makernet.apply_dispatch", args=[plate_b["id"], started], user_id=user_a, **route)
            as_a.send_task("makernet.apply_key", args=[machine_b, {"outcome": "granted", "api_key": "planted"}],
                           user_id=user_a, **route)
            as_a.send_task("makernet.apply_dispatch", args=[plate_b["id"], started], **route)  # no sender at all
        finally:
            as_a.close()
        refused = lambda: region.sql("SELECT entity_id, from_state, note FROM auditentry "  # noqa: E731
                                     "WHERE entity = 'report' AND to_state = 'refused' ORDER BY id")
        wait_for("four refused reports in the audit trail", lambda: len(refused()) == 4, 30, logs)
        entries = {(sender, kind): note for sender, kind, note in refused()}   # central workers run them in any order
        assert sorted(entries) == sorted([(a, "apply_readings"), (a, "apply_dispatch"), (a, "apply_key"),
                                          (0, "apply_dispatch")])
        assert f"place [{b}]" in entries[a, "apply_readings"] and f"machines [{machine_b}]" in entries[a, "apply_readings"]
        assert f"jobs [{plate_b['id']}]" in entries[a, "apply_dispatch"]
        assert f"place [{b}]" in entries[a, "apply_key"]
        assert "no place's broker user" in entries[0, "apply_dispatch"]
        assert _state(region, b, machine_b, plate_b["id"]) == before   # nothing applied
        # the admin sees them on the refused reports page
        page = _admin_page(inst.url, "/admin/refused-reports")
        assert page.count("<code>apply_dispatch</code>") == 2 and "FabLab La Rochelle (n° %d)" % a in page
        assert f"jobs [{plate_b['id']}]" in page and "no place&#39;s broker user" in page
        assert "refused a apply_readings report" in inst.log("worker")
        # A's own reports still count: its printer keeps being read through its worker
        checked = region.sql("SELECT state_checked_at FROM machine WHERE id = :m", m=machines[a])[0][0]
        wait_for("A's printer read again", lambda: region.sql(
            "SELECT state_checked_at FROM machine WHERE id = :m", m=machines[a])[0][0] != checked, 30, logs)
        assert len(refused()) == 4   # the places' own reports were all applied


def _firehose(region: Region) -> amqp.Connection:
    """Turn on RabbitMQ's firehose in the installation's virtual host: a copy of every message published or
    delivered there goes to `amq.rabbitmq.trace`, which a queue of the test's (as the central user) takes."""
    _rabbitmqctl("trace_on", "-p", broker_vhost(region.broker_url))
    connection = connect(region.broker_url)
    channel = connection.channel()
    channel.queue_declare("test.capture", durable=False, auto_delete=False)
    channel.queue_bind("test.capture", "amq.rabbitmq.trace", "#")
    return connection


def _drain(connection: amqp.Connection) -> list[str]:
    """Every captured message, as text: its routing key, headers (properties) and body."""
    channel, messages = connection.channel(), []
    while (message := channel.basic_get("test.capture", no_ack=True)) is not None:
        body = message.body.decode("utf-8", "replace") if isinstance(message.body, bytes) else str(message.body)
        messages.append(f"{message.delivery_info.get('routing_key')} {message.properties} {body}")
    connection.close()
    return messages


def _kept_key(folder: Path, machine_id: int, url: str) -> str:
    """The key a place's worker keeps for its printer, opened with the place's own secret; the file holds it
    sealed only."""
    stored = (folder / "printer-keys.json").read_text()
    key = PlaceKeys(folder, (folder / "secret_key").read_text().strip()).key(machine_id, url)
    assert key and key not in stored
    return key


def _database_text(region: Region) -> str:
    """Every row of every table of the central database, as text."""
    tables = [t for (t,) in region.sql("SELECT table_name FROM information_schema.tables "
                                       "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")]
    return "\n".join(str(row) for table in tables for row in region.sql(f'SELECT t::text FROM "{table}" t'))


def _admin_page(url: str, path: str) -> str:
    """A page as the demo's admin sees it, signed in through the sign-in form."""
    with httpx.Client(base_url=url, timeout=20) as browser:
        login = browser.get("/login").text
        token = re.search(r'<meta name="csrf-token" content="([^"]+)"', login).group(1)  # type: ignore[union-attr]
        signed_in = browser.post("/login", data={"email": ADMIN, "password": DEMO_PASSWORD, "csrf_token": token})
        assert signed_in.status_code == 302, signed_in.text[:500]
        page = browser.get(path)
        assert page.status_code == 200, page.text[:500]
        return page.text


def _state(region: Region, place_id: int, machine_id: int, job_id: int) -> tuple:
    """What a report could change: the plate, the printer, its key, the place's ledger and the plate's trail."""
    return (region.sql("SELECT status, started_at, outcome FROM job WHERE id = :j", j=job_id),
            region.sql("SELECT state, state_checked_at, key_status, driver_settings::text FROM machine WHERE id = :m",
                       m=machine_id),
            region.sql("SELECT count(*) FROM stockentry WHERE place_id = :p", p=place_id),
            region.sql("SELECT count(*) FROM auditentry WHERE entity = 'job' AND entity_id = :j", j=job_id))
