"""Deliveries, collection points and delivery runs as plain data."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from sqlmodel import Session, select

from makernet.domain.states import DeliveryStatus, RequestStatus, RunStatus
from makernet.models import Delivery, DeliveryLine, Item, Organisation, Request, RequestLine
from makernet.models.deliveries import CollectionPoint, DeliveryRun, DeliveryRunStop
from makernet.services.listing import loaded
from makernet.services.shapes import Count, Day, Departement, Id, Stamp, TypedDict

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
    quantity: Annotated[Count, Field(description="units shipped; once received, those received in good condition")]
    units_missing: Annotated[Count, Field(description="counted at receipt as damaged or missing (made again)")]


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
    shipped: Annotated[int, Field(description="units that left the place (not those refused, damaged or missing)")]
    to_ship: Annotated[int, Field(description="units still to ship (a delivery only prepared has not left)")]
    on_the_way: Annotated[int, Field(description="units that left the place and are not received yet")]
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
            "lines": [{"request_line_id": ln.request_line_id, "quantity": ln.quantity,
                       "units_missing": ln.units_missing} for ln in lines]}


class RunLineView(TypedDict):
    """Units of one request line a stop carries."""

    request_line_id: Annotated[Id, Field(description="the request line")]
    item_name: Annotated[str, Field(description="its item", examples=["Visière de protection"])]
    quantity: Annotated[Count, Field(description="units carried")]


class RunStopView(TypedDict):
    """A stop of a run: the units of one request to its delivery point, and their delivery once the run left."""

    position: Annotated[int, Field(ge=1, description="1 for the first stop", examples=[1])]
    request_id: Annotated[Id, Field(description="the request it serves")]
    requester: Annotated[str, Field(description="who asked", examples=["Mairie de Rochefort"])]
    destination: Annotated[str, Field(description="where the units go", examples=["Hôtel de ville, Rochefort"])]
    latitude: Annotated[float | None, Field(description="where it is (WGS 84)")]
    longitude: Annotated[float | None, Field(description="where it is (WGS 84)")]
    units: Annotated[Count, Field(description="units carried")]
    lines: Annotated[list[RunLineView], Field(description="what of the request it carries")]
    delivery_id: Annotated[int | None, Field(description="its delivery, once the run left")]
    delivery_status: Annotated[DeliveryStatus | None, Field(description="where that delivery stands")]


class RunView(TypedDict):
    """A volunteer runner's trip on a day, its stops in order: proposed, under way, done (or replaced)."""

    id: Annotated[Id, Field(description="the run's id")]
    place_id: Annotated[Id, Field(description="the place it leaves from")]
    day: Annotated[Day, Field(description="the day it is for")]
    runner: Annotated[int, Field(ge=1, description="the place's runner 1, 2, 3", examples=[1])]
    leg: Annotated[int, Field(ge=1, description="the runner's first or second run of the day", examples=[1])]
    vehicle: Annotated[Literal["bike", "car"], Field(description="a cargo bike or a car")]
    status: Annotated[RunStatus, Field(description="where it stands")]
    km: Annotated[float, Field(description="road km, there and back", examples=[23.4])]
    minutes: Annotated[int, Field(description="expected duration, stops included", examples=[125])]
    units: Annotated[Count, Field(description="units carried")]
    started_at: Annotated[Stamp | None, Field(description="when the runner left")]
    finished_at: Annotated[Stamp | None, Field(description="when its last stop was delivered")]
    sheet_path: Annotated[str, Field(description="its run sheet, as PDF", examples=["/delivery-runs/3/sheet.pdf"])]
    stops: Annotated[list[RunStopView], Field(description="its stops, in order")]


class PlaceRuns(TypedDict):
    """A place's delivery runs of a day, and what its runners can do."""

    place_id: Annotated[Id, Field(description="the place")]
    place_name: Annotated[str, Field(description="its name", examples=["Atelier couture solidaire"])]
    day: Annotated[Day, Field(description="the day")]
    runners: Annotated[int, Field(ge=0, description="its volunteer runners", examples=[2])]
    runs_per_day: Annotated[int, Field(ge=0, description="runs each makes a day", examples=[1])]
    run_hours: Annotated[float, Field(description="hours a run may last", examples=[3.0])]
    vehicle: Annotated[Literal["bike", "car"], Field(description="a cargo bike or a car")]
    reach_km: Annotated[float, Field(description="how far from the place they deliver", examples=[10.0])]
    run_load: Annotated[int, Field(description="units one run carries", examples=[200])]
    runs: Annotated[list[RunView], Field(description="the day's runs (none replaced)")]


class RunsProposed(TypedDict):
    """What the routing of a place's day proposed, and what it left."""

    day: Annotated[Day, Field(description="the day the runs are for")]
    runs: Annotated[list[RunView], Field(description="the runs proposed")]
    units_carried: Annotated[Count, Field(description="units the runs carry")]
    units_left: Annotated[int, Field(description="units within reach that wait for another day", examples=[0])]
    out_of_reach: Annotated[list[int], Field(description="requests beyond the runners' reach (or with no known "
                                                         "place): collected, or the shuttle", examples=[[14]])]


def run_views(s: Session, runs: list[DeliveryRun]) -> list[RunView]:
    """Runs as plain data, their stops, requesters and items read for all of them at once."""
    ids = [r.id for r in runs]
    stops = s.exec(select(DeliveryRunStop).where(DeliveryRunStop.run_id.in_(ids))  # type: ignore[attr-defined]
                   .order_by(DeliveryRunStop.run_id, DeliveryRunStop.position)).all() if ids else []
    requests = {r.id: r for r in loaded(s, Request, [st.request_id for st in stops])}
    requesters = {o.id: o.name for o in loaded(s, Organisation, [r.organisation_id for r in requests.values()])}
    line_ids = [line_id for st in stops for line_id, _units in st.lines]
    lines = {ln.id: ln for ln in loaded(s, RequestLine, line_ids)}
    items = {i.id: i.name for i in loaded(s, Item, [ln.item_id for ln in lines.values()])}
    deliveries = {d.id: d.status for d in loaded(s, Delivery, [st.delivery_id for st in stops if st.delivery_id])}
    of_run: dict[int, list[RunStopView]] = {i: [] for i in ids}
    for st in stops:
        of_run[st.run_id].append({
            "position": st.position, "request_id": st.request_id,
            "requester": requesters.get(requests[st.request_id].organisation_id, "?"),
            "destination": st.destination, "latitude": st.latitude, "longitude": st.longitude, "units": st.units,
            "lines": [{"request_line_id": line_id, "item_name": items.get(lines[line_id].item_id, "?"),
                       "quantity": units} for line_id, units in st.lines],
            "delivery_id": st.delivery_id, "delivery_status": deliveries.get(st.delivery_id)})
    stamp = lambda t: t.isoformat() if t else None  # noqa: E731
    return [{"id": r.id, "place_id": r.place_id, "day": r.day.isoformat(), "runner": r.runner, "leg": r.leg,
             "vehicle": r.vehicle, "status": r.status, "km": r.km, "minutes": r.minutes,
             "units": sum(st["units"] for st in of_run[r.id]), "started_at": stamp(r.started_at),
             "finished_at": stamp(r.finished_at), "sheet_path": f"/delivery-runs/{r.id}/sheet.pdf",
             "stops": of_run[r.id]} for r in runs]
