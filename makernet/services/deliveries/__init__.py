"""Deliveries: units leave a place, reach a delivery or collection point, and are received; each day's delivery runs
of a place's volunteer runners.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.deliveries.commands import (confirm_receipt, create_collection_point, create_delivery,
                                                   mark_delivered, mark_picked_up, propose_runs, refuse_delivery,
                                                   start_run)
from makernet.services.deliveries.queries import (awaiting, delivery_page, get_delivery, get_run,
                                                  list_collection_points, list_deliveries, place_deliveries, place_runs,
                                                  run_sheet_pdf, STATUSES)
from makernet.services.deliveries.views import (Awaited, AwaitedLine, CollectionPointView, DeliveryLineView,
                                                DeliveryView, PlaceRuns, RunsProposed, RunView)
from makernet.services.deliveries.inputs import ready_by_line, stop_weight
from makernet.services.deliveries.worker import propose_daily_runs

__all__ = ["Awaited", "AwaitedLine", "awaiting", "CollectionPointView", "confirm_receipt",
           "create_collection_point", "create_delivery", "delivery_page", "DeliveryLineView", "DeliveryView",
           "get_delivery", "get_run", "list_collection_points", "list_deliveries", "mark_delivered", "mark_picked_up",
           "place_deliveries", "place_runs", "PlaceRuns", "propose_daily_runs", "propose_runs", "ready_by_line",
           "refuse_delivery",
           "run_sheet_pdf", "RunsProposed", "RunView", "start_run", "STATUSES", "stop_weight"]
