"""Waiting for something that happens in another process."""
from __future__ import annotations

import subprocess
import time
from collections.abc import Callable

# seconds a server the tests start may take to answer: a few on an idle machine, up to ten times more on a loaded
# CI machine; reached only when the server never comes up
START_TIMEOUT = 120.0


def wait_for(what: str, check: Callable[[], object], timeout: float = 60.0, logs: Callable[[], str] = str) -> object:
    """Poll until `check` returns something truthy and return it; fail naming `what`, with `logs()`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{logs()}")


def wait_for_status(driver: object, condition: Callable[[object], bool], timeout: float) -> object:
    """Poll a printer driver's status until `condition` holds; fail with the last status otherwise."""
    deadline = time.monotonic() + timeout
    status = driver.status()  # type: ignore[attr-defined]
    while not condition(status):
        assert time.monotonic() < deadline, f"still {status} after {timeout} s"
        time.sleep(0.05)
        status = driver.status()  # type: ignore[attr-defined]
    return status


def stop_process(process: subprocess.Popen | None, timeout: float = 10.0) -> None:
    """SIGTERM a process we started, SIGKILL it after `timeout` seconds, and reap it (no zombie, no warning)."""
    if process is None:
        return
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait()
