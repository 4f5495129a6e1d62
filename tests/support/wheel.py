"""The wheel of this checkout, built once per test run and shared by the tests that install it."""
from __future__ import annotations

import fcntl
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def built_wheel(tmp_path_factory: pytest.TempPathFactory, uv: str) -> Path:
    """`uv build` of the checkout (the source archive first, then the wheel from it, as a release is made),
    made by the first test process that asks and reused by the others of the same run."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base   # one folder for every worker
    dist = shared / "makernet-dist"
    with open(shared / "makernet-dist.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            wheels = sorted(dist.glob("makernet-*-py3-none-any.whl"))
            if not wheels:
                subprocess.run([uv, "build", "--quiet", "--out-dir", str(dist), str(ROOT)],
                               check=True, capture_output=True, timeout=300)
                wheels = sorted(dist.glob("makernet-*-py3-none-any.whl"))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    (wheel,) = wheels
    return wheel
