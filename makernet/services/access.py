"""Who may see or change what: the one access policy, used by every area and page.

One function per kind of object and purpose: `visible_*`/`can_see_*`/`*_seen` for reading, `own_*` for changing
one's own, and two-ended checks for writes that touch a second organisation (a transfer's receiving place, a
collection point, an imported place's organisation). A refusal never tells whether the thing exists.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from makernet.errors import Forbidden, InvalidInput, NotFound
from makernet.models import Delivery, Job, Machine, Organisation, Place, Request, RequestLine, SupplyRequest, WorkOrder

ROLES = ("requester", "operator", "coordinator", "admin")


@dataclass(frozen=True)
class Actor:
    """The signed-in user as plain values."""

    user_id: int
    role: str
    organisation_id: int
    territory: tuple[str, ...] = ()

    def require(self, *roles: str) -> None:
        """Refuse unless the actor has one of `roles` (admins may do everything)."""
        if self.role != "admin" and self.role not in roles:
            raise Forbidden("access.role_needed", role=self.role, roles=list(roles))

    def sees_departement(self, departement: str) -> bool:
        """Whether a coordinator's territory covers a département (admins see all)."""
        return self.role == "admin" or (self.role == "coordinator" and departement in self.territory)


def visible_request(s: Session, actor: Actor, request_id: int) -> Request:
    """The request if this actor may see it; NotFound otherwise (no hint that it exists)."""
    request = s.get(Request, request_id)
    if request is None or not can_see_request(s, actor, request):
        raise NotFound("request.not_found", id=request_id)
    return request


def can_see_request(s: Session, actor: Actor, request: Request) -> bool:
    """Requesters see their organisation's requests, coordinators their territory's, operators those they work on."""
    if actor.role == "admin" or request.organisation_id == actor.organisation_id:
        return True
    if actor.role == "coordinator":
        organisation = s.get(Organisation, request.organisation_id)
        return actor.sees_departement(organisation.departement)
    return actor.role == "operator" and operator_works_on_request(s, actor, request.id)


def own_request(s: Session, actor: Actor, request_id: int, *, coordinators: bool = False) -> Request:
    """A request of the requester's own organisation (with `coordinators`, also one of a coordinator's territory)."""
    actor.require("requester", *(("coordinator",) if coordinators else ()))
    return visible_request(s, actor, request_id)


def own_delivery(s: Session, actor: Actor, delivery_id: int) -> Delivery:
    """A delivery leaving one of the operator's places."""
    actor.require("operator")
    delivery = visible_delivery(s, actor, delivery_id)
    if actor.role != "admin" and s.get(Place, delivery.place_id).organisation_id != actor.organisation_id:
        raise NotFound("delivery.not_found", id=delivery_id)
    return delivery


def requesters_delivery(s: Session, actor: Actor, delivery_id: int) -> tuple[Delivery, Request]:
    """A delivery to one of the requester's requests."""
    delivery = visible_delivery(s, actor, delivery_id)
    request = s.get(Request, delivery.request_id)
    if actor.role != "admin" and request.organisation_id != actor.organisation_id:
        raise NotFound("delivery.not_found", id=delivery_id)
    return delivery, request


def visible_delivery(s: Session, actor: Actor, delivery_id: int) -> Delivery:
    """A delivery of the actor's place or request (or territory, for coordinators)."""
    delivery = s.get(Delivery, delivery_id)
    if delivery is not None and can_see_delivery(s, actor, delivery):
        return delivery
    raise NotFound("delivery.not_found", id=delivery_id)


def can_see_delivery(s: Session, actor: Actor, delivery: Delivery) -> bool:
    """Deliveries of the actor's places or requests, or of a coordinator's territory."""
    place = s.get(Place, delivery.place_id)
    request = s.get(Request, delivery.request_id)
    return actor.role == "admin" or actor.organisation_id in (place.organisation_id, request.organisation_id) \
        or actor.sees_departement(place.departement)


def stock_place(s: Session, actor: Actor, place_id: int, *, coordinators: bool = False) -> Place:
    """A place whose stock the actor may move: their own (operators), their territory's (coordinators)."""
    actor.require("operator", *(("coordinator",) if coordinators else ()))
    place = s.get(Place, place_id)
    if place is None or not (actor.role == "admin" or place.organisation_id == actor.organisation_id
                             or (coordinators and actor.sees_departement(place.departement))):
        raise NotFound("place.not_found", id=place_id)
    return place


def local_departements(s: Session, actor: Actor) -> set[str]:
    """The départements where the actor's organisation has a place: its local network."""
    return set(s.exec(select(Place.departement).where(Place.organisation_id == actor.organisation_id)).all())


def may_send_material_to(actor: Actor, place: Place, local: set[str]) -> bool:
    """A transfer's receiving end: a place of the sender's organisation or `local` network, or the territory's."""
    return place.active and (actor.role == "admin" or place.organisation_id == actor.organisation_id
                             or actor.sees_departement(place.departement)
                             or (actor.role == "operator" and place.departement in local))


def transfer_target(s: Session, actor: Actor, place_id: int) -> Place:
    """The place a transfer goes to, if the actor may send material there (else an unknown place)."""
    place = s.get(Place, place_id)
    if place is None or not may_send_material_to(actor, place, local_departements(s, actor)):
        raise InvalidInput("stock.transfer_place_unknown", field="to_place_id", id=place_id)
    return place


def check_point_departement(s: Session, actor: Actor, departement: str) -> None:
    """A collection point opens in a coordinator's territory, or where the operator's organisation has a place."""
    if not (actor.sees_departement(departement)
            or (actor.role == "operator" and departement in local_departements(s, actor))):
        raise InvalidInput("access.point_outside_territory", field="departement")


def sees_organisation(s: Session, actor: Actor, organisation: Organisation) -> bool:
    """Coordinators see their territory's organisations: by département, or else by all their places (admins: all)."""
    if actor.role == "admin" or organisation.id == actor.organisation_id:
        return True
    if organisation.departement:
        return actor.sees_departement(organisation.departement)
    places = s.exec(select(Place.departement).where(Place.organisation_id == organisation.id)).all()
    return bool(places) and all(actor.sees_departement(d) for d in places)


def visible_supply_request(s: Session, actor: Actor, supply_id: int) -> SupplyRequest:
    """A supply request of the actor's places, of a place supplying it, or of a coordinator's territory."""
    supply = s.get(SupplyRequest, supply_id)
    if supply is not None:
        place = s.get(Place, supply.place_id)
        supplier = s.get(Place, supply.supplier_place_id) if supply.supplier_place_id else None
        if actor.organisation_id in (place.organisation_id, supplier and supplier.organisation_id) \
                or actor.sees_departement(place.departement):
            return supply
    raise NotFound("supply.not_found", id=supply_id)


def closable_supply_request(s: Session, actor: Actor, supply_id: int) -> SupplyRequest:
    """A supply request the actor may close: of their own place (operators), or their territory (coordinators)."""
    supply = visible_supply_request(s, actor, supply_id)
    if actor.role == "operator":
        stock_place(s, actor, supply.place_id)
    return supply


def coordinated_supply_request(s: Session, actor: Actor, supply_id: int) -> SupplyRequest:
    """A supply request of the coordinator's territory."""
    actor.require("coordinator")
    return visible_supply_request(s, actor, supply_id)


def sees_place(actor: Actor, place: Place) -> bool:
    """Operators see their organisation's places, coordinators their territory's (admins all)."""
    return place.organisation_id == actor.organisation_id or actor.sees_departement(place.departement)


def visible_place(s: Session, actor: Actor, place_id: int) -> Place:
    """A place the actor sees (see `sees_place`), else NotFound."""
    place = s.get(Place, place_id)
    if place is None or not sees_place(actor, place):
        raise NotFound("place.not_found", id=place_id)
    return place


def queue_place(s: Session, actor: Actor, place_id: int) -> tuple[Place, bool]:
    """A place whose production the actor may see, and whether they may operate it (their own place)."""
    place = visible_place(s, actor, place_id)
    own = place.organisation_id == actor.organisation_id and actor.role == "operator"
    if not (own or actor.sees_departement(place.departement)):
        raise NotFound("place.not_found", id=place_id)
    return place, own or actor.role == "admin"


def territory_scope(actor: Actor) -> tuple[str, ...] | None:
    """The départements a coordinator's reads cover; None for an admin (all of them)."""
    return None if actor.role == "admin" else tuple(actor.territory)


def report_territory(actor: Actor, departements: list[str] | None) -> list[str] | None:
    """The départements a report covers: a coordinator's own (or part of them); None is every one (admins)."""
    actor.require("coordinator")
    if actor.role == "admin":
        return sorted(set(departements)) if departements else None
    chosen = sorted(set(departements or actor.territory))
    outside = [d for d in chosen if d not in actor.territory]
    if outside:
        raise InvalidInput("access.outside_territory", field="departements", departements=outside)
    return chosen


def own_place(s: Session, actor: Actor, place_id: int) -> Place:
    """A place of the operator's own organisation (any, for admins): nobody else sets its conditions."""
    actor.require("operator")
    place = s.get(Place, place_id)
    if place is None or not (actor.role == "admin" or place.organisation_id == actor.organisation_id):
        raise NotFound("place.not_found", id=place_id)
    return place


def own_machine(s: Session, actor: Actor, machine_id: int) -> Machine:
    """A machine of one of the actor's places (any, for admins), unless it was removed."""
    machine = s.get(Machine, machine_id)
    if machine is None or machine.removed_at is not None:
        raise NotFound("machine.not_found", id=machine_id)
    place = s.get(Place, machine.place_id)
    if actor.role != "admin" and place.organisation_id != actor.organisation_id:
        raise NotFound("machine.not_found", id=machine_id)
    return machine


def own_job(s: Session, actor: Actor, job_id: int) -> Job:
    """A job on a machine of one of the actor's places."""
    job = s.get(Job, job_id)
    if job is None:
        raise NotFound("job.not_found", id=job_id)
    own_machine(s, actor, job.machine_id)
    return job


def own_work_order(s: Session, actor: Actor, work_order_id: int) -> WorkOrder:
    """A work order of one of the actor's places (any, for admins)."""
    order = s.get(WorkOrder, work_order_id)
    if order is None or not can_see_work_order(s, actor, order):
        raise NotFound("work_order.not_found", id=work_order_id)
    if actor.role != "admin" and s.get(Place, order.place_id).organisation_id != actor.organisation_id:
        raise NotFound("work_order.not_found", id=work_order_id)
    return order


def coordinated_work_order(s: Session, actor: Actor, work_order_id: int) -> WorkOrder:
    """A work order of a place in the coordinator's territory (any, for admins)."""
    order = s.get(WorkOrder, work_order_id)
    if order is None or not actor.sees_departement(s.get(Place, order.place_id).departement):
        raise NotFound("work_order.not_found", id=work_order_id)
    return order


def can_see_work_order(s: Session, actor: Actor, order: WorkOrder) -> bool:
    """Operators see their places' work orders, coordinators their territory's."""
    place = s.get(Place, order.place_id)
    return place.organisation_id == actor.organisation_id or actor.sees_departement(place.departement)


def operator_works_on_request(s: Session, actor: Actor, request_id: int, place_id: int | None = None) -> bool:
    """Whether one of the actor's places (or the given one) has work on a request."""
    query = (select(WorkOrder.id).join(RequestLine, RequestLine.id == WorkOrder.request_line_id)
             .join(Place, Place.id == WorkOrder.place_id).where(RequestLine.request_id == request_id))
    if place_id is not None:
        query = query.where(WorkOrder.place_id == place_id)
    if actor.role != "admin":
        query = query.where(Place.organisation_id == actor.organisation_id)
    return s.exec(query).first() is not None


def covers_territory(actor: Actor, territory: list[str]) -> bool:
    """Whether a run's territory (empty: everywhere) is within the coordinator's."""
    return actor.role == "admin" or bool(territory) and all(actor.sees_departement(d) for d in territory)


def territory_place(s: Session, actor: Actor, place_id: int) -> Place:
    """A place of the coordinator's territory, else NotFound."""
    place = s.get(Place, place_id)
    if place is None or not actor.sees_departement(place.departement):
        raise NotFound("place.not_found", id=place_id)
    return place


def sees_territory_place(s: Session, actor: Actor, place_id: int) -> bool:
    """Whether a place is in the coordinator's territory (admins: any)."""
    place = s.get(Place, place_id)
    return place is not None and actor.sees_departement(place.departement)
