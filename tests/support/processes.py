"""MakerNet's own processes (serve, worker, beat) run as a user would run them."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.octoprint import free_port
from tests.support.waiting import START_TIMEOUT

MAKERNET = str(Path(sys.executable).parent / "makernet")


class MakerNetInstallation:
    """One installation: its environment, its commands and its running processes."""

    def __init__(self, instance_dir: Path, **settings: str) -> None:
        self.instance_dir = instance_dir
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MAKERNET_")}
        self.env.update({"MAKERNET_INSTANCE_DIR": str(instance_dir), "MAKERNET_SECRET_KEY": "test-secret-key-of-at-least-32-characters",
                         "MAKERNET_POLL_INTERVAL": "0.5", "MAKERNET_DISPATCH_TIMEOUT": "10",
                         # the tests' printers run on this machine, as a fab-lab's OctoPrint beside its MakerNet
                         "MAKERNET_PRINTER_NETWORKS": "127.0.0.0/8"})
        self.env.update({f"MAKERNET_{k.upper()}": v for k, v in settings.items()})
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        instance_dir.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        """Where `makernet serve` listens."""
        return f"http://127.0.0.1:{self.port}"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run one `makernet` command to completion."""
        return subprocess.run([MAKERNET, *args], env=self.env, capture_output=True, text=True, timeout=120)

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> None:
        """Start a long-running `makernet` command, its output appended in the instance folder."""
        with open(self.instance_dir / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen([MAKERNET, *args], env=env or self.env, stdout=log,
                                                    stderr=subprocess.STDOUT)

    def place_env(self, credentials: str, name: str = "place") -> dict[str, str]:
        """The environment of a place's own worker: the lines `makernet place credentials N` printed, an instance
        folder of its own (where it keeps its printers' keys), no database and no secret of the central side."""
        env = {k: v for k, v in self.env.items() if k not in ("MAKERNET_DATABASE_URL", "MAKERNET_SECRET_KEY")}
        env.update(line.split("=", 1) for line in credentials.splitlines() if line.startswith("MAKERNET_"))
        env["MAKERNET_INSTANCE_DIR"] = str(self.instance_dir / name)
        return env

    def keep_place_key(self, env: dict[str, str], machine_id: int, url: str, key: str) -> None:
        """`makernet place key M` on the place's machine: a key the operator already has, kept there."""
        done = subprocess.run([MAKERNET, "place", "key", str(machine_id), "--url", url, "--key-stdin"], env=env,
                              input=key + "\n", capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr

    def kill(self, name: str) -> None:
        """SIGKILL a process, as a power cut or the OOM killer would."""
        process = self.processes.pop(name)
        process.kill()
        process.wait(10)

    def serve(self) -> None:
        """Start the web app and wait until it answers (503 too: beat or the listener may not be up yet)."""
        self.start("serve", "serve", "--port", str(self.port))
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.processes["serve"].poll() is not None:
                raise RuntimeError(f"makernet serve exited:\n{self.log('serve')}")
            try:
                if httpx.get(self.url + "/health/web", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"makernet serve did not answer:\n{self.log('serve')}")

    def log(self, name: str) -> str:
        """The tail of a process's output."""
        path = self.instance_dir / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        """Stop every process, politely then firmly."""
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        self.processes.clear()
