"""Deliveries and collection points as plain data."""
from __future__ import annotations

from sqlmodel import Session, select

from makernet.models import Delivery, DeliveryLine
from makernet.models.deliveries import CollectionPoint

UNDER_WAY = ("prepared", "picked_up", "delivered")


def point_view(point: CollectionPoint) -> dict:
    """A collection point as plain data."""
    return {"id": point.id, "name": point.name, "address": point.address, "commune": point.commune,
            "departement": point.departement, "kind": point.kind, "opening_hours": point.opening_hours}


def delivery_lines(s: Session, delivery_id: int) -> list[DeliveryLine]:
    return list(s.exec(select(DeliveryLine).where(DeliveryLine.delivery_id == delivery_id)
                       .order_by(DeliveryLine.id)).all())  # type: ignore[arg-type]


def delivery_view(s: Session, delivery: Delivery) -> dict:
    """A delivery as plain data."""
    s.refresh(delivery)
    stamp = lambda t: t.isoformat() if t else None  # noqa: E731
    return {"id": delivery.id, "place_id": delivery.place_id, "request_id": delivery.request_id,
            "status": delivery.status, "mode": delivery.mode, "destination": delivery.destination,
            "collection_point_id": delivery.collection_point_id, "carrier_name": delivery.carrier_name,
            "created_by": delivery.created_by,
            "receiver_name": delivery.receiver_name, "refused_reason": delivery.refused_reason,
            "created_at": stamp(delivery.created_at), "picked_up_at": stamp(delivery.picked_up_at),
            "delivered_at": stamp(delivery.delivered_at), "received_at": stamp(delivery.received_at),
            "refused_at": stamp(delivery.refused_at), "receipt_path": f"/deliveries/{delivery.id}/receipt",
            "lines": [{"request_line_id": ln.request_line_id, "quantity": ln.quantity} for ln in delivery_lines(s, delivery.id)]}
