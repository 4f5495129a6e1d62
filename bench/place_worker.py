"""A place's own worker, installed slim: its installed size, and its memory idle and busy with 10 printers.

    .venv/bin/python -m bench.place_worker                 # 10 printers, 60 s busy
    .venv/bin/python -m bench.place_worker --printers 20 --busy 120

Installs `makernet[place]` as deploy/README.md says (the wheel built from this checkout and the locked, hashed
deploy/place-requirements.txt) into a fresh venv without pip, and counts what it holds. Then runs that venv's
`makernet worker --place N` on the machine's RabbitMQ (a virtual host of its own) with the place's own broker user
from `makernet place credentials N`, its printers' keys kept with `makernet place key`. This script plays the
central side: every poll interval (5 s by default in MakerNet; 1 s here, busier than real) it sends the place's
worker a poll of its printers, and a plate to each idle one; printers are the simulator of OctoPrint's REST API
(bench/printer_sim.py), plates last 5 s. The worker's resident memory (the whole process tree) is sampled
every 0.2 s. Targets: at most 60 MB installed, at most 80 MB resident.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from celery import Celery

from bench import printer_sim
from tests.support.octoprint import free_port
from tests.support.services import rabbitmq_vhost

ROOT = Path(__file__).resolve().parents[1]
UV = str(Path(sys.executable).with_name("uv")) if Path(sys.executable).with_name("uv").exists() else "uv"
GCODE = (ROOT / "makernet" / "demo" / "visor_plate.gcode").read_text()
SECRET = "bench-secret-key-of-at-least-32-characters"


def install(folder: Path) -> Path:
    """`makernet[place]` in a fresh venv without pip: the locked requirements, then the wheel."""
    subprocess.run([UV, "build", "--quiet", "--wheel", "--out-dir", str(folder / "dist"), str(ROOT)], check=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder / "venv")], check=True)
    python = str(folder / "venv" / "bin" / "python")
    subprocess.run([UV, "pip", "install", "--quiet", "--python", python, "--require-hashes",
                    "-r", str(ROOT / "deploy" / "place-requirements.txt")], check=True)
    wheel = next((folder / "dist").glob("makernet-*.whl"))
    subprocess.run([UV, "pip", "install", "--quiet", "--python", python, "--no-deps", str(wheel)], check=True)
    return folder / "venv"


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def size_of(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
        todo += children.get(current, [])
    return total


def sample(pid: int, seconds: float) -> list[int]:
    samples, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        samples.append(tree_rss(pid))
        time.sleep(0.2)
    return samples


def run(printers: int, busy: float) -> None:
    work = Path(tempfile.mkdtemp(prefix="mn-place-bench-"))
    try:
        venv = install(work)
        packages = site_packages(venv)
        installed = size_of(packages)
        biggest = sorted(((size_of(p), p.name) for p in packages.iterdir() if p.is_dir()), reverse=True)[:6]
        with rabbitmq_vhost() as broker_url:
            measure(venv, work, broker_url, printers, busy, installed, biggest)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(venv: Path, work: Path, broker_url: str, printers: int, busy: float, installed: int,
            biggest: list) -> None:
    central = {**{k: v for k, v in os.environ.items() if not k.startswith("MAKERNET_")},
               "MAKERNET_INSTANCE_DIR": str(work / "central"), "MAKERNET_BROKER_URL": broker_url,
               "MAKERNET_SECRET_KEY": SECRET}
    makernet = str(Path(sys.executable).with_name("makernet"))
    for args in (("db", "upgrade"), ("demo", "--yes-load-demo-users")):
        subprocess.run([makernet, *args], env=central, check=True, capture_output=True)
    place_id = 1
    issued = subprocess.run([makernet, "place", "credentials", str(place_id)], env=central, check=True,
                            capture_output=True, text=True).stdout
    place = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "HOME": str(work),
             "MAKERNET_INSTANCE_DIR": str(work / "place"), "MAKERNET_PRINTER_NETWORKS": "127.0.0.0/8",
             **dict(line.split("=", 1) for line in issued.splitlines() if line.startswith("MAKERNET_"))}
    slim = str(venv / "bin" / "makernet")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    for n in range(1, printers + 1):   # the simulator tells its printers apart by key: keys kept at the place
        subprocess.run([slim, "place", "key", str(n), "--url", url, "--key-stdin"], env=place, check=True,
                       input=f"bench-key-{n}\n", text=True, capture_output=True)
    ready = multiprocessing.Event()
    simulator = multiprocessing.Process(target=printer_sim.serve, args=(port, 5.0, ready), daemon=True)
    simulator.start()
    ready.wait(10)
    log = open(work / "place-worker.log", "wb")
    worker = subprocess.Popen([slim, "worker", "--place", str(place_id)], env=place, stdout=log,
                              stderr=subprocess.STDOUT, cwd=work)
    try:
        time.sleep(8)   # started and connected
        idle = sample(worker.pid, 10)
        sent = {"polls": 0, "plates": 0}
        stop = threading.Event()
        feeder = threading.Thread(target=feed, args=(broker_url, place_id, url, printers, stop, sent))
        feeder.start()
        busy_samples = sample(worker.pid, busy)
        stop.set()
        feeder.join()
        started = len(httpx.get(f"{url}/_starts", timeout=10).json())
    finally:
        worker.terminate()
        worker.wait(30)
        simulator.kill()
        log.close()
    mb = lambda b: f"{b / 1e6:.1f} MB"  # noqa: E731
    print(f"place worker, slim install (makernet[place], {sys.version.split()[0]}), {printers} printers")
    print(f"  installed site-packages: {mb(installed)} (target <= 60 MB); largest: "
          + ", ".join(f"{name} {mb(size)}" for size, name in biggest))
    print(f"  resident memory idle:  median {mb(statistics.median(idle))}, max {mb(max(idle))}")
    print(f"  resident memory busy:  median {mb(statistics.median(busy_samples))}, max {mb(max(busy_samples))}"
          f" (target <= 80 MB) over {busy:.0f} s: {sent['polls']} polls of {printers} printers, "
          f"{sent['plates']} plates sent, {started} started")
    print(f"  reproduce: .venv/bin/python -m bench.place_worker --printers {printers} --busy {busy:.0f}")


def feed(broker_url: str, place_id: int, url: str, printers: int, stop: threading.Event, sent: dict) -> None:
    """The central side: a poll of the place's printers every second, a plate to each printer every 6 s."""
    app = Celery("central", broker=broker_url, set_as_current=False)
    queue = f"place.{place_id}"
    route = {"queue": queue, "exchange": queue, "routing_key": queue}
    connections = [{"machine_id": n, "driver": "octoprint", "url": url, "api_key": None, "timeout": 5.0,
                    "settings": {}} for n in range(1, printers + 1)]
    job, last_plates = 0, 0.0
    try:
        while not stop.is_set():
            app.send_task("makernet.site_poll", args=[connections], expires=10, **route)
            sent["polls"] += 1
            if time.monotonic() - last_plates >= 6:
                last_plates = time.monotonic()
                for n in range(1, printers + 1):
                    job += 1
                    plan = {"job_id": job, "machine_id": n, "place_id": place_id, "driver": "octoprint", "url": url,
                            "api_key": None, "timeout": 5.0, "file_name": f"mn-{job}.gcode", "gcode": GCODE,
                            "settings": {}}
                    app.send_task("makernet.site_dispatch", args=[plan], **route)
                    sent["plates"] += 1
            stop.wait(1.0)
    finally:
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--printers", type=int, default=10)
    parser.add_argument("--busy", type=float, default=60.0, help="seconds of work to measure")
    args = parser.parse_args()
    run(args.printers, args.busy)


if __name__ == "__main__":
    main()
