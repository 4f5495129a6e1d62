"""The planner's view of what is coming: the requests sent lately, area by area, stand for the next days'."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from makernet.models import Item, Material, Organisation, Place, User
from makernet.planner.model import DemandLine
from makernet.services import demand, supply
from makernet.services.plans.inputs import EXPECTED_AHEAD, EXPECTED_LARGEST, EXPECTED_LOOKBACK, plan_input
from tests.unit.test_plans import MONDAY, actor, approved_request, coordinator, ctx  # noqa: F401 - the fixture

EHPAD = "ehpad.tilleuls@demo.makernet.fr"


def expected(ctx) -> list[DemandLine]:  # noqa: ANN001, F811
    with ctx.db.reading() as s:
        return list(plan_input(s, MONDAY, None).expected)


def sent_on(ctx, days_ago: int, quantity: int, needed_in: int = 8, approve: bool = True) -> None:  # noqa: ANN001, F811
    with ctx.db.reading() as s:
        visor = s.exec(select(Item.id).where(Item.code == "visiere")).one()
    day = MONDAY - timedelta(days=days_ago)
    request = demand.submit_request(ctx, actor(ctx, EHPAD), needed_by=day + timedelta(days=needed_in),
                                    delivery_point="Accueil", lines=[(visor, quantity)], today=day)
    if approve:
        demand.approve_request(ctx, coordinator(ctx), request["id"])


def test_the_requests_of_the_last_week_stand_for_the_next_days_near_where_they_were_sent(ctx) -> None:  # noqa: F811
    assert expected(ctx) == []
    sent_on(ctx, 1, 100, needed_in=6)
    sent_on(ctx, 3, 40, needed_in=10)
    sent_on(ctx, 6, 3000)                                  # an institution's order: counted as EXPECTED_LARGEST
    sent_on(ctx, EXPECTED_LOOKBACK, 900)                   # older than the week: not counted
    sent_on(ctx, 2, 700, approve=False)                    # not yet approved: not counted
    (line,) = expected(ctx)
    units = 100 + 40 + EXPECTED_LARGEST
    assert line.expected and line.line_id < 0 and line.quantity == round(units * EXPECTED_AHEAD / EXPECTED_LOOKBACK)
    lead = (100 * 6 + 40 * 10 + EXPECTED_LARGEST * 8) / units
    assert line.needed_by == round(lead + (EXPECTED_AHEAD + 1) / 2) and line.priority == "normal" and not line.bill
    with ctx.db.reading() as s:
        org = s.exec(select(Organisation).join(User, User.organisation_id == Organisation.id)
                     .where(User.email == EHPAD)).one()
    assert (round(line.latitude, 6), round(line.longitude, 6)) == (round(org.latitude, 6), round(org.longitude, 6))
    assert line.design_version_id is not None


def test_a_plan_of_some_lines_only_expects_nothing(ctx) -> None:  # noqa: F811
    sent_on(ctx, 1, 100)
    request = approved_request(ctx, 30)
    with ctx.db.reading() as s:
        some = plan_input(s, MONDAY, None, {line["id"] for line in request["lines"]})
    assert some.expected == () and [ln.quantity for ln in some.lines] == [30]


def test_material_a_supplier_was_assigned_to_bring_is_expected_on_its_day_less_what_came(ctx) -> None:  # noqa: F811
    operator = actor(ctx, "fablab.larochelle@demo.makernet.fr")
    with ctx.db.reading() as s:
        place = s.exec(select(Place).where(Place.organisation_id == operator.organisation_id)).first()
        pla = s.exec(select(Material.id).where(Material.code == "pla")).one()

    def asked(quantity: int, days: int) -> int:
        return supply.post_supply_request(ctx, operator, place_id=place.id, kind="material", material_id=pla,
                                          quantity=quantity, needed_by=MONDAY + timedelta(days=days),
                                          today=MONDAY)["id"]
    promised = asked(5000, 3)
    supply.assign_supplier(ctx, coordinator(ctx), promised, "Plasturgie Charentaise")
    partly = asked(2000, 5)
    supply.assign_supplier(ctx, coordinator(ctx), partly, "Kitty")
    supply.receive_supply(ctx, operator, partly, 500)
    asked(9000, 4)                                          # nobody assigned to bring it yet: not counted
    with ctx.db.reading() as s:
        (mine,) = [p for p in plan_input(s, MONDAY, None).places if p.place_id == place.id]
    assert mine.material_expected == {pla: ((3, 5000), (5, 1500))}
    assert mine.on_shelf[pla] >= 500 and mine.on_shelf[pla] >= mine.free_material[pla]   # reserved or not
