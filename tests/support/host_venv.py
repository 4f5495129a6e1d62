"""Printer host software (OctoPrint, Moonraker with Klipper, PrusaLink) in venvs of their own, cached between runs,
and what their test servers share.

A host's pins clash with the app's (OctoPrint's Flask and Click with Celery's, for one), so each lives in its own
venv under the user cache, installed once from PyPI and driven over HTTP only.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx

MARKER = ".makernet-installed"


def host_venv(name: str, requirements: Sequence[str], env_var: str,
              finish: Callable[[Path], None] | None = None) -> Path:
    """The venv `name` (or $`env_var`), created first if needed, safe under pytest-xdist: one worker installs
    `requirements` (and runs `finish(venv)`, e.g. to fetch a data file or build a C helper) while the rest wait."""
    configured = os.environ.get(env_var)
    venv = Path(configured).expanduser() if configured else Path.home() / ".cache" / "makernet" / name
    if (venv / MARKER).exists():
        return venv
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f".{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / MARKER).exists():   # written last: a half-finished install never counts as ready
            _install(venv, requirements)
            if finish is not None:
                finish(venv)
            (venv / MARKER).write_text("\n".join(requirements) + "\n")
    return venv


def _install(venv: Path, requirements: Sequence[str]) -> None:
    """Create the venv and install the pinned requirements, with uv when the project has it."""
    uv = find_uv()
    if not (venv / "bin" / "python").exists():
        # uv installs without pip inside the target, which saves the slow ensurepip step
        subprocess.run([sys.executable, "-m", "venv", *(["--without-pip"] if uv else []), str(venv)],
                       check=True, capture_output=True)
    if uv:
        # byte-compiled at install: each start of the host would otherwise compile its modules again
        command = [str(uv), "pip", "install", "--compile-bytecode", "--python", str(venv / "bin" / "python"),
                   *requirements]
    else:
        command = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *requirements]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"installing {' '.join(requirements)} into {venv} failed:\n{result.stderr[-3000:]}")


def find_uv() -> Path | None:
    """The uv next to the running interpreter (the project venv), else one on PATH."""
    beside = Path(sys.executable).parent / "uv"
    if beside.exists():
        return beside
    found = shutil.which("uv")
    return Path(found) if found else None


def host_env() -> dict[str, str]:
    """The environment for a host process: the app venv's variables must not leak into its interpreter."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONWARNINGS")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


class HostServer:
    """What the tests' real printer hosts share: `with` starts and closes one, `request` calls its API with its key."""

    url: str
    api_key: str
    running: bool

    def start(self) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Any:
        return self.start() if not self.running else self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call to the host's API with its key as X-Api-Key."""
        headers = {"X-Api-Key": self.api_key, **kwargs.pop("headers", {})}
        with httpx.Client(base_url=self.url, timeout=kwargs.pop("timeout", 10.0)) as client:
            return client.request(method, path, headers=headers, **kwargs)
