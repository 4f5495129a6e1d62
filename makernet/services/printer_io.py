"""Talking to printers without a database: what central and site workers both run.

Everything here takes and returns plain values that travel in task messages, so a
place's own worker, behind its NAT and holding no database credentials, can do the
printer I/O and send back what it learned.
"""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
from contextlib import suppress
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from makernet.config import Network
from makernet.errors import InvalidInput
from printers.base import (AmbiguousOutcome, Capability, KeyOnboarding, MachineConnection, PrinterError,
                           PrinterState, PrinterStatus, PrinterUnreachable)
from printers.registry import driver_for, drivers_that

POLL_THREADS = 32
# the server's own loopback, link-local (where clouds answer metadata) and "this host" addresses: never a
# printer unless a listed network lies inside them
OWN_NETWORKS = tuple(ipaddress.ip_network(n) for n in ("127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10",
                                                        "0.0.0.0/8", "::/128"))
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class DispatchPlan:
    """Everything needed to start one plate on one printer."""

    job_id: int
    machine_id: int
    place_id: int
    driver: str
    url: str | None
    api_key: str | None
    timeout: float
    file_name: str
    gcode: str
    settings: dict = field(default_factory=dict)   # the driver's other settings, revealed

    @property
    def connection(self) -> MachineConnection:
        """The driver's view of the printer."""
        return MachineConnection(self.driver, self.url, self.api_key, self.timeout, self.settings)


def status_to_dict(status: PrinterStatus) -> dict:
    """A printer reading as a message-safe dict."""
    return {"state": status.state.value, "raw_state": status.raw_state, "file_name": status.file_name,
            "completion": status.completion, "error": status.error, "print_lost": status.print_lost,
            "reason": status.reason}


def status_from_dict(data: dict) -> PrinterStatus:
    """Back from a message to a printer reading."""
    return PrinterStatus(PrinterState(data["state"]), data["raw_state"], data.get("file_name"),
                         data.get("completion"), data.get("error"), bool(data.get("print_lost", False)),
                         data.get("reason"))


def dispatch_on_printer(plan: DispatchPlan, networks: Sequence[Network], client: httpx.Client | None = None) -> dict:
    """Start a plate unless the printer already runs or finished it; say what happened. The printer is read first:
    after a worker died mid-call or a message came twice, the plate may already be there, and uploading again would
    print it twice. One outside `networks` is not contacted: reported unreachable, the plate goes back to its queue."""
    if not in_printer_networks(plan.url, networks):
        return not_contacted_report(plan.url)
    driver = driver_for(plan.connection, client or _reader.get()[1])
    before = driver.status()
    if _is_ours(before, plan.file_name):
        return {"outcome": "already_started", "detail": "the printer already has this plate",
                "status": status_to_dict(before)}
    if before.state != PrinterState.READY:
        kind = "unreachable" if not before.state.is_reachable else "refused"
        return {"outcome": kind, "detail": before.error or f"printer is {before.raw_state}",
                "status": status_to_dict(before)}
    try:
        result = driver.upload_and_start(plan.file_name, plan.gcode.encode(), plan.job_id)
    except AmbiguousOutcome as error:
        return {"outcome": "ambiguous", "detail": str(error), "status": None}
    except PrinterError as error:   # unreachable: nothing was sent; any other: the host refused
        return {"outcome": "unreachable" if isinstance(error, PrinterUnreachable) else "refused",
                "detail": str(error), "status": None}
    if result.started:
        return {"outcome": "started", "detail": "", "status": None}
    after = driver.status()  # "not started" may mean an earlier try of ours is running
    if _is_ours(after, plan.file_name):
        return {"outcome": "already_started", "detail": result.detail, "status": status_to_dict(after)}
    return {"outcome": "refused", "detail": result.detail, "status": status_to_dict(after)}


def stop_on_printer(machine_id: int, conn: MachineConnection, networks: Sequence[Network]) -> dict:
    """Tell a printer to cancel what it prints (nothing if idle), then read it: {"machine_id": ..., **status}."""
    driver = driver_for(conn, _reader.get()[1]) if in_printer_networks(conn.url, networks) else None
    with suppress(PrinterError):   # whatever stopped the cancel, the reading says where the printer is
        driver and driver.cancel()
    return {"machine_id": machine_id, **status_to_dict(driver.status() if driver else not_contacted(conn.url))}


def _is_ours(status: PrinterStatus, file_name: str) -> bool:
    """The printer is running or has just finished this very file."""
    return status.file_name == file_name and (status.state.is_busy or (status.completion or 0) >= 100.0)


def connections_from_message(items: list[dict]) -> list[tuple[int, MachineConnection]]:
    """Back from a message to (machine id, connection) pairs."""
    return [(i["machine_id"], MachineConnection(i["driver"], i["url"], i["api_key"], i["timeout"],
                                                i.get("settings", {}))) for i in items]


class _Reader:
    """Threads and kept-alive HTTP connections shared by every printer call of this process: a poll every few
    seconds would otherwise open new threads and TCP connections each time, costing more than the reads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pool: ThreadPoolExecutor | None = None
        self.client: httpx.Client | None = None

    def get(self) -> tuple[ThreadPoolExecutor, httpx.Client]:
        with self.lock:
            if self.pool is None or self.client is None:
                self.pool = ThreadPoolExecutor(max_workers=POLL_THREADS, thread_name_prefix="printer-poll")
                self.client = httpx.Client(limits=httpx.Limits(max_connections=2 * POLL_THREADS,
                                                               max_keepalive_connections=2 * POLL_THREADS))
            return self.pool, self.client


_reader = _Reader()


def read_statuses(connections: list[tuple[int, MachineConnection]], networks: Sequence[Network]) -> list[dict]:
    """Read many printers at once, those outside `networks` not contacted (unreachable, and why);
    each reading is {"machine_id": ..., **status}."""
    if not connections:
        return []
    pool, client = _reader.get()

    def read(conn: MachineConnection) -> PrinterStatus:
        # checked in the pool: a poll of many printers by name resolves them side by side
        if not in_printer_networks(conn.url, networks):
            return not_contacted(conn.url)
        return driver_for(conn, client).status()

    readings = pool.map(lambda mc: read(mc[1]), connections)
    return [{"machine_id": machine_id, **status_to_dict(status)}
            for (machine_id, _conn), status in zip(connections, readings)]


def split_by_networks(connections: list[tuple[int, MachineConnection]], networks: Sequence[Network]
                      ) -> tuple[list[tuple[int, MachineConnection]], list[dict]]:
    """The printers that may be contacted, and a not-contacted reading of each of the others."""
    if not connections:
        return [], []
    verdicts = list(_reader.get()[0].map(lambda mc: in_printer_networks(mc[1].url, networks), connections))
    allowed = [mc for mc, ok in zip(connections, verdicts) if ok]
    refused = [{"machine_id": m, **status_to_dict(not_contacted(c.url))}
               for (m, c), ok in zip(connections, verdicts) if not ok]
    return allowed, refused


APP_NAME = "MakerNet"
OUTSIDE, EXPIRED = "outside_networks", "expired"   # failures of our own, beside the drivers' (printers.base)


def onboarding_step(payload: dict, networks: Sequence[Network]) -> tuple[dict | None, dict | None]:
    """One step of asking a printer's host for an application key: (payload to retry with, or the result).

    The first step sends the request; later steps poll for the operator's decision on the
    host. OctoPrint forgets a request nobody polls for 5 s, so steps come every second. A host
    outside `networks` (this worker's own) is not contacted.
    """
    if not in_printer_networks(payload["url"], networks):
        return None, {"outcome": "refused", "detail": not_contacted(payload["url"]).error, "reason": OUTSIDE}
    # a request posted before machines named their driver was always OctoPrint's, the one host that hands out keys
    driver_name = payload.get("driver") or drivers_that(Capability.ONBOARDING)[0]
    conn = MachineConnection(driver_name, payload["url"], None, payload.get("timeout", 10.0))
    driver: KeyOnboarding = driver_for(conn, _reader.get()[1])  # type: ignore[assignment]
    try:
        if not payload.get("app_token"):
            return {**payload, "app_token": driver.request_app_key(APP_NAME, payload.get("user"))}, None
        key = driver.poll_app_key(payload["app_token"])
    except PrinterUnreachable as error:
        return None, {"outcome": "unreachable", "detail": str(error), "reason": error.reason}
    except PrinterError as error:
        return None, {"outcome": "refused", "detail": str(error), "reason": error.reason}
    if key is not None:
        return None, {"outcome": "granted", "api_key": key}
    if payload["deadline"] < time.time():
        return None, {"outcome": "expired", "detail": "nobody approved the request on the printer's host in time",
                      "reason": EXPIRED}
    return payload, None


def in_printer_networks(url: str | None, networks: Sequence[Network]) -> bool:
    """Whether a printer address may be contacted: the one rule of every path that writes or reaches one.

    Its IP, or every address its name resolves to now, lies in the printer networks (any but
    the server's own when none are set); a name that resolves to nothing only when none are set.
    """
    addresses = _addresses_of(urlsplit(url or "").hostname or "")
    if addresses is None:
        return not networks
    return all(_allowed(a, networks) for a in addresses)


def require_printer_network(url: str, networks: Sequence[Network]) -> None:
    """Refuse a printer address outside the printer networks (see `in_printer_networks`)."""
    if not in_printer_networks(url, networks):
        # one wording for a name that does not resolve and one outside: what the server's DNS knows stays unsaid
        raise InvalidInput("fleet.address_not_allowed", field="url", host=urlsplit(url).hostname or "")


def not_contacted(url: str | None) -> PrinterStatus:
    """What a printer outside the printer networks shows, never having been asked: unreachable, and why."""
    host = urlsplit(url or "").hostname or ""
    return PrinterStatus(PrinterState.OFFLINE, "not contacted", reason=OUTSIDE,
                         error=f"not contacted: {host} is outside the printer networks (MAKERNET_PRINTER_NETWORKS)")


def not_contacted_report(url: str | None) -> dict:
    """A dispatch's report when the printer is outside the printer networks: nothing sent, the plate requeued."""
    # the code of that failure (as fleet.queries.FAILURES names it), worded in the reader's language where shown
    return {"outcome": "unreachable", "detail": "fleet.outside_networks", "status": None}


def _addresses_of(host: str) -> list[Address] | None:
    """The host's IP, or the addresses its name resolves to now; None when it resolves to nothing."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found] or None


def _allowed(address: Address, networks: Sequence[Network]) -> bool:
    """In a listed network (any, when none are), and in one of the server's own only when listed inside it."""
    address = getattr(address, "ipv4_mapped", None) or address
    holding = [n for n in networks if n.version == address.version and address in n]
    own = next((n for n in OWN_NETWORKS if n.version == address.version and address in n), None)
    if own is not None:
        return any(n.subnet_of(own) for n in holding)  # type: ignore[arg-type]
    return not networks or bool(holding)


def check_connection(conn: MachineConnection) -> dict:
    """What a printer's host says when asked directly: version, state, current file."""
    driver = driver_for(conn, _reader.get()[1])
    try:
        version = driver.server_version()
    except PrinterError as error:
        return {"reachable": False, "version": None, "detail": str(error), "status": None, "reason": error.reason}
    status = driver.status()
    return {"reachable": True, "version": version, "detail": "", "status": status_to_dict(status)}


class _SitePushes:
    """A place's worker's event sockets to its printers (see printers.push)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.listener: object | None = None
        self.printers: dict[int, MachineConnection] = {}
        self.networks: Sequence[Network] = ()
        self.report: Callable[[list[dict]], None] | None = None

    def look(self, machine_id: int, _event: str) -> None:
        """An event: read that printer now and report the reading."""
        conn = self.printers.get(machine_id)
        if conn is not None and self.report is not None:
            self.report(read_statuses([(machine_id, conn)], self.networks))


_site_pushes = _SitePushes()


def follow_pushes(connections: list[tuple[int, MachineConnection]], report: Callable[[list[dict]], None],
                  networks: Sequence[Network]) -> list[int]:
    """On a place's worker: keep event sockets open to these printers (those in `networks` only, which it
    returns); an event reads the printer at once and hands the reading to `report` (sent to central workers)."""
    from printers.push import PushListener
    allowed = dict(split_by_networks(connections, networks)[0])
    with _site_pushes.lock:
        _site_pushes.printers, _site_pushes.report, _site_pushes.networks = allowed, report, tuple(networks)
        if _site_pushes.listener is None:
            _site_pushes.listener = PushListener(_site_pushes.look)
    _site_pushes.listener.follow(allowed)  # type: ignore[attr-defined]
    return sorted(allowed)
