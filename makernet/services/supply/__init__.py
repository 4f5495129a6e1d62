"""Supply requests: material, transport or premises a place asks for.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.supply.commands import (answer_supply_request, assign_place, assign_supplier,
                                               close_supply_request, post_supply_request, receive_supply)
from makernet.services.supply.queries import STATUSES, get_supply_request, list_supply_requests
from makernet.services.supply.views import SupplyView

__all__ = ["answer_supply_request", "assign_place", "assign_supplier", "close_supply_request",
           "get_supply_request", "list_supply_requests", "post_supply_request", "receive_supply", "STATUSES",
           "SupplyView"]
