"""The printer keys a place's own worker keeps on its machine, sealed: the central server never has them.

A place with its own worker connects its printers through it: the key a printer's host hands out is written
in the worker's instance folder (`printer-keys.json`, mode 0600), sealed (`makernet.services.sealing`) with the
place's own secret (MAKERNET_SECRET_KEY at the place, or one generated once into the same folder). The central
server is told only that the printer has a key; the messages it sends the place name a machine and its
address, never a key, and the worker adds the key on its side. A key is kept with the address it was granted
for: a message that names the machine at another address gets none, so a changed address cannot lead a key
elsewhere. The token of a key request still waiting for the operator's approval (with it, the key could be
fetched once approved) stays there too; the request's next look, posted back to the place's queue, carries
only a mark.
"""
from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from makernet.config import Settings
from makernet.services.printer_io import status_to_dict
from makernet.services.sealing import instance_secret, open_with, seal_with
from printers.base import AddressRefused, PrinterError, PrinterState, PrinterStatus, host_address
from printers.registry import driver_info

FILE = "printer-keys.json"
AT_PLACE = "kept-at-place"   # what a waiting key request carries instead of its token


class PlaceKeys:
    """The keys of a place's printers, by machine id, in one sealed file that several threads and
    processes of the worker share (each change holds a lock on it)."""

    def __init__(self, folder: Path, secret: str) -> None:
        self.path, self._secret = folder / FILE, secret

    @classmethod
    def of(cls, settings: Settings) -> PlaceKeys:
        """The keys of the worker with these settings, in its instance folder."""
        folder = settings.instance_dir
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return cls(folder, settings.secret_key or instance_secret(folder))

    def key(self, machine_id: int, url: str | None) -> str | None:
        """The printer's key, if this place holds one for that machine at that address."""
        return self._open(self._read().get("keys", {}), machine_id, url)

    def keep(self, machine_id: int, url: str | None, key: str) -> None:
        """Keep a granted key (replacing an older one), and drop the request that obtained it."""
        def change(data: dict) -> None:
            data.setdefault("keys", {})[str(machine_id)] = {"url": url, "sealed": seal_with(self._secret, key)}
            data.setdefault("waiting", {}).pop(str(machine_id), None)
        self._change(change)

    def token(self, machine_id: int, url: str | None) -> str | None:
        """The token of the key request waiting for the operator's approval on that printer."""
        return self._open(self._read().get("waiting", {}), machine_id, url)

    def wait(self, machine_id: int, url: str | None, token: str) -> None:
        """Hold the token of a key request until the operator decides."""
        self._change(lambda data: data.setdefault("waiting", {}).__setitem__(
            str(machine_id), {"url": url, "sealed": seal_with(self._secret, token)}))

    def settle(self, machine_id: int) -> None:
        """A key request came to an end (refused, expired, the printer unreachable): forget its token."""
        self._change(lambda data: data.setdefault("waiting", {}).pop(str(machine_id), None))

    def _open(self, entries: dict, machine_id: int, url: str | None) -> str | None:
        entry = entries.get(str(machine_id))
        if not entry or entry.get("url") != url:
            return None
        return open_with(self._secret, entry["sealed"])

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}

    def _change(self, change: Callable[[dict], None]) -> None:
        with self._locked():
            data = self._read()
            change(data)
            draft = self.path.with_name(f".{FILE}.{os.getpid()}")
            draft.write_text(json.dumps(data, indent=1, sort_keys=True))
            draft.chmod(0o600)
            os.replace(draft, self.path)   # a reader sees the old file or the new one, never half of one

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.path.with_name(f".{FILE}.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)   # each open is its own lock: threads of one process wait too
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


NO_KEY = "no key for this printer on the place's machine: ask for a new key on the place's page"
NO_KEY_REASON = "no_key_at_place"   # its code and words: fleet.queries.FAILURES, makernet/messages/fleet.py


def with_place_keys(keys: PlaceKeys | None, connections: list[dict]) -> tuple[list[dict], list[dict]]:
    """The connections to read, with the keys the place keeps, and a reading of each printer that needs a
    key the place does not have (not contacted)."""
    if keys is None:
        return connections, []
    usable, keyless = [], []
    for conn in connections:
        conn = {**conn, "api_key": keys.key(conn["machine_id"], conn["url"])}
        if conn["api_key"] or not needs_key(conn["driver"]):
            usable.append(conn)
        else:
            status = PrinterStatus(PrinterState.ERROR, "no key", error=NO_KEY, reason=NO_KEY_REASON)
            keyless.append({"machine_id": conn["machine_id"], **status_to_dict(status)})
    return usable, keyless


def needs_key(driver: str) -> bool:
    """Whether a driver's printers answer only with a key."""
    try:
        return driver_info(driver).needs_key
    except PrinterError:
        return False


def keep_printer_key(settings: Settings, machine_id: int, url: str, key: str) -> Path:
    """Keep a key the place's operator already has (`makernet place key M`) for printer M at `url`, as the
    central side writes its address; the file it is sealed in. ValueError for an address that is no printer's."""
    try:
        address = host_address(url)
    except AddressRefused as refused:
        raise ValueError(str(refused)) from None
    keys = PlaceKeys.of(settings)
    keys.keep(machine_id, address, key)
    return keys.path
