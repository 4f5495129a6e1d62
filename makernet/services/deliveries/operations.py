"""Steps on deliveries run inside a caller's transaction: their units added to the running totals per day, item
and requesting département (shipped when prepared, taken back when refused, received when confirmed)."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from makernet.models import DeliveryLine, DemandDay, Organisation, Request, RequestLine
from makernet.services.tallies import add_to


def tally_delivery(s: Session, delivery_id: int, request_id: int, day: date, *, shipped: int = 0,
                   received: int = 0) -> None:
    """Add each line of a delivery to `DemandDay` on `day`, times `shipped` and `received` (1, -1 or 0)."""
    departement = s.exec(select(Organisation.departement).join(Request, Request.organisation_id == Organisation.id)
                         .where(Request.id == request_id)).one()
    for item_id, quantity in s.exec(select(RequestLine.item_id, DeliveryLine.quantity)
                                    .join(RequestLine, RequestLine.id == DeliveryLine.request_line_id)
                                    .where(DeliveryLine.delivery_id == delivery_id)).all():
        add_to(s, DemandDay, {"day": day, "item_id": item_id, "departement": departement},
               {"asked": 0, "shipped": shipped * quantity, "received": received * quantity})
