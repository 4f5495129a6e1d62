"""One planning run of a coordinator over a nation-sized territory: its time read, solved and written, memory, SQL.

    .venv/bin/python -m bench.planner_scale                         # 5k lines x 30 places, 20k x 100, 50k x 300 on
                                                                    # PostgreSQL, 5k x 30 on SQLite: a few minutes
    .venv/bin/python -m bench.planner_scale --lines 5000 20000 50000 --places 30 100 300    # the whole grid
    .venv/bin/python -m bench.planner_scale --cases 50000x100 --history 230000 --no-sqlite  # the issue's history

Each case writes a territory into a fresh database (PostgreSQL: a database of its own, dropped after; SQLite: a
file) with tests/support/territory_scale.py: the places, `lines` open request lines, and a history of --history
lines delivered, --unconfirmed of them still awaiting their receipt (their requests shipped, so still in a state
the planner reads). Then a child process, pinned to one CPU, runs one planning run as the coordinator starts it
(`plans.run_plan`, carried out at once if the service only queues it) and times its parts on the same territory:

* read: `plans.plan_input` alone, before the run; solve: `makernet.planner.plan` alone on what it read (with the
  run's release days); run solve: the solver's seconds the run itself records (the same call, in the run); write:
  the whole run minus read and run solve (the run reads and solves again, then writes; on a busy machine the
  read's noise lands in it); accept: of the write, what auto-accepting places took to queue their plates;
* peak MB: the child's resident-set high-water mark (VmHWM of /proc/self/status, what `ru_maxrss` counts but for
  this process image alone), interpreter, app and SciPy included; base MB: its resident set just before the case;
* statements: SQL statements the run sent (a `before_cursor_execute` listener on the engine), the read's apart.

A case that fails (the 65,535 parameters a PostgreSQL statement may carry, an error, --timeout) prints a line
saying where and why. The header names the code measured (git describe, dirty if the tree has changes).
"""
from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from makernet import schema  # noqa: E402
from makernet.config import Settings  # noqa: E402
from makernet.db import Database  # noqa: E402
from makernet.services.context import Context  # noqa: E402
from makernet.services.subscriptions import SUBSCRIBERS  # noqa: E402
from tests.support.fakes import RecordingQueue  # noqa: E402
from tests.support.services import postgres_database  # noqa: E402
from tests.support.territory_scale import Territory, fill, plan_as_coordinator  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASES = ("5000x30", "20000x100", "50000x300")
COLUMNS = (("database", 8, "{}"), ("lines", 7, "{:,}"), ("places", 6, "{}"), ("history", 8, "{:,}"),
           ("made s", 7, "{:.1f}"), ("plannable", 9, "{:,}"), ("read s", 7, "{:.2f}"), ("solve s", 8, "{:.2f}"),
           ("run solve s", 11, "{:.2f}"), ("write s", 8, "{:.2f}"), ("accept s", 8, "{:.2f}"), ("run s", 7, "{:.2f}"),
           ("peak MB", 8, "{:.0f}"), ("base MB", 8, "{:.0f}"), ("read sql", 8, "{:,}"), ("run sql", 8, "{:,}"),
           ("orders", 7, "{:,}"))


def _megabytes(field: str = "VmHWM") -> float:
    """This process's resident set (VmRSS) or its high-water mark (VmHWM), as Linux counts them, in MB.

    Not `ru_maxrss`: Linux carries it over an exec, so a spawned child would report its parent's size at the fork.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _why(error: BaseException) -> str:
    """An error in one line: its kind and the first line of its message (never the statement it carried)."""
    cause = getattr(error, "orig", None) or error
    message = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {message[:160]}"


def measure(url: str, territory: Territory, cpu: int | None, answer: object) -> None:
    """In a child process: read, solve and one whole run on the territory; its figures sent back through `answer`."""
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    import makernet.planner.solve  # noqa: F401 - SciPy loaded up front, as a running server has it
    from makernet.planner import plan
    from makernet.services.plans import RELEASE_DAYS, plan_input
    db, folder = Database(url), tempfile.TemporaryDirectory(prefix="makernet-scale-")
    ctx = Context(db=db, tasks=RecordingQueue(), subscribers=SUBSCRIBERS,
                  settings=Settings(instance_dir=Path(folder.name), secret_key="bench"))
    sent = [0]
    event.listen(db.engine, "before_cursor_execute", lambda *_: sent.__setitem__(0, sent[0] + 1))
    figures: dict = {"base MB": _megabytes("VmRSS")}
    phase = "connect"
    try:
        with db.reading() as s:   # the pool's first connection is not the read's
            s.connection().exec_driver_sql("SELECT 1")
        phase, sent[0] = "read", 0
        started = perf_counter()
        with db.reading() as s:
            data = plan_input(s, territory.today, territory.coordinator.territory)
        figures.update({"read s": perf_counter() - started, "read sql": sent[0], "plannable": len(data.lines)})
        phase, started = "solve", perf_counter()
        plan(replace(data, release_days=RELEASE_DAYS))
        figures["solve s"] = perf_counter() - started
        del data
        gc.collect()
        phase, sent[0], started = "run", 0, perf_counter()
        run = plan_as_coordinator(ctx, territory)
        figures.update({"run s": perf_counter() - started, "run sql": sent[0], "orders": len([
            c for c in run.get("changes", []) if c.get("work_order_id") and c.get("what") != "retiré"])})
        figures["run solve s"] = run.get("seconds", figures["solve s"])
        if "auto_accept_seconds" in run:
            figures["accept s"] = run["auto_accept_seconds"]
        figures["write s"] = figures["run s"] - figures["read s"] - figures["run solve s"]
    except Exception as error:  # noqa: BLE001 - reported as the case's failure line
        figures["failure"] = f"{phase} failed: {_why(error)}"
    figures["peak MB"] = _megabytes()
    db.dispose()
    folder.cleanup()
    answer.send(figures)


def in_child(url: str, territory: Territory, cpu: int | None, timeout: float) -> dict:
    """`measure` in a fresh interpreter (spawned: its memory is the case's alone), stopped after `timeout` s."""
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=measure, args=(url, territory, cpu, sending))
    child.start()
    sending.close()
    try:
        if receiving.poll(timeout):
            return receiving.recv()
        return {"failure": f"stopped after {timeout:.0f} s (--timeout)"}
    except EOFError:
        return {"failure": f"the child process ended with code {child.exitcode} before answering"}
    finally:
        if child.is_alive():
            child.kill()
        child.join()


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A fresh, migrated database of this kind, removed afterwards; yields its URL."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="makernet-scale-") as folder:
            url = f"sqlite:///{Path(folder) / 'territory.sqlite3'}"
            _migrate(url)
            yield url
        return
    with postgres_database() as url:
        _migrate(url)
        yield url


def _migrate(url: str) -> None:
    db = Database(url)
    schema.upgrade(db)
    db.dispose()


def run_case(kind: str, lines: int, places: int, args: argparse.Namespace) -> dict:
    """Write one territory, measure one run on it; the row of the table."""
    row = {"database": kind, "lines": lines, "places": places, "history": args.history}
    try:
        with database(kind) as url:
            db, started = Database(url), perf_counter()
            territory = fill(db.engine, places=places, lines=lines, history=args.history,
                             unconfirmed=args.unconfirmed, seed=args.seed)
            db.dispose()
            row["made s"] = perf_counter() - started
            row.update(in_child(url, territory, args.cpu, args.timeout))
    except Exception as error:  # noqa: BLE001 - the territory could not be written: say so, go on with the next
        row["failure"] = f"territory not written: {_why(error)}"
    return row


def cases(args: argparse.Namespace) -> list[tuple[str, int, int]]:
    """The cases asked for: --cases, else the grid of --lines and --places, else the default; SQLite's last."""
    if args.lines or args.places:
        sizes = [(n, p) for n in args.lines or [5000] for p in args.places or [30]]
    else:
        sizes = [tuple(int(v) for v in case.lower().split("x")) for case in args.cases or DEFAULT_CASES]
    chosen = [("postgres", n, p) for n, p in sizes] if not args.sqlite_only else []
    if args.sqlite_only or not args.no_sqlite:
        sqlite = sizes if args.sqlite_only else [tuple(int(v) for v in args.sqlite.lower().split("x"))]
        chosen += [("sqlite", n, p) for n, p in sqlite]
    return chosen


def print_row(row: dict) -> None:
    """One case: its figures, or what it reached and why it stopped."""
    cells = [fmt.format(row[name]).rjust(width) if name in row else "-".rjust(width) for name, width, fmt in COLUMNS]
    print("  ".join(cells) + (f"  FAILED {row['failure']}" if "failure" in row else ""), flush=True)


def code_measured() -> str:
    """The commit measured, marked dirty when the working tree has changes, and where the code was loaded from."""
    described = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True,
                               check=False)
    return f"{described.stdout.strip() or 'unknown'} ({Path(schema.__file__).resolve().parent})"


def main(argv: list[str] | None = None) -> None:
    """Measure every case asked for, one after another, and print the table as it fills."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", help=f"LINESxPLACES, e.g. 50000x300 (default {' '.join(DEFAULT_CASES)})")
    parser.add_argument("--lines", nargs="+", type=int, help="open lines of a grid (5000 20000 50000)")
    parser.add_argument("--places", nargs="+", type=int, help="places of a grid (30 100 300)")
    parser.add_argument("--history", type=int, default=70_000, help="lines of delivered history (default 70,000)")
    parser.add_argument("--unconfirmed", type=float, default=0.3,
                        help="share of the history whose receipt is not confirmed yet (default 0.3)")
    parser.add_argument("--sqlite", default="5000x30", help="the SQLite case (default 5000x30)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--sqlite-only", action="store_true", help="the cases on SQLite only")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cpu", type=int, default=min(os.sched_getaffinity(0)),
                        help="the CPU the measured process is pinned to (default the first this process may use)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds a case's run may take (default 900)")
    args = parser.parse_args(argv)
    print(f"planner at scale, code {code_measured()}; one run per case, pinned to CPU {args.cpu}; history "
          f"{args.history:,} lines ({args.unconfirmed:.0%} awaiting receipt), seed {args.seed}", flush=True)
    print("  ".join(name.rjust(width) for name, width, _ in COLUMNS), flush=True)
    for kind, lines, places in cases(args):
        print_row(run_case(kind, lines, places, args))
    print("made: seconds writing the territory; plannable: open lines plan_input counted; orders: work orders the run"
          " wrote; write = run - read - run solve; peak MB: the measuring child's high-water mark; base MB: its size"
          " before the case")
    print("reproduce: .venv/bin/python -m bench.planner_scale " + " ".join(argv if argv is not None else sys.argv[1:]))


if __name__ == "__main__":
    main()
