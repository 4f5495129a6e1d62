"""Deliveries: units leave a place, reach a delivery or collection point, and are received.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.deliveries.commands import (confirm_receipt, create_collection_point, create_delivery,
                                                   mark_delivered, mark_picked_up, refuse_delivery)
from makernet.services.deliveries.queries import (awaiting, delivery_page, get_delivery, list_collection_points,
                                                  list_deliveries, place_deliveries, STATUSES)
from makernet.services.deliveries.views import Awaited, AwaitedLine, CollectionPointView, DeliveryLineView, DeliveryView

__all__ = ["Awaited", "AwaitedLine", "awaiting", "CollectionPointView", "confirm_receipt",
           "create_collection_point", "create_delivery", "delivery_page", "DeliveryLineView", "DeliveryView",
           "get_delivery", "list_collection_points", "list_deliveries", "mark_delivered", "mark_picked_up",
           "place_deliveries", "refuse_delivery", "STATUSES"]
