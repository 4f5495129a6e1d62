"""A place that can do less gives back the plates it would now finish too late, and keeps the rest on time."""
from __future__ import annotations

from itertools import accumulate

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from sqlmodel import select

from makernet.domain.production import QueuedPlate, beyond_capacity
from makernet.models import Job, Machine, Place, RequestLine, WorkOrder
from makernet.services import plans
from makernet.services.context import Context
from makernet.services.places.operations import place_capacity
from tests.support.runs import claimed_meanwhile, run_posted_plans
from tests.unit.test_plans import MONDAY, approved_request, coordinator, ctx, orders  # noqa: F401 - ctx: a fixture


def test_after_a_breakdown_the_plates_due_before_the_place_can_make_them_are_given_back() -> None:
    days = (120.0, 0.0, 120.0, 480.0)   # a printer down for two days, then all back
    plates = [QueuedPlate(1, 100, 0, False), QueuedPlate(2, 100, 2, False), QueuedPlate(3, 100, 2, False),
              QueuedPlate(4, 100, 3, False)]
    assert beyond_capacity(days, plates) == [3]   # 1 and 2 fit by day 2 (240 units), 3 does not; 4 does by day 3


def test_started_plates_and_work_already_late_stay_and_still_take_their_capacity() -> None:
    plates = [QueuedPlate(1, 50, 0, True), QueuedPlate(2, 50, 0, False), QueuedPlate(3, 10, -2, False)]
    assert beyond_capacity((60.0,), plates) == [2]


def test_a_plate_due_beyond_the_days_counted_is_kept_if_it_fits_in_them_and_given_back_with_no_days() -> None:
    assert beyond_capacity((10.0,), [QueuedPlate(1, 5, 4, False), QueuedPlate(2, 6, 4, False)]) == [2]
    assert beyond_capacity((), [QueuedPlate(1, 5, 0, False)]) == [1]


plate = st.builds(QueuedPlate, st.integers(0, 10**6), st.integers(1, 60), st.integers(-2, 8), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(0, 200), max_size=10), st.lists(plate, max_size=12, unique_by=lambda p: p.key))
def test_what_is_kept_is_on_time_and_nothing_given_back_would_have_fit(days: list[float],
                                                                        plates: list[QueuedPlate]) -> None:
    late = set(beyond_capacity(days, plates))
    enough = list(accumulate(days))
    kept = 0.0
    for p in plates:
        if p.key in late:
            assert not p.started and p.due >= 0
            # given back only where keeping it would have made it late
            assert not enough or enough[min(p.due, len(enough) - 1)] + 1e-9 < kept + p.units
            continue
        kept += p.units
        if not p.started and p.due >= 0:   # every kept plate still on time
            assert enough and enough[min(p.due, len(enough) - 1)] + 1e-9 >= kept


def test_a_printer_down_gives_back_the_accepted_plates_now_too_late_and_the_run_places_them_elsewhere(
        ctx: Context) -> None:  # noqa: F811 - the fixture
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Place).values(auto_accept=True))
    line = approved_request(ctx, 400, days=3)["lines"][0]["id"]
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    placed = orders(ctx, status="accepted", request_line_id=line)
    busiest = max(placed, key=lambda o: o.accepted_quantity)
    with ctx.db.transaction() as tx:   # all its printers but one down
        printers = tx.session.exec(select(Machine.id).where(Machine.place_id == busiest.place_id,
                                                            Machine.kind == "fdm_printer")).all()
        tx.session.execute(update(Machine).where(Machine.id.in_(printers[1:])).values(state="offline"))
    posted = plans.request_replan(ctx, coordinator(ctx), busiest.place_id, "printer_down",
                                  "imprimantes en panne", MONDAY)
    assert run_posted_plans(ctx) == ["done"]
    with ctx.db.reading() as s:
        kept = s.get(WorkOrder, busiest.id)
        due = (kept.due_by - MONDAY).days
        capacity = place_capacity(s, s.get(Place, kept.place_id), None, MONDAY, due + 1)
        can = sum(capacity[s.get(RequestLine, line).item_id].days[:due + 1])
        queued = sum(j.units for j in s.exec(select(Job).where(Job.work_order_id == kept.id,
                                                              Job.status != "cancelled")).all())
    # what it keeps it can still make by the day it must be ready; what it gave back went to other places
    assert 0 < kept.accepted_quantity == queued <= can < busiest.accepted_quantity
    run = plans.get_plan_run(ctx, coordinator(ctx), posted["id"])
    freed = {c["work_order_id"]: c["quantity"] for c in run["changes"] if c["what"] == "libéré"}
    there = [o for o in orders(ctx, request_line_id=line) if o.place_id == kept.place_id and o.id in freed]
    assert freed[kept.id] == busiest.accepted_quantity - queued
    assert sum(freed.values()) == sum(o.accepted_quantity for o in placed if o.id in freed) \
        - sum(o.accepted_quantity for o in there)
    now = orders(ctx, status="accepted", request_line_id=line)
    elsewhere = sum(o.accepted_quantity for o in now if o.place_id != kept.place_id)
    assert elsewhere > sum(o.accepted_quantity for o in placed if o.place_id != kept.place_id)
    assert sum(o.accepted_quantity for o in now) + run["unplanned_units"] == 400   # nothing lost, nothing twice


def test_a_plate_a_machine_claims_while_the_late_ones_are_given_back_stays_and_the_order_gives_as_many_units(
        ctx: Context, monkeypatch) -> None:  # noqa: ANN001, F811 - the fixture
    with ctx.db.transaction() as tx:
        tx.session.execute(update(Place).values(auto_accept=True))
    line = approved_request(ctx, 400, days=3)["lines"][0]["id"]
    plans.run_plan(ctx, coordinator(ctx), today=MONDAY)
    busiest = max(orders(ctx, status="accepted", request_line_id=line), key=lambda o: o.accepted_quantity)
    with ctx.db.transaction() as tx:
        printers = tx.session.exec(select(Machine.id).where(Machine.place_id == busiest.place_id,
                                                            Machine.kind == "fdm_printer")).all()
        tx.session.execute(update(Machine).where(Machine.id.in_(printers[1:])).values(state="offline"))
        plates = tx.session.exec(select(Job).where(Job.work_order_id == busiest.id)
                                 .order_by(Job.sequence.desc())).all()
    claimed = plates[0]   # the order's last plate, the first one the give-back reaches; a worker claims it then
    claimed_meanwhile(monkeypatch, claimed.id)
    posted = plans.request_replan(ctx, coordinator(ctx), busiest.place_id, "printer_down",
                                  "imprimantes en panne", MONDAY)
    run = plans.get_plan_run(ctx, coordinator(ctx), posted["id"])
    freed = {c["work_order_id"]: c["quantity"] for c in run["changes"] if c["what"] == "libéré"}
    with ctx.db.reading() as s:
        kept = s.get(WorkOrder, busiest.id)
        jobs = {j.id: j for j in s.exec(select(Job).where(Job.work_order_id == busiest.id)).all()}
    # the claimed plate stays with the order, on its way to a machine; the order gives back as many units as
    # the place can no longer make on time, from its plates before that one
    assert jobs[claimed.id].status == "dispatching" and jobs[claimed.id].units == claimed.units
    assert 0 < freed[busiest.id] and kept.accepted_quantity == busiest.accepted_quantity - freed[busiest.id]
    assert sum(j.units for j in jobs.values() if j.status != "cancelled") == kept.accepted_quantity
