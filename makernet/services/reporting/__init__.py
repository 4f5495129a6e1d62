"""Reporting: the dashboard, the public figures and the territory's stock and printers.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.reporting.queries import dashboard, database_ok, printer_states, public_figures, stock_overview

__all__ = ["dashboard", "database_ok", "printer_states", "public_figures", "stock_overview"]
