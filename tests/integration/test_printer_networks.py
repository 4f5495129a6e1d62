"""MAKERNET_PRINTER_NETWORKS narrowed after a real OctoPrint was registered: no poll, push socket or plate reaches
it, the operator sees why, the plates wait; listed again, the same plates print, each once."""
from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.support.api import COORDINATOR, OPERATOR, ApiClient
from tests.support.octoprint import OctoPrintServer, print_starts
from tests.support.processes import MakerNetInstallation
from tests.support.proxy import FaultyProxy
from tests.support.services import postgres_database, rabbitmq_vhost
from tests.support.waiting import wait_for
from tests.unit.test_production import accepted_order

pytestmark = [pytest.mark.integration, pytest.mark.octoprint]

REASON = "fleet.outside_networks"   # the code pages word (makernet/messages/fleet.py)


def test_a_printer_outside_the_narrowed_networks_is_never_reached_and_its_plates_wait(tmp_path: Path) -> None:
    printer = OctoPrintServer(tmp_path / "octoprint").start()
    link = FaultyProxy(printer.port)   # counts every connection made to the printer
    inst = MakerNetInstallation(tmp_path / "instance", printer_networks="127.0.0.1/32")
    logs = lambda: inst.log("serve")  # noqa: E731
    try:
        for args in (("db", "upgrade"), ("demo", "--yes-load-demo-users", "--octoprint", link.url,
                                         "--api-key", printer.api_key)):
            done = inst.run(*args)
            assert done.returncode == 0, done.stderr
        inst.serve()
        with httpx.Client(base_url=inst.url, timeout=20) as http:
            api = ApiClient(http)
            machine_id = next(m["id"] for p in api.ok("get", "/places", COORDINATOR) for m in p["machines"]
                              if m["driver"] == "octoprint")
            machine = lambda: api.ok("get", f"/machines/{machine_id}", OPERATOR)  # noqa: E731
            wait_for("the printer read while its network is listed", lambda: machine()["state"] == "ready",
                     timeout=30, logs=logs)
        inst.stop()

        # the administrator narrows the printer networks to the fab-labs' LAN: this OctoPrint is outside
        inst.env["MAKERNET_PRINTER_NETWORKS"] = "10.99.0.0/16"
        link.accepted = 0
        inst.serve()
        with httpx.Client(base_url=inst.url, timeout=20) as http:
            api = ApiClient(http)
            order = accepted_order(api, quantity=20)
            plates = lambda: api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)  # noqa: E731
            wait_for("the operator told why", lambda: machine()["state_detail"] == REASON, timeout=30, logs=logs)
            wait_for("the plates back in the queue", lambda: {j["status"] for j in plates()} == {"queued"},
                     timeout=30, logs=logs)
            time.sleep(3)   # several polls (every 0.5 s) and the listener's rounds go by
            assert machine()["state"] == "offline" and {j["status"] for j in plates()} == {"queued"}
            assert link.accepted == 0, logs()
            first = plates()[0]
            assert print_starts(printer, first["upload_name"]) == 0
        inst.stop()

        # listed again: the same plates print, the first one once
        inst.env["MAKERNET_PRINTER_NETWORKS"] = "127.0.0.1/32"
        inst.serve()
        with httpx.Client(base_url=inst.url, timeout=20) as http:
            api = ApiClient(http)
            wait_for("the first plate printing", lambda: next(j for j in plates() if j["id"] == first["id"])[
                "status"] in ("printing", "done"), timeout=60, logs=logs)
            assert link.accepted > 0 and print_starts(printer, first["upload_name"]) == 1
    finally:
        inst.stop()
        link.close()
        printer.close()


def test_a_place_worker_reaches_only_printers_in_its_own_networks(tmp_path: Path) -> None:
    printer = OctoPrintServer(tmp_path / "octoprint").start()
    link = FaultyProxy(printer.port)
    try:
        with postgres_database() as database_url, rabbitmq_vhost() as broker_url:
            inst = MakerNetInstallation(tmp_path / "instance", database_url=database_url, broker_url=broker_url,
                                        printer_networks="127.0.0.1/32")
            engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
            # the place's worker knows the broker only, and the networks of its own LAN
            logs = lambda: "\n".join(f"--- {n}\n{inst.log(n)[-2000:]}" for n in ("serve", "worker", "site"))  # noqa: E731
            try:
                for args in (("db", "upgrade"), ("demo", "--yes-load-demo-users", "--octoprint", link.url,
                                                 "--api-key", printer.api_key)):
                    done = inst.run(*args)
                    assert done.returncode == 0, done.stderr
                with engine.begin() as connection:
                    place_id, machine_id = connection.execute(text(
                        "SELECT place_id, id FROM machine WHERE driver = 'octoprint'")).one()
                    connection.execute(text("UPDATE place SET site_worker = true WHERE id = :p"), {"p": place_id})
                    connection.execute(text("UPDATE machine SET driver_settings = '{}' WHERE id = :m"), {"m": machine_id})
                done = inst.run("place", "credentials", str(place_id))   # its own broker user
                assert done.returncode == 0, done.stderr
                site_env = inst.place_env(done.stdout)
                inst.keep_place_key(site_env, machine_id, link.url, printer.api_key)   # kept at the place only
                inst.start("worker", "worker", "--concurrency", "4")
                inst.start("beat", "beat")
                inst.start("site", "worker", "--place", str(place_id), "--concurrency", "2",
                           env={**site_env, "MAKERNET_PRINTER_NETWORKS": "10.99.0.0/16"})
                inst.serve()
                with httpx.Client(base_url=inst.url, timeout=20) as http:
                    api = ApiClient(http)
                    machine = lambda: api.ok("get", f"/machines/{machine_id}", OPERATOR)  # noqa: E731
                    order = accepted_order(api, quantity=20)
                    plates = lambda: api.ok("get", f"/jobs?work_order_id={order['id']}", OPERATOR)  # noqa: E731
                    wait_for("the operator told why", lambda: machine()["state_detail"] == REASON, timeout=60,
                             logs=logs)
                    wait_for("the plates back in the queue", lambda: {j["status"] for j in plates()} == {"queued"},
                             timeout=60, logs=logs)
                    time.sleep(3)   # several polls go by at the place
                    first = plates()[0]
                    assert link.accepted == 0 and print_starts(printer, first["upload_name"]) == 0, logs()

                    inst.kill("site")   # the place lists its LAN, here this machine
                    inst.start("site", "worker", "--place", str(place_id), "--concurrency", "2",
                               env={**site_env, "MAKERNET_PRINTER_NETWORKS": "127.0.0.1/32"})
                    wait_for("the first plate printing", lambda: next(j for j in plates() if j["id"] == first["id"])[
                        "status"] in ("printing", "done"), timeout=90, logs=logs)
                    assert link.accepted > 0 and print_starts(printer, first["upload_name"]) == 1
            finally:
                inst.stop()
                engine.dispose()
    finally:
        link.close()
        printer.close()
