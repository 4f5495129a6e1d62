"""Exchange: CSV import of places, machines and stock; CSV exports for spreadsheets.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.exchange.commands import import_csv
from makernet.services.exchange.queries import KINDS, export_csv
from makernet.services.exchange.views import ImportProblem, ImportReport

__all__ = ["export_csv", "import_csv", "ImportProblem", "ImportReport", "KINDS"]
