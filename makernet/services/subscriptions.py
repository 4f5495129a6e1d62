"""Which area does what when an event happens: the one table of subscriptions.

Handed to every context at start-up (application, workers, simulator, tests); an area
that wants to react to another's events adds a line here, never a call inside the other area.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from makernet.services import audit
from makernet.services.events import (AccountLinkOpened, ChangeAsked, DeliveryArrived, DeliveryRefused,
                                      DeliveryShipped, Event, MachineServiceChanged, PlaceConditionsChanged,
                                      PlaceResumed, PlaceStopped, PlanProposed, PrintersWentDown, ReceiptConfirmed,
                                      RequestApproved, RequestRejected, RequestSubmitted, StockDropped, SupplyAnswered,
                                      SupplyRequested, WorkAccepted, WorkProposed, WorkRefused, WorkTakenBack)
from makernet.services.notices import notify
from makernet.services.plans.handlers import (replan_after_printers_down, replan_after_stock_drop, replan_refused_work,
                                             replan_taken_back_work)

SUBSCRIBERS: Mapping[type[Event], Sequence[Callable[..., None]]] = {
    PrintersWentDown: (replan_after_printers_down, notify),
    StockDropped: (replan_after_stock_drop,),
    WorkRefused: (replan_refused_work, notify),
    # people are told (notices: in the app, by e-mail)
    RequestSubmitted: (notify,),
    RequestApproved: (notify,),
    RequestRejected: (notify,),
    WorkProposed: (notify,),
    WorkAccepted: (notify,),
    PlanProposed: (notify,),
    SupplyRequested: (notify,),
    SupplyAnswered: (notify,),
    DeliveryShipped: (notify,),
    DeliveryArrived: (notify,),
    DeliveryRefused: (notify,),
    ReceiptConfirmed: (notify,),   # told only when units came damaged or missing
    AccountLinkOpened: (notify,),
    WorkTakenBack: (replan_taken_back_work, notify),
    # the audit trail, within the transaction that makes the change
    PlaceConditionsChanged: (audit.place_conditions_changed,),
    PlaceStopped: (audit.place_stopped, notify),
    PlaceResumed: (audit.place_resumed, notify),
    MachineServiceChanged: (audit.machine_service_changed,),
    ChangeAsked: (audit.change_asked,),
}
