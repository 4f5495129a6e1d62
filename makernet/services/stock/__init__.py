"""Stock: the ledger of material movements, levels, reservations and alerts.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.stock.commands import adjust, receive, scrap, transfer
from makernet.services.stock.operations import KINDS, consume_for_job, record_receipt
from makernet.services.stock.queries import alerts, ledger, ledger_page, levels, materials, reservations, surplus_places
from makernet.services.stock.views import LedgerEntryView, Reservation, StockAlert, StockLevel, TransferView

__all__ = ["adjust", "alerts", "consume_for_job", "KINDS", "ledger", "ledger_page", "LedgerEntryView", "levels",
           "materials", "receive", "record_receipt", "Reservation", "reservations", "scrap", "StockAlert",
           "StockLevel", "surplus_places", "transfer", "TransferView"]
