"""Whatever the input, neither the planner nor the baseline goes over any place's or line's limits."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from makernet.planner import DemandLine, Held, PlaceSupply, PlanInput, Proposal, Rule, plan, plan_baseline

ITEMS, MATERIALS = (1, 2), (10, 11)


@st.composite
def plan_inputs(draw: st.DrawFn) -> PlanInput:
    """A random territory: a few places and lines, shared materials, pins and forbids."""
    places = []
    for place_id in range(1, draw(st.integers(1, 4)) + 1):
        capacity = {i: tuple(draw(st.lists(st.floats(0, 30), min_size=3, max_size=10)))
                    for i in draw(st.sets(st.sampled_from(ITEMS), min_size=1))}
        places.append(PlaceSupply(
            place_id, f"Lieu {place_id}", draw(st.floats(43, 47)), draw(st.floats(-1.5, 2)), capacity,
            backlog={i: draw(st.integers(0, 40)) for i in capacity},
            free_material={m: draw(st.integers(0, 2000)) for m in MATERIALS},
            batch_limit=draw(st.none() | st.integers(1, 60)), auto_accept=draw(st.booleans())))
    lines = []
    for line_id in range(100, 100 + draw(st.integers(1, 6))):
        item = draw(st.sampled_from(ITEMS))
        lines.append(DemandLine(
            line_id, line_id, item, draw(st.integers(1, 120)), draw(st.integers(-1, 12)),
            draw(st.sampled_from(("care_staff", "emergency_services", "vulnerable", "normal"))),
            draw(st.floats(43, 47)), draw(st.floats(-1.5, 2)), draw(st.none() | st.just(7)),
            {m: draw(st.integers(1, 30)) for m in draw(st.sets(st.sampled_from(MATERIALS)))}, order=line_id))
    rules = tuple(Rule(draw(st.sampled_from(("pin", "forbid"))), draw(st.sampled_from([ln.line_id for ln in lines])),
                       draw(st.sampled_from([p.place_id for p in places])), draw(st.none() | st.integers(1, 50)))
                  for _ in range(draw(st.integers(0, 3))))
    return PlanInput(date(2020, 3, 17), tuple(places), tuple(lines), rules,
                     release_days=draw(st.none() | st.integers(0, 4)))


def check_limits(inp: PlanInput, proposals) -> None:  # noqa: ANN001
    places = {p.place_id: p for p in inp.places}
    lines = {ln.line_id: ln for ln in inp.lines}
    per_line, per_lane, per_pair, per_stock = defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int)
    forbidden = {(r.line_id, r.place_id) for r in inp.rules if r.kind == "forbid"}
    for proposal in proposals:
        line, place = lines[proposal.line_id], places[proposal.place_id]
        assert proposal.quantity > 0
        assert line.design_version_id is not None and proposal.design_version_id == line.design_version_id
        assert (line.line_id, place.place_id) not in forbidden
        per_line[line.line_id] += proposal.quantity
        per_lane[place.place_id, line.item_id] += proposal.quantity
        per_pair[line.line_id, place.place_id] += proposal.quantity
        for material, per_unit in line.bill.items():
            per_stock[place.place_id, material] += per_unit * proposal.quantity
    for line_id, units in per_line.items():
        assert units <= lines[line_id].quantity, "a line is over-allocated"
    for (place_id, item), units in per_lane.items():
        place = places[place_id]
        assert units + place.backlog.get(item, 0) <= place.cumulative(item, place.horizon(item)), "over capacity"
    for (_line_id, place_id), units in per_pair.items():
        limit = places[place_id].batch_limit
        assert limit is None or units <= limit, "over the batch limit"
    for (place_id, material), used in per_stock.items():
        assert used <= places[place_id].free_material.get(material, 0), "stock reserved twice"


@settings(max_examples=60, deadline=None)
@given(plan_inputs())
def test_the_planner_never_goes_over_capacity_line_stock_batch_or_design_rules(inp: PlanInput) -> None:
    result = plan(inp)
    check_limits(inp, result.proposals)
    check_limits(inp, result.proposals + tuple(held_as_proposals(result.held)))   # held work fits too


@settings(max_examples=40, deadline=None)
@given(plan_inputs())
def test_the_baseline_keeps_the_same_limits(inp: PlanInput) -> None:
    check_limits(inp, plan_baseline(inp).proposals)


@settings(max_examples=40, deadline=None)
@given(plan_inputs())
def test_every_unit_is_either_proposed_or_reported_left_over(inp: PlanInput) -> None:
    result = plan(inp)
    for line in inp.lines:
        proposed = sum(p.quantity for p in result.proposals if p.line_id == line.line_id)
        held = sum(h.quantity for h in result.held if h.line_id == line.line_id)
        left = sum(u.quantity for u in result.unplanned if u.line_id == line.line_id)
        assert proposed + held + left == line.quantity
    assert result.relaxed_on_time + 1e-6 >= result.planned_on_time


def held_as_proposals(held: tuple[Held, ...]) -> list[Proposal]:
    """Held work as the proposals it will become, to check it against the same limits."""
    return [Proposal(h.line_id, h.place_id, 7, h.quantity, 0.0, h.ready_day, 0, h.on_time) for h in held]
