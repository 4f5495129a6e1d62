"""Driver registry, shaped like Redash's query runners: drivers register under a name,
machines name their driver, and `driver_for` builds the right one."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from printers.base import Driver, MachineConnection, PrinterError
from printers.manual import ManualDriver
from printers.octoprint import OctoPrintDriver

DriverFactory = Callable[..., Driver]
_T = TypeVar("_T")

_drivers: dict[str, DriverFactory] = {}


def register(name: str) -> Callable[[_T], _T]:
    """Class decorator: make a driver class available under `name`."""
    def decorator(cls: _T) -> _T:
        existing = _drivers.get(name)
        # Re-registering the same class is harmless (module reload); two classes on one
        # name is a mistake that would silently change which code drives a machine.
        if existing is not None and existing is not cls:
            raise ValueError(f"driver name {name!r} is already taken by {existing!r}")
        _drivers[name] = cls  # type: ignore[assignment]
        return cls
    return decorator


def available_drivers() -> list[str]:
    """Names of every registered driver, sorted."""
    return sorted(_drivers)


def driver_for(conn: MachineConnection, client: object | None = None) -> Driver:
    """Build the driver a machine's connection names, sharing `client` (an httpx.Client) if given."""
    factory = _drivers.get(conn.driver)
    if factory is None:
        known = ", ".join(available_drivers())
        raise PrinterError(f"unknown machine driver {conn.driver!r}; available drivers: {known}")
    return factory(conn, client)


# Built-in drivers are registered here rather than by decorating them in their own
# modules, which would make those modules and this one import each other.
register("octoprint")(OctoPrintDriver)
register("manual")(ManualDriver)
