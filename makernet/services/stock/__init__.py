"""Stock: the ledger of material movements, levels, reservations and alerts.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.stock.commands import adjust, receive, scrap, transfer
from makernet.services.stock.operations import KINDS, consume_for_job, record_receipt
from makernet.services.stock.queries import alerts, ledger, ledger_page, levels, materials, reservations, surplus_places

__all__ = ["KINDS", "adjust", "alerts", "consume_for_job", "ledger", "ledger_page", "levels", "materials", "receive",
           "record_receipt", "reservations", "scrap", "surplus_places", "transfer"]
