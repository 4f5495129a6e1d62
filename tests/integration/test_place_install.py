"""A place installs its worker slim, as deploy/README.md says: `makernet[place]`, nothing of the server.

The wheel is built from this checkout and installed with the locked, hashed deploy/place-requirements.txt into a
fresh venv outside the checkout; Flask, SQLAlchemy, SQLModel, SciPy, NumPy and ReportLab are not importable
there. The central side (PostgreSQL, RabbitMQ, serve, worker, beat) runs from the checkout; the place's worker
runs from the slim venv with only the lines `makernet place credentials N` printed: its operator connects a
real OctoPrint from the place's page, approves the key in OctoPrint, and a plate is printed through it.
"""
from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.support.api import OPERATOR, ApiClient, accepted_plate
from tests.support.octoprint import ADMIN_USER, OctoPrintServer, gcode_lasting, print_starts
from tests.support.processes import MakerNetInstallation
from tests.support.services import postgres_database, rabbitmq_vhost
from tests.support.waiting import wait_for
from tests.support.wheel import built_wheel

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.octoprint]

ROOT = Path(__file__).resolve().parents[2]
SERVER_ONLY = ("flask", "sqlalchemy", "sqlmodel", "scipy", "numpy", "reportlab", "psycopg", "alembic", "redis")


def _uv() -> str:
    found = Path(sys.executable).with_name("uv")
    return str(found) if found.exists() else pytest.skip("uv is not installed (tests/run puts it in .venv)")


@pytest.fixture(scope="module")
def slim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`makernet[place]` in a fresh venv: the locked place requirements, then the wheel."""
    folder = tmp_path_factory.mktemp("place-install")
    wheel = built_wheel(tmp_path_factory, _uv())
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder / "venv")], check=True, timeout=120)
    python = str(folder / "venv" / "bin" / "python")
    for args in (("--require-hashes", "-r", str(ROOT / "deploy" / "place-requirements.txt")),
                 ("--no-deps", str(wheel))):
        subprocess.run([_uv(), "pip", "install", "--quiet", "--python", python, *args],
                       check=True, capture_output=True, timeout=600)
    return folder / "venv"


def test_the_slim_install_holds_nothing_of_the_server(slim: Path) -> None:
    for module in SERVER_ONLY:
        done = subprocess.run([str(slim / "bin" / "python"), "-c", f"import {module}"], capture_output=True,
                              text=True, timeout=60, cwd=slim)
        assert done.returncode == 1 and "ModuleNotFoundError" in done.stderr, (module, done.stderr)
    site = next((slim / "lib").glob("python3*/site-packages"))
    installed = sum(f.stat().st_size for f in site.rglob("*") if f.is_file())
    assert installed <= 60_000_000, f"makernet[place] installs {installed / 1e6:.1f} MB"
    # a refusal is one line, worded by its code and values without the server's catalogue
    done = subprocess.run([str(slim / "bin" / "makernet"), "worker", "--place", "1"], capture_output=True, text=True,
                          timeout=60, cwd=slim, env={"PATH": "/usr/bin:/bin", "HOME": str(slim),
                                                     "MAKERNET_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672/",
                                                     "MAKERNET_POLL_INTERVAL": "soon"})
    assert done.returncode == 2 and done.stderr.strip().splitlines() == [
        "makernet: config.invalid_value: name 'MAKERNET_POLL_INTERVAL', value 'soon'"], done.stderr


@pytest.fixture
def printer(tmp_path: Path) -> Iterator[OctoPrintServer]:
    with OctoPrintServer(tmp_path / "octoprint").start() as server:
        yield server


def test_a_place_prints_through_its_slim_worker(slim: Path, printer: OctoPrintServer, tmp_path: Path) -> None:
    with postgres_database() as database_url, rabbitmq_vhost() as broker_url:
        inst = MakerNetInstallation(tmp_path / "instance", database_url=database_url, broker_url=broker_url)
        engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            for args in (("db", "upgrade"), ("demo", "--yes-load-demo-users")):
                done = inst.run(*args)
                assert done.returncode == 0, done.stderr
            with engine.begin() as db:
                db.execute(text("UPDATE platelayout SET gcode = :g"), {"g": gcode_lasting(2).decode()})
                place_id = db.execute(text("UPDATE place SET site_worker = true WHERE name = 'FabLab La Rochelle' "
                                           "RETURNING id")).scalar_one()
                db.execute(text("UPDATE machine SET active = false WHERE place_id = :p"), {"p": place_id})
            credentials = inst.run("place", "credentials", str(place_id))
            assert credentials.returncode == 0, credentials.stderr
            # what the place's operator has: the lines printed for it, its LAN, a folder of its own
            place_env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path / "place"),
                         "MAKERNET_INSTANCE_DIR": str(tmp_path / "place"), "MAKERNET_PRINTER_NETWORKS": "127.0.0.0/8",
                         **dict(line.split("=", 1) for line in credentials.stdout.splitlines()
                                if line.startswith("MAKERNET_"))}
            inst.start("worker", "worker", "--concurrency", "4")
            inst.start("beat", "beat")
            with open(tmp_path / "place.log", "ab") as log:
                site = subprocess.Popen([str(slim / "bin" / "makernet"), "worker", "--place", str(place_id)],
                                        env=place_env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
            inst.processes["site"] = site
            inst.serve()
            logs = lambda: (tmp_path / "place.log").read_text()[-3000:] + inst.log("worker")[-2000:]  # noqa: E731
            with httpx.Client(base_url=inst.url, timeout=20) as http:
                api = ApiClient(http)
                machine = api.ok("post", f"/places/{place_id}/printers", OPERATOR, status=201, json={
                    "name": "Prusa atelier", "url": printer.url, "printer_profile": "prusa-mk3", "user": ADMIN_USER})
                assert printer.decide_key_requests(approve=True) == 1
                wait_for("the key kept at the place", lambda: _key_state(engine, machine["id"]) == ("stored", True), 60,
                         logs)
                assert (tmp_path / "place" / "printer-keys.json").exists()

                plate = accepted_plate(api, place_id, OPERATOR)
                done_plate = lambda: api.ok("get", f"/jobs?work_order_id={plate['work_order_id']}", OPERATOR)[0]["status"]  # noqa: E731
                wait_for("the plate printed through the slim worker", lambda: done_plate() == "done", 90, logs)
                assert print_starts(printer, plate["upload_name"]) == 1
        finally:
            inst.stop()
            engine.dispose()


def _key_state(engine, machine_id: int) -> tuple:  # noqa: ANN001
    with engine.begin() as db:
        return tuple(db.execute(text("SELECT key_status, active FROM machine WHERE id = :m"), {"m": machine_id}).one())
