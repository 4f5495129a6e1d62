"""A region installs MakerNet from its wheel, as deploy/README.md says, outside any checkout.

The wheel is built from this checkout, installed into a fresh venv in a temporary folder with the
locked, hashed deploy/requirements.txt, and run from that folder: migrate a PostgreSQL database,
create the first administrator, serve with gunicorn behind Debian's nginx, sign in through nginx,
import the region's places from a CSV file and find them on a page and in the API. The embedded
default (SQLite, `makernet demo`) is checked from the same wheel.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support import nginx
from tests.support.octoprint import free_port
from tests.support.services import postgres_database, redis_key_space
from tests.support.waiting import START_TIMEOUT, stop_process
from tests.support.wheel import built_wheel

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.redis]

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "deploy" / "requirements.txt"
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
ADMIN = "cheffe@coordination-occitanie.fr"
PASSWORD = "trois pommes vertes au marché"
PLACES = ("name;departement;commune;organisation\n"
          "Fab-lab de Toulouse;31;Toulouse;Fab-lab de Toulouse\n"
          "Atelier partagé d'Albi;81;Albi;Atelier partagé d'Albi\n")


def _uv() -> str:
    found = Path(sys.executable).with_name("uv")
    if found.exists():
        return str(found)
    return shutil.which("uv") or pytest.skip("uv is not installed (tests/run puts it in .venv)")


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the checkout with the locked requirements and the wheel built from this checkout.

    uv installs the requirements (from its cache after the first run, so this stays quick); the
    wheel goes in with the venv's own pip, as deploy/README.md does it.
    """
    folder = tmp_path_factory.mktemp("wheel")
    # the source archive first, then the wheel from it, as a release is made: a wheel built in the
    # checkout would also take whatever an earlier build left in its build/ folder
    wheel = built_wheel(tmp_path_factory, _uv())
    subprocess.run([sys.executable, "-m", "venv", str(folder / "venv")], check=True, timeout=120)
    python = folder / "venv" / "bin" / "python"
    subprocess.run([_uv(), "pip", "install", "--quiet", "--python", str(python), "--require-hashes",
                    "-r", str(REQUIREMENTS)], check=True, capture_output=True, timeout=600)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    return folder / "venv"


def _env(home: Path, **settings: str) -> dict[str, str]:
    """Only what a service unit would have: PATH, a home (gunicorn keeps its control socket there) and
    MakerNet's settings; nothing pointing at the checkout."""
    return {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(home),
            **{f"MAKERNET_{key.upper()}": value for key, value in settings.items()}}


def _run(venv: Path, cwd: Path, env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(venv / "bin" / "makernet"), *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"makernet {' '.join(args)}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def _serving(process: subprocess.Popen, url: str, log: Path) -> None:
    """Wait until the app answers /health (a polling wait: gunicorn gives no readiness signal)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the app exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/health/web", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the app did not answer within {START_TIMEOUT:.0f} s:\n{log.read_text()}")


def _sign_in(client: httpx.Client, email: str, password: str) -> None:
    """The sign-in form as a browser posts it, with the page's CSRF token."""
    token = CSRF.search(client.get("/login").text)[1]
    # over https, Flask-WTF also checks that the form came from this site's own page, as a browser says
    answer = client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                         headers={"Referer": str(client.base_url.join("/login"))})
    assert answer.status_code == 302, answer.text[:2000]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def test_the_installed_package_is_the_wheel_not_the_checkout(venv: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import makernet, workers, printers; "
                            "print(makernet.__file__); print(makernet.templates_folder())"],
                           cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, check=True).stdout.split()
    assert all(path.startswith(str(venv)) for path in where), where
    assert (Path(where[1]) / "base.html").is_file()


def test_a_region_goes_from_the_wheel_to_its_first_places_signed_in_through_nginx(venv: Path, tmp_path: Path) -> None:
    nginx.require_nginx()
    upstream, http_port, https_port = free_port(), free_port(), free_port()
    public = f"https://127.0.0.1:{https_port}"
    with postgres_database() as database, redis_key_space() as (broker, prefix):
        env = _env(tmp_path, database_url=database, broker_url=broker, broker_key_prefix=prefix,
                   secret_key=os.urandom(32).hex(), public_url=public, trusted_proxies="1",
                   instance_dir=str(tmp_path / "instance"))
        _run(venv, tmp_path, env, "db", "upgrade")
        created = _run(venv, tmp_path, env, "admin", "create", "--email", ADMIN, "--name", "Anne Cheffe",
                       "--organisation", "Coordination Occitanie", "--password-stdin", stdin=PASSWORD + "\n")
        assert f"administrator {ADMIN} created" in created.stdout
        log = tmp_path / "gunicorn.log"
        web = proxy = None
        try:
            with log.open("w") as output:
                web = subprocess.Popen([str(venv / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{upstream}",
                                        "--workers", "2", "makernet.wsgi:app"],
                                       cwd=tmp_path, env=env, stdout=output, stderr=subprocess.STDOUT)
            _serving(web, f"http://127.0.0.1:{upstream}", log)
            proxy = nginx.start(tmp_path / "nginx", upstream, http_port, https_port)
            with httpx.Client(base_url=public, verify=False, timeout=30) as client:
                _sign_in(client, ADMIN, PASSWORD)
                session = next(cookie for cookie in client.cookies.jar if cookie.name == "session")
                assert session.secure
                token = CSRF.search(client.get("/imports").text)[1]
                imported = client.post("/imports", data={"kind": "places", "action": "import", "csrf_token": token},
                                       files={"file": ("lieux.csv", PLACES.encode(), "text/csv")},
                                       headers={"Referer": f"{public}/imports"})
                assert imported.status_code == 200 and "2 lignes importées." in _text(imported.text), imported.text
                listed = _text(client.get("/places").text)
                assert "Fab-lab de Toulouse" in listed and "Atelier partagé d'Albi" in listed
                issued = client.post("/api/v1/auth/tokens", json={"email": ADMIN, "password": PASSWORD})
                assert issued.status_code == 201, issued.text
                places = client.get("/api/v1/places", headers={"Authorization": f"Bearer {issued.json()['token']}"})
                assert places.status_code == 200
                assert {"Fab-lab de Toulouse", "Atelier partagé d'Albi"} <= {p["name"] for p in places.json()}
                assert client.get("/static/css/makernet.css").status_code == 200
        finally:
            stop_process(proxy, 15)
            stop_process(web, 15)


def test_the_embedded_default_runs_the_demo_from_the_wheel_in_an_empty_folder(venv: Path, tmp_path: Path) -> None:
    port = free_port()
    env = _env(tmp_path, port=str(port))
    _run(venv, tmp_path, env, "db", "upgrade")
    _run(venv, tmp_path, env, "demo")
    assert (tmp_path / ".local" / "share" / "makernet" / "makernet.sqlite3").is_file()   # HOME is tmp_path
    log = tmp_path / "serve.log"
    serve = None
    try:
        with log.open("w") as output:
            serve = subprocess.Popen([str(venv / "bin" / "makernet"), "serve"], cwd=tmp_path, env=env,
                                     stdout=output, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        _serving(serve, url, log)
        with httpx.Client(base_url=url, timeout=30) as client:
            assert "Se connecter" in client.get("/login").text
            _sign_in(client, "fablab.larochelle@demo.makernet.fr", "makernet-demo")
            queue = client.get("/start", follow_redirects=True)
            assert queue.status_code == 200 and "Yann Le Goff" in _text(queue.text) and "Travaux proposés" in queue.text
            refusals = [client.get("/api/v1/places", headers={"Accept-Language": language}).json()["error"]["message"]
                        for language in ("fr", "en")]
            assert refusals[0] != refusals[1]  # the English catalogue (.mo) came with the wheel
    finally:
        stop_process(serve, 15)
