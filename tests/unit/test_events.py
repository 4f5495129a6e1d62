"""Use cases tell what happened once their transaction commits; subscribers never hear of a rollback."""
from __future__ import annotations

import pytest
from flask import Flask
from sqlmodel import select

from makernet.errors import Conflict
from makernet.models import AuditEntry, User
from makernet.services import places, plans
from makernet.services.access import Actor
from makernet.services.events import (DeliveryShipped, Event, ReceiptConfirmed, RequestApproved, StockDropped,
                                      WorkProposed, record)
from makernet.services.subscriptions import SUBSCRIBERS
from tests.support.api import OPERATOR, REQUESTER, SEWING_OPERATOR, ApiClient
from tests.unit.test_deliveries import made_masks, ship


def listening(app: Flask, *kinds: type[Event]) -> list[Event]:
    """Subscribe a recorder to these kinds of events, beside the application's own subscribers."""
    heard: list[Event] = []
    ctx = app.extensions["makernet"]
    ctx.subscribers = {**SUBSCRIBERS, **{kind: (*SUBSCRIBERS.get(kind, ()), lambda _ctx, e: heard.append(e))
                                         for kind in kinds}}
    return heard


def test_a_request_approved_allocated_shipped_and_received_is_told_step_by_step(app: Flask, api: ApiClient) -> None:
    heard = listening(app, RequestApproved, WorkProposed, DeliveryShipped, ReceiptConfirmed)
    made = made_masks(api, 40)
    delivery = ship(api, made, 40)
    assert not [e for e in heard if isinstance(e, DeliveryShipped)]   # prepared: told once it leaves
    api.ok("post", f"/deliveries/{delivery['id']}/pick-up", SEWING_OPERATOR, json={})
    api.ok("post", f"/deliveries/{delivery['id']}/confirm-receipt", REQUESTER, json={"receiver_name": "Claire Martin"})
    assert heard == [RequestApproved(made["request"]["id"]), WorkProposed((made["order"]["id"],)),
                     DeliveryShipped(delivery["id"]), ReceiptConfirmed(delivery["id"], request_closed=True)]


def test_an_event_recorded_in_a_transaction_that_rolls_back_is_never_told(app: Flask) -> None:
    heard = listening(app, StockDropped)
    ctx = app.extensions["makernet"]
    with pytest.raises(Conflict), ctx.db.transaction() as tx:
        record(ctx, tx, StockDropped(1, 1))
        raise Conflict("changed meanwhile")
    assert heard == []
    with ctx.db.transaction() as tx:
        record(ctx, tx, StockDropped(1, 1))
        assert heard == []          # not before the commit
    assert heard == [StockDropped(1, 1)]


def test_one_table_says_who_hears_what_the_planner_and_notices_after_commit_the_audit_trail_within() -> None:
    planner, told = ("makernet.services.plans.handlers", False), ("makernet.services.notices.handlers", False)
    assert {kind.__name__: [(h.__module__, getattr(h, "within_transaction", False)) for h in handlers]
            for kind, handlers in SUBSCRIBERS.items()} == {
        "PrintersWentDown": [planner, told],
        "StockDropped": [planner],
        "WorkRefused": [planner, told],
        "WorkTakenBack": [planner, told],
        **{kind: [told] for kind in ("RequestSubmitted", "RequestApproved", "RequestRejected", "WorkProposed",
                                     "WorkAccepted", "PlanProposed", "SupplyRequested", "SupplyAnswered",
                                     "DeliveryShipped", "DeliveryArrived", "DeliveryRefused", "ReceiptConfirmed",
                                     "AccountLinkOpened")},
        **{kind: [("makernet.services.audit", True)]
           for kind in ("PlaceConditionsChanged", "MachineServiceChanged", "ChangeAsked")},
        **{kind: [("makernet.services.audit", True), told] for kind in ("PlaceStopped", "PlaceResumed")}}


def operator(app: Flask) -> Actor:
    with app.extensions["makernet"].db.reading() as s:
        user = s.exec(select(User).where(User.email == OPERATOR)).one()
    return Actor(user.id, user.role, user.organisation_id)


def trail(app: Flask, entity: str, entity_id: int) -> list[tuple]:
    with app.extensions["makernet"].db.reading() as s:
        return [(a.from_state, a.to_state, a.note) for a in s.exec(select(AuditEntry).where(
            AuditEntry.entity == entity, AuditEntry.entity_id == entity_id).order_by(AuditEntry.id)).all()]


def test_the_audit_trail_keeps_who_changed_a_place_stopped_it_and_set_a_bench_aside(app: Flask, api: ApiClient) -> None:
    ctx, yann = app.extensions["makernet"], operator(app)
    lab = next(p for p in places.list_places(ctx, yann) if p["name"] == "FabLab La Rochelle")
    conditions = {k: lab[k] for k in ("staff_available", "opening_hours", "batch_limit", "hourly_value_cents",
                                      "accepted_item_ids", "auto_accept", "offline_policy", "site_worker")}
    places.update_conditions(ctx, yann, lab["id"], **(conditions | {"staff_available": 3, "auto_accept": True}))
    plans.withdraw_place(ctx, yann, lab["id"], "fermé pour inventaire")
    places.resume_work(ctx, yann, lab["id"])
    assert trail(app, "place", lab["id"]) == [("active", "active", "conditions: auto_accept, staff_available"),
                                              ("active", "withdrawn", "fermé pour inventaire"),
                                              ("withdrawn", "active", "takes work again")]
    bench = places.add_machine(ctx, yann, lab["id"], name="Établi 2", kind="assembly_bench")
    places.set_machine_active(ctx, yann, bench["id"], False)
    assert trail(app, "machine", bench["id"])[-1] == ("active", "inactive", "")


def test_a_change_refused_leaves_no_audit_entry(app: Flask, api: ApiClient) -> None:
    ctx, yann = app.extensions["makernet"], operator(app)
    lab = next(p for p in places.list_places(ctx, yann) if p["name"] == "FabLab La Rochelle")
    with pytest.raises(Conflict):
        places.resume_work(ctx, yann, lab["id"])      # it is already taking work
    assert trail(app, "place", lab["id"]) == []

