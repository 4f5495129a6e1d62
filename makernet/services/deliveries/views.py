"""Deliveries and collection points as plain data."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from sqlmodel import Session, select

from makernet.domain.states import DeliveryStatus, RequestStatus
from makernet.models import Delivery, DeliveryLine
from makernet.models.deliveries import CollectionPoint
from makernet.services.shapes import Count, Departement, Id, Stamp, TypedDict

UNDER_WAY = ("prepared", "picked_up", "delivered")


class CollectionPointView(TypedDict):
    """A drive-through or pick-up point where requesters collect their units."""

    id: Annotated[Id, Field(description="the point's id")]
    name: Annotated[str, Field(description="its name", examples=["Drive de la mairie"])]
    address: Annotated[str, Field(description="where it is")]
    commune: Annotated[str, Field(description="its commune")]
    departement: Departement
    kind: Annotated[Literal["pick_up", "drive_through"], Field(description="a pick-up point or a drive-through")]
    opening_hours: Annotated[str, Field(description="when it is open, in words")]


class DeliveryLineView(TypedDict):
    """Units of one request line in a delivery."""

    request_line_id: Annotated[Id, Field(description="the request line")]
    quantity: Annotated[Count, Field(description="units shipped")]


class DeliveryView(TypedDict):
    """Finished units a place ships to a request: prepared, picked up, delivered, then received or refused."""

    id: Annotated[Id, Field(description="the delivery's id")]
    place_id: Annotated[Id, Field(description="the place that ships")]
    request_id: Annotated[Id, Field(description="the request it serves")]
    status: Annotated[DeliveryStatus, Field(description="where it stands")]
    mode: Annotated[Literal["direct", "collection_point", "runner"], Field(description=(
        "to the delivery point, to a collection point, or by a volunteer runner"))]
    destination: Annotated[str, Field(description="where it goes")]
    collection_point_id: Annotated[int | None, Field(description="the collection point it goes to, if any")]
    carrier_name: Annotated[str, Field(description="who carries it")]
    created_by: Annotated[int | None, Field(description="the user who prepared it")]
    receiver_name: Annotated[str, Field(description="who received it, as the requester said")]
    refused_reason: Annotated[str, Field(description="why the requester refused it")]
    created_at: Annotated[Stamp | None, Field(description="when it was prepared")]
    picked_up_at: Annotated[Stamp | None, Field(description="when it was picked up")]
    delivered_at: Annotated[Stamp | None, Field(description="when it reached its destination")]
    received_at: Annotated[Stamp | None, Field(description="when the requester confirmed it")]
    refused_at: Annotated[Stamp | None, Field(description="when the requester refused it")]
    receipt_path: Annotated[str, Field(description="the page where the requester confirms it",
                                       examples=["/deliveries/12/receipt"])]
    lines: Annotated[list[DeliveryLineView], Field(description="what it holds")]


class AwaitedLine(TypedDict):
    """One line of a request: how many units are still to make, to ship, on the way, received."""

    request_line_id: Annotated[Id, Field(description="the request line")]
    item_id: Annotated[Id, Field(description="its item")]
    quantity: Annotated[Count, Field(description="units asked for")]
    made: Annotated[int, Field(description="good units made")]
    to_make: Annotated[int, Field(description="units still to make")]
    to_ship: Annotated[int, Field(description="units still to ship")]
    on_the_way: Annotated[int, Field(description="units in deliveries under way")]
    received: Annotated[int, Field(description="units received")]
    awaiting: Annotated[int, Field(description="units the requester still awaits")]


class Awaited(TypedDict):
    """What a request still awaits, line by line, and its deliveries."""

    request_id: Annotated[Id, Field(description="the request")]
    status: Annotated[RequestStatus, Field(description="where it stands")]
    lines: Annotated[list[AwaitedLine], Field(description="its lines")]
    deliveries: Annotated[list[DeliveryView], Field(description="its deliveries, oldest first")]


def point_view(point: CollectionPoint) -> CollectionPointView:
    """A collection point as plain data."""
    return {"id": point.id, "name": point.name, "address": point.address, "commune": point.commune,
            "departement": point.departement, "kind": point.kind, "opening_hours": point.opening_hours}


def delivery_lines(s: Session, delivery_id: int) -> list[DeliveryLine]:
    return list(s.exec(select(DeliveryLine).where(DeliveryLine.delivery_id == delivery_id)
                       .order_by(DeliveryLine.id)).all())  # type: ignore[arg-type]


def lines_of_deliveries(s: Session, delivery_ids: list[int]) -> dict[int, list[DeliveryLine]]:
    """The lines of these deliveries, in one query."""
    lines: dict[int, list[DeliveryLine]] = {i: [] for i in delivery_ids}
    for line in s.exec(select(DeliveryLine).where(DeliveryLine.delivery_id.in_(delivery_ids))  # type: ignore[attr-defined]
                       .order_by(DeliveryLine.id)).all():  # type: ignore[arg-type]
        lines[line.delivery_id].append(line)
    return lines


def delivery_view(s: Session, delivery: Delivery, lines: list[DeliveryLine] | None = None) -> DeliveryView:
    """A delivery as plain data; a list gives each one's lines, read for the whole page at once."""
    if lines is None:
        s.refresh(delivery)
        lines = delivery_lines(s, delivery.id)
    stamp = lambda t: t.isoformat() if t else None  # noqa: E731
    return {"id": delivery.id, "place_id": delivery.place_id, "request_id": delivery.request_id,
            "status": delivery.status, "mode": delivery.mode, "destination": delivery.destination,
            "collection_point_id": delivery.collection_point_id, "carrier_name": delivery.carrier_name,
            "created_by": delivery.created_by,
            "receiver_name": delivery.receiver_name, "refused_reason": delivery.refused_reason,
            "created_at": stamp(delivery.created_at), "picked_up_at": stamp(delivery.picked_up_at),
            "delivered_at": stamp(delivery.delivered_at), "received_at": stamp(delivery.received_at),
            "refused_at": stamp(delivery.refused_at), "receipt_path": f"/deliveries/{delivery.id}/receipt",
            "lines": [{"request_line_id": ln.request_line_id, "quantity": ln.quantity} for ln in lines]}
