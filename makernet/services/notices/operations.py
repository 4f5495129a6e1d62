"""Who is told what, per event: the recipients (active users only, never another organisation's) and the
values their message is written with. Each `Told` is one message to each of its users."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session, select

from makernet.domain.explanations import stored
from makernet.messages import current_locale, written
from makernet.models import (Delivery, DeliveryLine, Item, Machine, Material, Organisation, Place, PlanRun, Request,
                             RequestLine, SupplyRequest, User, WorkOrder)
from makernet.services.events import (AccountLinkOpened, DeliveryArrived, DeliveryRefused, DeliveryShipped, Event,
                                      PlaceResumed, PlaceStopped, PlanProposed, PrintersWentDown, ReceiptConfirmed,
                                      RequestApproved, RequestRejected, RequestSubmitted, SupplyAnswered,
                                      SupplyRequested, WorkAccepted, WorkProposed, WorkRefused, WorkTakenBack)
from makernet.services.notices.views import SEALED_LINK


@dataclass(frozen=True)
class Told:
    """One message: its kind (which sentences), what it is about, the values its sentences name, the page to act
    on, and to whom. Its event key is its kind and what it is about, with the moment of the event, or without it
    for a message told `once` whatever happens again (a reminder)."""

    kind: str
    about: str
    params: dict
    link: str
    user_ids: tuple[int, ...] = field(default=())
    once: bool = False

    def key(self, stamp: str) -> str:
        return (f"{self.kind}:{self.about}" if self.once else f"{self.kind}:{self.about}:{stamp}")[:120]


def audiences(s: Session, event: Event) -> list[Told]:
    """The messages an event gives rise to (none for an event nobody is told of)."""
    for kind, finder in FINDERS.items():
        if isinstance(event, kind):
            return [told for told in finder(s, event) if told.user_ids]
    return []


def members_of(s: Session, organisation_id: int, roles: Iterable[str]) -> tuple[int, ...]:
    """The active users of an organisation with one of these roles."""
    return tuple(s.exec(select(User.id).where(User.organisation_id == organisation_id, User.active,  # type: ignore[arg-type]
                                              User.role.in_(tuple(roles))).order_by(User.id)).all())  # type: ignore[attr-defined]


def coordinators_of(s: Session, departement: str) -> tuple[int, ...]:
    """The active coordinators whose territory covers a département."""
    rows = s.exec(select(User.id, Organisation.territory).join(Organisation, Organisation.id == User.organisation_id)
                  .where(User.role == "coordinator", User.active).order_by(User.id)).all()  # type: ignore[arg-type]
    return tuple(user_id for user_id, territory in rows if departement in (territory or ()))


@dataclass(frozen=True)
class Units:
    """So many units of an item, as the sentence writes them in its reader's language ("1 500 × Visière")."""

    count: int
    item: str

    def __str__(self) -> str:
        return f"{written(self.count, current_locale())} × {self.item}"


def _what(s: Session, lines: Iterable[tuple[int, int]]) -> list[Units]:
    """(item id, units) as the pieces a sentence lists."""
    pairs = list(lines)
    names = dict(s.exec(select(Item.id, Item.name).where(Item.id.in_([i for i, _ in pairs]))).all())  # type: ignore[union-attr]
    return [Units(units, names.get(item_id, "?")) for item_id, units in pairs]


def _request(s: Session, request_id: int) -> tuple[Request, Organisation, dict]:
    """A request, its organisation and the values every message about it names."""
    request = s.get(Request, request_id)
    organisation = s.get(Organisation, request.organisation_id)
    lines = s.exec(select(RequestLine.item_id, RequestLine.quantity).where(
        RequestLine.request_id == request_id, RequestLine.quantity > 0).order_by(RequestLine.id)).all()  # type: ignore[arg-type]
    return request, organisation, {"request_id": request.id, "organisation": organisation.name,
                                   "needed_by": request.needed_by, "delivery_point": request.delivery_point,
                                   "what": _what(s, lines)}


def _submitted(s: Session, event: RequestSubmitted) -> list[Told]:
    _request_row, organisation, params = _request(s, event.request_id)
    return [Told("request_submitted", f"request:{event.request_id}", params, f"/requests/{event.request_id}",
                 coordinators_of(s, organisation.departement))]


def _approved(s: Session, event: RequestApproved) -> list[Told]:
    request, _organisation, params = _request(s, event.request_id)
    return [Told("request_approved", f"request:{event.request_id}", params, f"/requests/{event.request_id}",
                 members_of(s, request.organisation_id, ("requester",)))]


def _rejected(s: Session, event: RequestRejected) -> list[Told]:
    request, _organisation, params = _request(s, event.request_id)
    return [Told("request_rejected", f"request:{event.request_id}", params | {"reason": event.reason},
                 f"/requests/{event.request_id}", members_of(s, request.organisation_id, ("requester",)))]


def _proposed(s: Session, event: WorkProposed) -> list[Told]:
    """One message per order (a planner run proposes many): its order, line, place, request and item read at once."""
    return [Told("work_proposed", f"work_order:{order.id}", {
        "place": place.name, "quantity": order.quantity, "item": item_name,
        "due": needed_by, "request_id": line.request_id, "work_order_id": order.id},   # as the order's page says
        f"/work-orders/{order.id}", members_of(s, place.organisation_id, ("operator",)))
        for order, line, place, needed_by, item_name in s.exec(
            select(WorkOrder, RequestLine, Place, Request.needed_by, Item.name)
            .join(RequestLine, RequestLine.id == WorkOrder.request_line_id)
            .join(Request, Request.id == RequestLine.request_id).join(Item, Item.id == RequestLine.item_id)
            .join(Place, Place.id == WorkOrder.place_id).where(WorkOrder.id.in_(event.work_order_ids))  # type: ignore[union-attr]
            .order_by(WorkOrder.id)).all()]


def _refused(s: Session, event: WorkRefused) -> list[Told]:
    order, line = s.get(WorkOrder, event.work_order_id), s.get(RequestLine, event.request_line_id)
    place, request = s.get(Place, order.place_id), s.get(Request, line.request_id)
    organisation = s.get(Organisation, request.organisation_id)
    return [Told("work_refused", f"work_order:{order.id}:{event.trigger}", {
        "place": place.name, "answer": event.trigger, "work_order_id": order.id,
        "item": s.get(Item, line.item_id).name, "request_id": request.id, "what": stored(event.what)},
        f"/requests/{request.id}", coordinators_of(s, organisation.departement))]


def _printers_down(s: Session, event: PrintersWentDown) -> list[Told]:
    return [Told("printer_down", f"machine:{machine.id}", {"machine": machine.name, "place": place.name},
                 f"/places/{place.id}", members_of(s, place.organisation_id, ("operator",)))
            for machine, place in s.exec(select(Machine, Place).join(Place, Place.id == Machine.place_id)
                                         .where(Machine.id.in_(event.machine_ids))  # type: ignore[union-attr]
                                         .order_by(Machine.id)).all()]


def _shipped(s: Session, event: DeliveryShipped) -> list[Told]:
    delivery = s.get(Delivery, event.delivery_id)
    request, place = s.get(Request, delivery.request_id), s.get(Place, delivery.place_id)
    lines = s.exec(select(RequestLine.item_id, DeliveryLine.quantity)
                   .join(RequestLine, RequestLine.id == DeliveryLine.request_line_id)
                   .where(DeliveryLine.delivery_id == delivery.id).order_by(DeliveryLine.id)).all()  # type: ignore[arg-type]
    return [Told("delivery_shipped", f"delivery:{delivery.id}", {
        "delivery_id": delivery.id, "request_id": request.id, "place": place.name, "what": _what(s, lines),
        "destination": delivery.destination or request.delivery_point},
        f"/deliveries/{delivery.id}/receipt", members_of(s, request.organisation_id, ("requester",)))]


def _place_stopped(s: Session, event: PlaceStopped) -> list[Told]:
    place = s.get(Place, event.place_id)
    return [Told("place_stopped", f"place:{place.id}", {"place": place.name, "reason": event.reason},
                 f"/places/{place.id}", coordinators_of(s, place.departement))]


def _place_resumed(s: Session, event: PlaceResumed) -> list[Told]:
    place = s.get(Place, event.place_id)
    return [Told("place_resumed", f"place:{place.id}", {"place": place.name}, f"/places/{place.id}",
                 coordinators_of(s, place.departement))]


def _accepted(s: Session, event: WorkAccepted) -> list[Told]:
    """The requester learns who makes their units, and for when."""
    order = s.get(WorkOrder, event.work_order_id)
    line, place = s.get(RequestLine, order.request_line_id), s.get(Place, order.place_id)
    request = s.get(Request, line.request_id)
    return [Told("work_accepted", f"work_order:{order.id}", {
        "place": place.name, "what": _what(s, [(line.item_id, event.units)]), "request_id": request.id,
        "due": order.ready_by or request.needed_by, "needed_by": request.needed_by},
        f"/requests/{request.id}", members_of(s, request.organisation_id, ("requester",)))]


def _taken_back(s: Session, event: WorkTakenBack) -> list[Told]:
    """The place learns the coordination changed work it had, and why."""
    order, place = s.get(WorkOrder, event.work_order_id), s.get(Place, event.place_id)
    line = s.get(RequestLine, event.request_line_id)
    return [Told("work_changed", f"work_order:{order.id}", {
        "place": place.name, "work_order_id": order.id, "what": _what(s, [(line.item_id, event.units)]),
        "left": order.accepted_quantity if order.status == "accepted" else order.quantity, "reason": event.why},
        f"/work-orders/{order.id}", members_of(s, place.organisation_id, ("operator",)))]


def _plan_proposed(s: Session, event: PlanProposed) -> list[Told]:
    """The coordinators of the territory the proposals serve learn what a planner run changed."""
    rows = s.exec(select(WorkOrder.place_id, WorkOrder.quantity, Organisation.departement)
                  .join(RequestLine, RequestLine.id == WorkOrder.request_line_id)
                  .join(Request, Request.id == RequestLine.request_id)
                  .join(Organisation, Organisation.id == Request.organisation_id)
                  .where(WorkOrder.id.in_(event.work_order_ids))).all()  # type: ignore[union-attr]
    run = s.get(PlanRun, event.plan_run_id)
    coordinators = sorted({user for departement in {d for *_, d in rows} for user in coordinators_of(s, departement)})
    return [Told("plan_changed", f"plan_run:{run.id}", {
        "plan_run_id": run.id, "orders": len(rows), "units": sum(q for _, q, _ in rows),
        "places": len({p for p, *_ in rows}), "unplanned": run.unplanned_units},
        f"/plans/{run.id}", tuple(coordinators))]


def _supply(s: Session, supply_id: int) -> tuple[SupplyRequest, Place, dict]:
    """A supply request, its place and the values every message about it names."""
    supply = s.get(SupplyRequest, supply_id)
    place = s.get(Place, supply.place_id)
    material = s.get(Material, supply.material_id) if supply.material_id is not None else None
    what = Units(supply.quantity or 0, f"{material.name} ({material.unit})") if material else supply.description[:200]
    return supply, place, {"supply_id": supply.id, "place": place.name, "kind": supply.kind, "what": what,
                           "needed_by": supply.needed_by or "—"}


def _supply_requested(s: Session, event: SupplyRequested) -> list[Told]:
    supply, place, params = _supply(s, event.supply_id)
    return [Told("supply_requested", f"supply:{supply.id}", params, f"/supply-requests/{supply.id}",
                 coordinators_of(s, place.departement))]


def _supply_answered(s: Session, event: SupplyAnswered) -> list[Told]:
    supply, place, params = _supply(s, event.supply_id)
    return [Told("supply_answered", f"supply:{supply.id}:{event.how}", params | {
        "status": supply.status, "answer": supply.answer or "—"}, f"/supply-requests/{supply.id}",
        members_of(s, place.organisation_id, ("operator",)))]


def _arrived(s: Session, event: DeliveryArrived) -> list[Told]:
    """The requester is asked to confirm what arrived."""
    delivery = s.get(Delivery, event.delivery_id)
    request, place = s.get(Request, delivery.request_id), s.get(Place, delivery.place_id)
    return [Told("delivery_arrived", f"delivery:{delivery.id}", {
        "delivery_id": delivery.id, "request_id": request.id, "place": place.name,
        "destination": delivery.destination or request.delivery_point},
        f"/deliveries/{delivery.id}/receipt", members_of(s, request.organisation_id, ("requester",)))]


def _refused_delivery(s: Session, event: DeliveryRefused) -> list[Told]:
    """The place has its units back and the coordination a request still to serve: both are told why."""
    return _place_and_coordination(s, "delivery_refused", event.delivery_id, "deliveries", reason=event.reason)


def _short(s: Session, event: ReceiptConfirmed) -> list[Told]:
    """Units came damaged or did not come: the place makes them again, and the coordination sees the request wait."""
    return _place_and_coordination(s, "delivery_short", event.delivery_id, "queue",
                                   missing=event.missing) if event.missing else []


def _place_and_coordination(s: Session, kind: str, delivery_id: int, place_page: str, **values: object) -> list[Told]:
    """What a requester said of a delivery, to the place's operators (on one of its pages) and the coordinators."""
    delivery = s.get(Delivery, delivery_id)
    request, place = s.get(Request, delivery.request_id), s.get(Place, delivery.place_id)
    requester = s.get(Organisation, request.organisation_id)
    params = {"delivery_id": delivery.id, "request_id": request.id, "place": place.name,
              "requester": requester.name, **values}
    return [Told(kind, f"delivery:{delivery.id}", params, f"/places/{place.id}/{place_page}",
                 members_of(s, place.organisation_id, ("operator",))),
            Told(kind, f"delivery:{delivery.id}", params, f"/requests/{request.id}",
                 coordinators_of(s, requester.departement))]


def _account_link(s: Session, event: AccountLinkOpened) -> list[Told]:
    """The invitation or reset link, to its user only; the link stays sealed in what is stored."""
    user = s.get(User, event.user_id)
    organisation = s.get(Organisation, user.organisation_id)
    kind = "invitation" if event.purpose == "invitation" else "password_reset"
    return [Told(kind, f"user:{user.id}", {"name": user.name, "organisation": organisation.name,
                                            "until": user.invitation_expires_at or "—", "email": user.email},
                 SEALED_LINK + event.sealed_token, (user.id,))]


def unanswered(s: Session, proposed_before: datetime, hours: int) -> list[Told]:
    """A reminder, once, to the operators of each place with work proposed before then and still unanswered."""
    return [Told("work_reminder", f"work_order:{order.id}", {
        "place": place.name, "quantity": order.quantity, "item": item_name, "work_order_id": order.id,
        "hours": hours}, f"/work-orders/{order.id}",
        members_of(s, place.organisation_id, ("operator",)), once=True)
        for order, place, item_name in s.exec(
            select(WorkOrder, Place, Item.name).join(Place, Place.id == WorkOrder.place_id)
            .join(RequestLine, RequestLine.id == WorkOrder.request_line_id).join(Item, Item.id == RequestLine.item_id)
            .where(WorkOrder.status == "proposed", WorkOrder.created_at <= proposed_before)
            .order_by(WorkOrder.id)).all()]



FINDERS = {RequestSubmitted: _submitted, RequestApproved: _approved, RequestRejected: _rejected,
           WorkProposed: _proposed, WorkRefused: _refused, PrintersWentDown: _printers_down,
           DeliveryShipped: _shipped, PlaceStopped: _place_stopped, PlaceResumed: _place_resumed,
           WorkAccepted: _accepted, WorkTakenBack: _taken_back, PlanProposed: _plan_proposed,
           SupplyRequested: _supply_requested, SupplyAnswered: _supply_answered, DeliveryArrived: _arrived,
           DeliveryRefused: _refused_delivery, ReceiptConfirmed: _short, AccountLinkOpened: _account_link}


def unsubscribe_token(secret: str, user_id: int, kind: str) -> str:
    """The token of an e-mail's one-click unsubscribe: the user and the kind, signed with the installation's secret."""
    return URLSafeSerializer(secret, salt="makernet unsubscribe").dumps([user_id, kind])


def unsubscribed(secret: str, token: str) -> tuple[int, str] | None:
    """The user and kind a token unsubscribes; None for a token not signed here."""
    try:
        user_id, kind = URLSafeSerializer(secret, salt="makernet unsubscribe").loads(token)
    except (BadSignature, TypeError, ValueError):
        return None
    return (user_id, kind) if isinstance(user_id, int) and isinstance(kind, str) else None
