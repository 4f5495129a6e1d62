"""Waiting for something that happens in another process."""
from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(what: str, check: Callable[[], object], timeout: float = 60.0, logs: Callable[[], str] = str) -> object:
    """Poll until `check` returns something truthy and return it; fail naming `what`, with `logs()`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{logs()}")
