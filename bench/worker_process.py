"""One `makernet worker` process under measure: its CPU time and memory read from /proc."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

MAKERNET = str(Path(sys.executable).parent / "makernet")


class WorkerProcess:
    """One `makernet worker` process, with its CPU time and memory read from /proc."""

    def __init__(self, env: dict[str, str], log: Path, concurrency: int) -> None:
        with open(log, "ab") as out:
            self.process = subprocess.Popen([MAKERNET, "worker", "--concurrency", str(concurrency),
                                             "--loglevel", "WARNING"], env=env, stdout=out, stderr=subprocess.STDOUT)
        time.sleep(3.0)

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the worker and its threads."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        """Resident memory in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)
