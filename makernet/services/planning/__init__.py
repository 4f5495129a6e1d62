"""Allocation: work orders proposed to places, accepted, declined; what a coordinator weighs.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.planning.commands import accept_work_order, allocate, change_work_order, decline_work_order
from makernet.services.planning.queries import (STATUSES, allocation_options, get_work_order, list_work_orders,
                                                work_order_page, work_order_places, work_orders_page)
from makernet.services.planning.views import WorkOrderView

__all__ = ["accept_work_order", "allocate", "allocation_options", "change_work_order", "decline_work_order",
           "get_work_order", "list_work_orders", "STATUSES", "work_order_page", "work_order_places",
           "work_orders_page", "WorkOrderView"]
