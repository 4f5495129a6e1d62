"""Driver registry, shaped like Redash's query runners: drivers register under a name with
what they can do and the settings they need; machines name their driver, and `driver_for`
builds the right one."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from printers.base import Capability, Driver, MachineConnection, PrinterError, Setting
from printers.manual import ManualDriver
from printers.moonraker import MoonrakerDriver
from printers.octoprint import OctoPrintDriver
from printers.prusalink import PrusaLinkDriver

DriverFactory = Callable[..., Driver]
_T = TypeVar("_T")
MANUAL = "manual"   # people, not a host, do the work: the driver of every manual work centre


@dataclass(frozen=True)
class DriverInfo:
    """A registered driver: its name, how to build it, what it can do, the settings it needs."""

    name: str
    label: str
    factory: DriverFactory
    capabilities: frozenset[Capability]
    settings: tuple[Setting, ...]

    def can(self, capability: Capability) -> bool:
        """Whether machines of this driver can do that."""
        return capability in self.capabilities

    @property
    def secret_settings(self) -> tuple[str, ...]:
        """The settings sealed at rest and never shown back."""
        return tuple(s.name for s in self.settings if s.secret)

    @property
    def needs_key(self) -> bool:
        """Its host answers only with a key (a Moonraker trusting its clients needs none)."""
        return any(s.secret and s.required for s in self.settings)

    @property
    def at_an_address(self) -> bool:
        """Its machines are reached at a network address (a host's), not worked by hand."""
        return any(s.name == "address" for s in self.settings)


_drivers: dict[str, DriverInfo] = {}


def register(name: str, *, label: str = "", capabilities: Iterable[Capability] = (),
             settings: Iterable[Setting] = ()) -> Callable[[_T], _T]:
    """Class decorator: make a driver class available under `name`, with its capabilities and settings."""
    def decorator(cls: _T) -> _T:
        existing = _drivers.get(name)
        # Re-registering the same class is harmless (module reload); two classes on one
        # name is a mistake that would silently change which code drives a machine.
        if existing is not None and existing.factory is not cls:
            raise ValueError(f"driver name {name!r} is already taken by {existing.factory!r}")
        _drivers[name] = DriverInfo(name, label or name, cls, frozenset(capabilities),  # type: ignore[arg-type]
                                    tuple(settings))
        return cls
    return decorator


def available_drivers() -> list[str]:
    """Names of every registered driver, sorted."""
    return sorted(_drivers)


def driver_info(name: str) -> DriverInfo:
    """What a registered driver can do and needs (PrinterError for an unknown name)."""
    info = _drivers.get(name)
    if info is None:
        raise PrinterError(f"unknown machine driver {name!r}; available drivers: {', '.join(available_drivers())}")
    return info


def drivers_that(capability: Capability) -> list[str]:
    """Names of the drivers that can do `capability`, sorted."""
    return sorted(name for name, info in _drivers.items() if info.can(capability))


def host_drivers() -> list[str]:
    """Names of the drivers of printers reached at an address, sorted: the hosts a printer can be connected through."""
    return sorted(name for name, info in _drivers.items() if info.at_an_address)


def driver_for(conn: MachineConnection, client: object | None = None) -> Driver:
    """Build the driver a machine's connection names, sharing `client` (an httpx.Client) if given."""
    return driver_info(conn.driver).factory(conn, client)


# Built-in drivers are registered here rather than by decorating them in their own
# modules, which would make those modules and this one import each other.
register("octoprint", label="OctoPrint",
         capabilities=(Capability.START, Capability.CANCEL, Capability.STATUS, Capability.PUSH,
                       Capability.ONBOARDING),
         settings=(Setting("address", "Adresse d'OctoPrint", "url", required=True),
                   Setting("api_key", "Clé d'application", required=True, secret=True)))(OctoPrintDriver)
register("moonraker", label="Klipper (Moonraker)",
         capabilities=(Capability.START, Capability.CANCEL, Capability.STATUS, Capability.PUSH),
         settings=(Setting("address", "Adresse de Moonraker", "url", required=True),
                   Setting("api_key", "Clé d'API de Moonraker", secret=True)))(MoonrakerDriver)
register("prusalink", label="PrusaLink",
         capabilities=(Capability.START, Capability.CANCEL, Capability.STATUS),
         settings=(Setting("address", "Adresse de PrusaLink", "url", required=True),
                   Setting("api_key", "Clé d'API de PrusaLink", required=True, secret=True)))(PrusaLinkDriver)
register(MANUAL, label="Poste manuel")(ManualDriver)
