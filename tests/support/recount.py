"""The dashboard's figures and the running totals counted again the slow way, row by row, to hold the fast
reads to: any drift between the two is a bug."""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlmodel import Session, select

from makernet.models import (Delivery, DeliveryLine, DemandDay, Job, Organisation, OutputDay, Place, Request,
                             RequestLine, StockDay, StockEntry, WorkOrder)
from tests.support.api import CARE_HOME, COORDINATOR, OPERATOR, REQUESTER, SEWING_OPERATOR, ApiClient


def _day(moment: object) -> date:
    return moment.date()  # type: ignore[attr-defined]


def output_days(s: Session) -> tuple[Counter, Counter]:
    """Units made per (day, place, item): from every finished job, and from the running totals."""
    slow: Counter = Counter()
    for job, order, line in s.exec(select(Job, WorkOrder, RequestLine).join(WorkOrder, WorkOrder.id == Job.work_order_id)
                                   .join(RequestLine, RequestLine.id == WorkOrder.request_line_id)
                                   .where(Job.status == "done")).all():
        slow[(_day(job.finished_at), order.place_id, line.item_id)] += job.units_made
    fast = Counter({(t.day, t.place_id, t.item_id): t.units_made for t in s.exec(select(OutputDay)).all()})
    return +slow, +fast


def stock_days(s: Session) -> tuple[Counter, Counter]:
    """Net movement and use (consumption, scrap) per (day, place, material): from the ledger, and from the
    running totals; a use is counted as a negative key so one Counter holds both."""
    slow: Counter = Counter()
    for entry in s.exec(select(StockEntry)).all():
        key = (_day(entry.created_at), entry.place_id, entry.material_id)
        slow[key] += entry.quantity
        if entry.kind in ("consumption", "scrap"):
            slow[("used", *key)] -= entry.quantity
    fast: Counter = Counter()
    for t in s.exec(select(StockDay)).all():
        fast[(t.day, t.place_id, t.material_id)] = t.net
        if t.used:
            fast[("used", t.day, t.place_id, t.material_id)] = t.used
    return slow, fast


def flows(s: Session) -> dict[str, Counter]:
    """Units asked, made and received per département, as the dashboard sums them."""
    asked: Counter = Counter()
    for line, org in s.exec(select(RequestLine, Organisation).join(Request, Request.id == RequestLine.request_id)
                            .join(Organisation, Organisation.id == Request.organisation_id)
                            .where(Request.status.not_in(("rejected", "cancelled")))).all():  # type: ignore[attr-defined]
        asked[org.departement] += line.quantity
    made: Counter = Counter()
    for job, place in s.exec(select(Job, Place).join(WorkOrder, WorkOrder.id == Job.work_order_id)
                             .join(Place, Place.id == WorkOrder.place_id).where(Job.status == "done")).all():
        made[place.departement] += job.units_made
    received: Counter = Counter()
    for line, org in s.exec(select(DeliveryLine, Organisation).join(Delivery, Delivery.id == DeliveryLine.delivery_id)
                            .join(Request, Request.id == Delivery.request_id)
                            .join(Organisation, Organisation.id == Request.organisation_id)
                            .where(Delivery.status == "received")).all():
        received[org.departement] += line.quantity
    return {"asked": +asked, "made": +made, "delivered": +received}


def some_history(api: ApiClient) -> None:
    """Two town halls' requests made at two places, one shipped and received, one rejected, one still open."""
    places = {p["name"]: p["id"] for p in api.ok("get", "/places", COORDINATOR)}
    items = {i["code"]: i["id"] for i in api.ok("get", "/items", REQUESTER)}
    soon = (date.today() + timedelta(days=9)).isoformat()
    for who, code, place, operator, made in ((CARE_HOME, "masque-tissu", "Atelier couture solidaire", SEWING_OPERATOR, 25),
                                             (REQUESTER, "visiere", "FabLab La Rochelle", OPERATOR, 0)):
        request = api.ok("post", "/requests", who, {"needed_by": soon, "delivery_point": "Mairie",
                                                     "lines": [{"item_id": items[code], "quantity": 40}]})
        api.ok("post", f"/requests/{request['id']}/approve", COORDINATOR)
        order = api.ok("post", "/work-orders", COORDINATOR, {"request_line_id": request["lines"][0]["id"],
                                                             "place_id": places[place], "quantity": 40})
        api.ok("post", f"/work-orders/{order['id']}/accept", operator, {"quantity": 30})
        if made:
            job = api.ok("get", f"/jobs?work_order_id={order['id']}", operator)[0]
            api.ok("post", f"/jobs/{job['id']}/report", operator, {"units_made": made, "units_rejected": 2})
            delivery = api.ok("post", "/deliveries", operator, {
                "place_id": places[place], "request_id": request["id"],
                "lines": [{"request_line_id": request["lines"][0]["id"], "quantity": 20}]})
            api.ok("post", f"/deliveries/{delivery['id']}/confirm-receipt", who, {"receiver_name": "C. Martin"})
    rejected = api.ok("post", "/requests", REQUESTER, {"needed_by": soon, "delivery_point": "Mairie",
                                                       "lines": [{"item_id": items["visiere"], "quantity": 500}]})
    api.ok("post", f"/requests/{rejected['id']}/reject", COORDINATOR, {"reason": "doublon"})


def demand_days(s: Session) -> tuple[Counter, Counter]:
    """Units asked, shipped and received per (flow, day, item, requesting département): from the requests and
    deliveries, and from the running totals."""
    slow: Counter = Counter()
    for request, line, org in s.exec(select(Request, RequestLine, Organisation)
                                     .join(RequestLine, RequestLine.request_id == Request.id)
                                     .join(Organisation, Organisation.id == Request.organisation_id)).all():
        if request.status not in ("rejected", "cancelled"):
            slow[("asked", _day(request.created_at), line.item_id, org.departement)] += line.quantity
    for delivery, line, item_id, org in s.exec(
            select(Delivery, DeliveryLine, RequestLine.item_id, Organisation)
            .join(DeliveryLine, DeliveryLine.delivery_id == Delivery.id)
            .join(RequestLine, RequestLine.id == DeliveryLine.request_line_id)
            .join(Request, Request.id == Delivery.request_id)
            .join(Organisation, Organisation.id == Request.organisation_id)).all():
        if delivery.status != "refused" and delivery.left_at is not None:   # counted shipped the day it left
            slow[("shipped", _day(delivery.left_at), item_id, org.departement)] += line.quantity
        if delivery.status == "received":
            slow[("received", _day(delivery.received_at), item_id, org.departement)] += line.quantity
    fast: Counter = Counter()
    for t in s.exec(select(DemandDay)).all():
        for flow in ("asked", "shipped", "received"):
            fast[(flow, t.day, t.item_id, t.departement)] += getattr(t, flow)
    return +slow, +fast
