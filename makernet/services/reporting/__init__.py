"""Reporting: the dashboard, the public figures and the territory's stock and printers.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.reporting.queries import (AT_RISK_DAYS, dashboard, database_ok, late_work, public_figures,
                                                 stock_overview)
from makernet.services.reporting.views import LateLine, LateReason

__all__ = ["AT_RISK_DAYS", "dashboard", "database_ok", "late_work", "LateLine", "LateReason",
           "public_figures", "stock_overview"]
