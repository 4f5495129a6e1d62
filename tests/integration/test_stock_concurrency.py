"""On PostgreSQL, 50 concurrent job completions, transfers and adjustments never make stock drift.

Every operation starts at the same instant. Afterwards each level equals the sum of its
ledger and the total expected from the operations that succeeded; the withdrawals that
would have taken a material below zero were refused, which only happens if writers of a
(place, material) really wait for each other.
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func
from sqlmodel import select

from makernet.errors import Conflict
from makernet.models import Job, Material, Organisation, Place, StockEntry, User
from makernet.services import catalogue, demand, planning, production, stock
from makernet.services.access import Actor
from tests.support.api import COORDINATOR, OPERATOR, OTHER_OPERATOR, REQUESTER
from tests.support.services import postgres_demo_app

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """The demo territory on a fresh PostgreSQL database."""
    with postgres_demo_app(tmp_path) as application:
        yield application


def actor(app: Flask, email: str) -> Actor:
    with app.extensions["makernet"].db.reading() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        return Actor(user.id, user.role, user.organisation_id, tuple(s.get(Organisation, user.organisation_id).territory))


def ids(app: Flask) -> dict[str, int]:
    with app.extensions["makernet"].db.reading() as s:
        places = {p.name: p.id for p in s.exec(select(Place)).all()}
        materials = {m.code: m.id for m in s.exec(select(Material)).all()}
    return {"lab": places["FabLab La Rochelle"], "aunis": places["Fab-lab de l'Aunis"], **materials}


def ten_plates(app: Flask) -> list[int]:
    """100 visors accepted by the fab-lab: ten plates of ten, waiting to be reported."""
    ctx, place = app.extensions["makernet"], ids(app)["lab"]
    visor = next(i for i in catalogue.list_items(ctx) if i["code"] == "visiere")
    request = demand.submit_request(ctx, actor(app, REQUESTER), needed_by=date.today() + timedelta(days=7),
                                    delivery_point="Mairie", lines=[(visor["id"], 100)])
    demand.approve_request(ctx, actor(app, COORDINATOR), request["id"])
    order = planning.allocate(ctx, actor(app, COORDINATOR), request_line_id=request["lines"][0]["id"],
                              place_id=place, quantity=100)
    planning.accept_work_order(ctx, actor(app, OPERATOR), order["id"])
    with ctx.db.reading() as s:
        return [j.id for j in s.exec(select(Job).where(Job.work_order_id == order["id"])).all()]


def run_together(operations: list[Callable[[], object]]) -> list[str]:
    """Start every operation at once, each in its thread; "ok", "refused" (Conflict) or the unexpected error."""
    barrier, outcomes = threading.Barrier(len(operations)), [""] * len(operations)

    def run(index: int) -> None:
        barrier.wait()
        try:
            operations[index]()
            outcomes[index] = "ok"
        except Conflict:
            outcomes[index] = "refused"
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            outcomes[index] = repr(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(operations))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_fifty_concurrent_completions_transfers_and_adjustments_never_make_stock_drift(app: Flask) -> None:
    ctx, n = app.extensions["makernet"], ids(app)
    lab_operator, aunis_operator = actor(app, OPERATOR), actor(app, OTHER_OPERATOR)
    jobs = ten_plates(app)
    stock.receive(ctx, lab_operator, n["lab"], n["petg"], 1000, "bobines données")
    operations: list[Callable[[], object]] = []
    # each plate reported twice at once: made once, consumed once
    operations += [lambda j=j: production.report_batch(ctx, lab_operator, j, 10) for j in jobs for _ in (1, 2)]
    # 1 500 g of PETG asked for out of 1 000: two thirds can go, the rest must be refused
    operations += [lambda: stock.transfer(ctx, lab_operator, n["lab"], n["aunis"], n["petg"], 100)] * 8
    operations += [lambda: stock.adjust(ctx, lab_operator, n["lab"], n["petg"], -100, "inventaire")] * 7
    # PLA both ways between the two fab-labs, and found spools
    operations += [lambda: stock.transfer(ctx, aunis_operator, n["aunis"], n["lab"], n["pla"], 200)] * 5
    operations += [lambda: stock.transfer(ctx, lab_operator, n["lab"], n["aunis"], n["pla"], 100)] * 5
    operations += [lambda: stock.adjust(ctx, lab_operator, n["lab"], n["pla"], 50, "bobine retrouvée")] * 5
    assert len(operations) == 50

    outcomes = run_together(operations)

    assert set(outcomes) <= {"ok", "refused"}, [o for o in outcomes if o not in ("ok", "refused")]
    completions, petg, pla = outcomes[:20], outcomes[20:35], outcomes[35:]
    assert [Counter(completions[i:i + 2]) for i in range(0, 20, 2)] == [Counter(ok=1, refused=1)] * 10
    assert Counter(petg) == Counter(ok=10, refused=5)
    assert set(pla) == {"ok"}
    petg_sent = 100 * outcomes[20:28].count("ok")
    expected = {
        (n["lab"], n["pla"]): 10_000 - 100 * 25 + 5 * 200 - 5 * 100 + 5 * 50,
        (n["aunis"], n["pla"]): 10_000 - 5 * 200 + 5 * 100,
        (n["lab"], n["feuille-a4"]): 500 - 100, (n["lab"], n["elastique"]): 600 - 100,
        (n["lab"], n["petg"]): 0, (n["aunis"], n["petg"]): petg_sent,
    }
    with ctx.db.reading() as s:
        sums = {(p, m): int(q) for p, m, q in s.exec(
            select(StockEntry.place_id, StockEntry.material_id, func.sum(StockEntry.quantity))
            .group_by(StockEntry.place_id, StockEntry.material_id)).all()}
        consumed = s.exec(select(StockEntry.job_id, func.count()).where(StockEntry.kind == "consumption")
                          .group_by(StockEntry.job_id)).all()
        transfers = s.exec(select(func.count(), func.sum(StockEntry.quantity)).where(StockEntry.transfer_id.is_not(None))
                           .group_by(StockEntry.transfer_id)).all()
    for (place, material), total in expected.items():
        level = next(m["level"] for m in stock.levels(ctx, lab_operator if place == n["lab"] else aunis_operator, place)
                     if m["material_id"] == material)
        assert level == sums[(place, material)] == total, (place, material)
    assert sorted(consumed) == sorted((j, 3) for j in jobs)
    assert len(transfers) == outcomes[20:28].count("ok") + 10 and set(transfers) == {(2, 0)}  # out and in, always
