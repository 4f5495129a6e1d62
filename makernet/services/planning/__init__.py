"""Allocation: work orders proposed to places, accepted, declined; what a coordinator weighs.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.planning.commands import accept_work_order, allocate, decline_work_order
from makernet.services.planning.queries import allocation_options, get_work_order, list_work_orders, work_orders_page

__all__ = ["accept_work_order", "allocate", "allocation_options", "decline_work_order", "get_work_order",
           "list_work_orders", "work_orders_page"]
