"""SQLModel tables, one module per area; importing this registers them all."""
from makernet.models.audit import AuditEntry
from makernet.models.catalogue import BomLine, DesignVersion, Item, Material, PlateLayout
from makernet.models.deliveries import Delivery, DeliveryLine
from makernet.models.demand import DemandDay, Request, RequestLine
from makernet.models.operations import Heartbeat
from makernet.models.accounts import ApiToken, Organisation, User
from makernet.models.monitoring import MetricCounter
from makernet.models.notices import NoticePreference, Notification, Webhook, WebhookDelivery
from makernet.models.places import Machine, Place
from makernet.models.planning import WorkOrder
from makernet.models.plans import PlanningRule, PlanRun
from makernet.models.production import Job, OutputDay
from makernet.models.stock import StockDay, StockEntry
from makernet.models.supply import SupplyRequest
from makernet.models.territory import Publication

__all__ = [
    "ApiToken", "AuditEntry", "BomLine", "Delivery", "DeliveryLine", "DemandDay", "DesignVersion", "Heartbeat", "Item",
    "Job",
    "Machine", "Material", "MetricCounter", "NoticePreference", "Notification", "Organisation", "OutputDay", "Place",
    "PlanRun", "PlanningRule", "PlateLayout", "Publication", "Request", "RequestLine", "StockDay", "StockEntry", "SupplyRequest",
    "User", "Webhook", "WebhookDelivery", "WorkOrder",
]
