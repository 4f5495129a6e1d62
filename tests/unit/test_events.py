"""Use cases tell what happened once their transaction commits; subscribers never hear of a rollback."""
from __future__ import annotations

import pytest
from flask import Flask

from makernet.errors import Conflict
from makernet.services.events import (DeliveryShipped, Event, ReceiptConfirmed, RequestApproved, StockDropped,
                                      WorkProposed, record)
from makernet.services.subscriptions import SUBSCRIBERS
from tests.support.api import REQUESTER, ApiClient
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


def test_refused_work_is_told_only_to_the_planner_through_the_subscription_table() -> None:
    assert {kind.__name__: [h.__module__ for h in handlers] for kind, handlers in SUBSCRIBERS.items()} == {
        "PrintersWentDown": ["makernet.services.plans.handlers"], "StockDropped": ["makernet.services.plans.handlers"],
        "WorkRefused": ["makernet.services.plans.handlers"]}

