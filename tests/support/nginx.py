"""nginx from Debian in front of a served MakerNet, on loopback, with a self-signed certificate: the region's proxy.

Its site is deploy/nginx/makernet.conf itself, with ports, host and certificate paths replaced.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.support.waiting import START_TIMEOUT

NGINX = "/usr/sbin/nginx"
SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "makernet.conf"


def require_nginx() -> None:
    """nginx must be there in CI; elsewhere its absence skips the proxy journeys."""
    if Path(NGINX).exists() and shutil.which("openssl"):
        return
    message = f"Debian's nginx is not installed at {NGINX} (or openssl is missing)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: .ci/run must install it (apt-get install nginx-light)", pytrace=False)
    pytest.skip(f"{message}; `apt-get install nginx-light` to run the journey through a proxy")


def site(upstream: int, http_port: int, https_port: int, folder: Path) -> str:
    """The deploy example with this test's ports, host and certificate (IPv6 and HTTP/2 left out)."""
    text = SITE.read_text()
    text = re.sub(r"^\s*listen \[::\].*\n", "", text, flags=re.M)
    text = re.sub(r"listen 80;", f"listen 127.0.0.1:{http_port};", text)
    text = re.sub(r"listen 443 ssl[^;]*;.*", f"listen 127.0.0.1:{https_port} ssl;", text)
    text = text.replace("server_name makernet.example.org;", "server_name 127.0.0.1;")
    text = text.replace("https://$host$request_uri", f"https://$host:{https_port}$request_uri")
    text = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {folder / 'cert.pem'};", text)
    text = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {folder / 'key.pem'};", text)
    return text.replace("proxy_pass http://127.0.0.1:8000;", f"proxy_pass http://127.0.0.1:{upstream};")


def start(folder: Path, upstream: int, http_port: int, https_port: int) -> subprocess.Popen:
    """nginx in the foreground with its files in `folder`; returns once MakerNet answers through it on https."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")], check=True,
                   capture_output=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
        "events {}\nhttp {\n"
        f"  access_log {folder / 'access.log'};\n"
        + "".join(f"  {kind}_temp_path {folder / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                        "scgi"))
        + site(upstream, http_port, https_port, folder) + "\n}\n")
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited:\n{(folder / 'error.log').read_text()}")
        try:
            if httpx.get(f"https://127.0.0.1:{https_port}/health/web", verify=False, timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    process.wait(10)
    raise RuntimeError(f"MakerNet did not answer through nginx within {START_TIMEOUT:.0f} s:\n{(folder / 'error.log').read_text()}")
