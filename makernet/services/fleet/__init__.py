"""The printer fleet: connecting printers, following their state, push events.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.fleet.commands import connect_printer, remove_machine, request_new_key
from makernet.services.fleet.queries import printer_hosts, printer_profiles, territory_printers, test_connection
from makernet.services.fleet.worker import (apply_key_result, apply_readings, poll_machines, poll_printers,
                                            run_central_listener, start_central_listener)
from makernet.services.fleet.views import ConnectionTest, PrinterReading, RemovedMachine

__all__ = ["apply_key_result", "apply_readings", "connect_printer", "ConnectionTest", "poll_machines",
           "poll_printers", "printer_hosts", "printer_profiles", "PrinterReading", "remove_machine", "RemovedMachine",
           "request_new_key", "run_central_listener", "start_central_listener", "territory_printers", "test_connection"]
