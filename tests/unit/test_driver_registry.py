"""Printer hosts are declared, not compared: each driver says what it can do and which settings it needs."""
from __future__ import annotations

import pytest

from printers.base import Capability, PrinterError
from printers.registry import host_drivers, MANUAL, driver_info, drivers_that, register
from tests.support.fakes import FakeDriver


def test_octoprint_declares_its_capabilities_and_a_secret_key_setting() -> None:
    octoprint = driver_info("octoprint")
    assert octoprint.capabilities == {Capability.START, Capability.CANCEL, Capability.STATUS, Capability.PUSH,
                                      Capability.ONBOARDING}
    assert [(s.name, s.kind, s.required, s.secret) for s in octoprint.settings] == [
        ("address", "url", True, False), ("api_key", "text", True, True)]
    assert octoprint.secret_settings == ("api_key",) and octoprint.needs_key and octoprint.at_an_address


def test_klipper_and_prusa_hosts_start_read_and_cancel_and_only_prusalink_insists_on_a_key() -> None:
    moonraker = driver_info("moonraker")
    assert moonraker.capabilities == {Capability.START, Capability.CANCEL, Capability.STATUS, Capability.PUSH}
    assert moonraker.secret_settings == ("api_key",) and not moonraker.needs_key   # trusted clients need none
    assert {"moonraker", "octoprint", "prusalink"} <= set(host_drivers()) and MANUAL not in host_drivers()


def test_a_manual_work_centre_can_do_nothing_a_host_does() -> None:
    assert driver_info(MANUAL).capabilities == frozenset() and driver_info(MANUAL).settings == ()


def test_the_test_printer_is_registered_and_configured_as_a_real_host_is() -> None:
    fake = driver_info("fake")
    assert fake.factory is FakeDriver and fake.can(Capability.STATUS) and not fake.can(Capability.PUSH)
    assert "fake" in drivers_that(Capability.START) and "fake" not in drivers_that(Capability.ONBOARDING)
    assert drivers_that(Capability.ONBOARDING) == ["octoprint"]


def test_an_unknown_driver_or_a_name_taken_twice_is_refused() -> None:
    with pytest.raises(PrinterError, match="unknown machine driver 'bambu'"):
        driver_info("bambu")
    with pytest.raises(ValueError, match="already taken"):
        register("octoprint")(FakeDriver)
