"""Printer keys of places with their own worker stay at the place: sealed on its machine, never in the central
database nor in a message the central side sends."""
from __future__ import annotations

import json
import threading
from pathlib import Path

from flask import Flask
from sqlalchemy import update
from sqlmodel import select

from makernet.config import Settings
from makernet.messages import printer_detail
from makernet.models import Job, Machine, Place, User
from makernet.services import fleet, places, production
from makernet.services.access import Actor
from makernet.services.place_keys import AT_PLACE, NO_KEY, PlaceKeys, keep_printer_key, with_place_keys
from tests.support.api import COORDINATOR, OPERATOR, ApiClient
from tests.unit.test_exchange_import import twenty_places, upload
from tests.unit.test_production import accepted_order

URL = "http://192.168.1.20:5000"


def test_a_kept_key_is_sealed_on_disk_bound_to_its_address_and_opens_only_with_the_places_secret(tmp_path: Path) -> None:
    keys = PlaceKeys(tmp_path, "place secret")
    keys.keep(7, URL, "OCTO-KEY-7")
    stored = (tmp_path / "printer-keys.json").read_text()
    assert "OCTO-KEY-7" not in stored and json.loads(stored)["keys"]["7"]["sealed"].startswith("sealed:v2:")
    assert (tmp_path / "printer-keys.json").stat().st_mode & 0o777 == 0o600
    assert keys.key(7, URL) == "OCTO-KEY-7"
    assert keys.key(7, "http://192.168.1.99:5000") is None   # another address gets no key
    assert keys.key(8, URL) is None
    assert PlaceKeys(tmp_path, "another secret").key(7, URL) is None


def test_a_waiting_requests_token_stays_at_the_place_until_the_request_ends(tmp_path: Path) -> None:
    keys = PlaceKeys(tmp_path, "s")
    keys.wait(7, URL, "TOKEN-7")
    assert keys.token(7, URL) == "TOKEN-7" and "TOKEN-7" not in (tmp_path / "printer-keys.json").read_text()
    keys.keep(7, URL, "KEY-7")          # granted: the token goes, the key stays
    assert keys.token(7, URL) is None and keys.key(7, URL) == "KEY-7"
    keys.wait(8, URL, "TOKEN-8")
    keys.settle(8)                      # refused or expired
    assert keys.token(8, URL) is None and AT_PLACE != "TOKEN-8"


def test_keys_kept_by_many_threads_at_once_are_all_kept(tmp_path: Path) -> None:
    keys = PlaceKeys(tmp_path, "s")
    threads = [threading.Thread(target=keys.keep, args=(n, URL, f"KEY-{n}")) for n in range(1, 41)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [keys.key(n, URL) for n in range(1, 41)] == [f"KEY-{n}" for n in range(1, 41)]


def test_the_place_command_keeps_a_bare_address_and_refuses_a_path(tmp_path: Path) -> None:
    settings = Settings(instance_dir=tmp_path / "place")
    path = keep_printer_key(settings, 3, "HTTP://192.168.1.20:5000/", "KEY-3")
    assert path == tmp_path / "place" / "printer-keys.json"
    keys = PlaceKeys(tmp_path / "place", (tmp_path / "place" / "secret_key").read_text().strip())
    assert keys.key(3, "http://192.168.1.20:5000") == "KEY-3"
    try:
        keep_printer_key(settings, 3, "http://192.168.1.20:5000/api/files", "KEY")
    except ValueError as refused:
        assert "no path" in str(refused)
    else:
        raise AssertionError("an address with a path was kept")


def test_a_printer_without_a_key_at_the_place_is_not_contacted_and_says_why(tmp_path: Path) -> None:
    keys = PlaceKeys(tmp_path, "s")
    keys.keep(1, URL, "KEY-1")
    connections = [{"machine_id": 1, "driver": "octoprint", "url": URL, "api_key": None, "timeout": 5, "settings": {}},
                   {"machine_id": 2, "driver": "octoprint", "url": URL, "api_key": None, "timeout": 5, "settings": {}},
                   {"machine_id": 3, "driver": "manual", "url": None, "api_key": None, "timeout": 5, "settings": {}}]
    usable, keyless = with_place_keys(keys, connections)
    assert [(c["machine_id"], c["api_key"]) for c in usable] == [(1, "KEY-1"), (3, None)]
    assert keyless == [{"machine_id": 2, "state": "error", "raw_state": "no key", "file_name": None,
                        "completion": None, "error": NO_KEY, "print_lost": False, "reason": "no_key_at_place"}]
    assert with_place_keys(None, connections) == (connections, [])   # a central worker: keys come in the message


def _site_worker(app: Flask) -> tuple[int, int]:
    """FabLab La Rochelle runs its own worker; its OctoPrint printer (fake://p1) and the place's id."""
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(Place).where(Place.name == "FabLab La Rochelle").values(site_worker=True))
    with app.extensions["makernet"].db.reading() as s:
        machine = s.exec(select(Machine).where(Machine.host == "fake://p1")).one()
        return machine.id, machine.place_id


def test_messages_to_a_place_with_its_own_worker_carry_no_key(app: Flask, api: ApiClient, printer) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    machine_id, place_id = _site_worker(app)
    accepted_order(api)
    ctx.tasks.sent.clear()
    fleet.poll_printers(ctx)
    (connections,), = ctx.tasks.take("site_poll")
    assert connections and all(c["api_key"] is None and "api_key" not in c["settings"] for c in connections)
    with ctx.db.reading() as s:
        job = s.exec(select(Job).where(Job.machine_id == machine_id)).first()
        job_id = job.id
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Job).where(Job.id == job_id).values(status="dispatching"))
    production.dispatch_job(ctx, job_id)
    (plan,), = ctx.tasks.take("site_dispatch")
    assert plan["api_key"] is None and "key" not in json.dumps(plan["settings"])


def _awaiting(app: Flask, machine_id: int) -> None:
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(Machine).where(Machine.id == machine_id).values(key_status="awaiting"))


def _machine(app: Flask, machine_id: int) -> Machine:
    with app.extensions["makernet"].db.reading() as s:
        return s.get(Machine, machine_id)


def test_a_key_granted_at_a_place_with_its_own_worker_is_not_stored_centrally(app: Flask, printer) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    machine_id, _place = _site_worker(app)
    _awaiting(app, machine_id)
    # even a report that carried the key along: it is dropped, and the key sealed before goes too
    assert fleet.apply_key_result(ctx, machine_id, {"outcome": "granted", "kept_at_place": True,
                                                    "api_key": "CARRIED"}) == "stored"
    machine = _machine(app, machine_id)
    assert machine.key_status == "stored" and machine.active and machine.driver_settings == {}


def test_a_key_kept_at_a_place_that_no_longer_runs_its_worker_asks_for_a_new_one(app: Flask, printer) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    with ctx.db.reading() as s:
        machine_id = s.exec(select(Machine.id).where(Machine.host == "fake://p1")).one()
    _awaiting(app, machine_id)
    assert fleet.apply_key_result(ctx, machine_id, {"outcome": "granted", "kept_at_place": True}) == "refused"
    assert _machine(app, machine_id).key_status == "refused"


def test_a_place_taking_on_its_own_worker_drops_its_central_keys_and_asks_for_new_ones(app: Flask, printer) -> None:  # noqa: ANN001
    ctx = app.extensions["makernet"]
    with ctx.db.reading() as s:
        user = s.exec(select(User).where(User.email == OPERATOR)).one()
        machine_id = s.exec(select(Machine.id).where(Machine.host == "fake://p1")).one()
    actor = Actor(user.id, user.role, user.organisation_id)
    lab = next(p for p in places.list_places(ctx, actor) if p["name"] == "FabLab La Rochelle")
    conditions = {k: lab[k] for k in ("staff_available", "opening_hours", "batch_limit", "hourly_value_cents",
                                      "accepted_item_ids", "auto_accept", "offline_policy")}
    assert "api_key" in _machine(app, machine_id).driver_settings
    places.update_conditions(ctx, actor, lab["id"], **conditions, site_worker=True)
    machine = _machine(app, machine_id)
    assert machine.driver_settings == {} and machine.key_status == "missing"
    assert machine.state_detail == "fleet.worker_changed"
    assert "redemandez une clé" in printer_detail(machine.state_detail)


def test_a_csv_cannot_give_a_key_to_a_place_that_keeps_its_own(app: Flask, api: ApiClient) -> None:
    upload(api, "places", twenty_places(), dry_run=False)
    with app.extensions["makernet"].db.transaction() as tx:
        tx.session.execute(update(Place).where(Place.name == "Fab-lab 3").values(site_worker=True))
    machines = "place;name;kind;octoprint_url;api_key\nFab-lab 3;Voron;fdm_printer;http://192.0.2.11:5000;CLEAR-KEY-42\n"
    (error,) = upload(api, "machines", machines).get_json()["errors"]
    assert (error["line"], error["code"]) == (2, "import.key_at_place") and "keeps its printers' keys" in error["reason"]
    assert upload(api, "machines", machines, dry_run=False).status_code == 422
    assert "CLEAR-KEY-42" not in str(api.ok("get", "/places", COORDINATOR))
