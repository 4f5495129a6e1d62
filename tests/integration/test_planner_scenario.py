"""A small NA-visors-2020 scenario played day by day through the services, with every kind of disruption."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from makernet.db import Database
from makernet.models import Job, Place, RequestLine, StockEntry, WorkOrder
from makernet.models.plans import PlanRun
from makernet.scenarios.na_visors import Disruption, generate
from makernet.scenarios.simulator import Simulation


def test_a_small_scenario_plays_through_the_services_and_keeps_every_count_consistent(tmp_path: Path) -> None:
    scenario = generate(seed=3, sites=3, workshops=1, communes=12, load=0.5, days=10)
    scenario.disruptions += [Disruption(2, "printer_down", 1, 2), Disruption(3, "design_revision"),
                             Disruption(4, "freeze"), Disruption(6, "place_out", 2), Disruption(7, "thaw")]
    scenario.disruptions.sort(key=lambda e: e.day)
    outcome = Simulation(scenario, "planner", tmp_path).play()
    delivered = sum(units for _, _, _, units, _ in outcome.deliveries)
    assert 0 < delivered <= sum(units for units, _ in outcome.requests.values())
    for lane, made in outcome.made.items():   # idle days bank nothing: at most a day's work and one plate
        capacity = outcome.capacity[lane]
        assert all(units <= capacity[day] + 12 for day, units in enumerate(made))
        assert sum(made) <= sum(capacity) + 1e-6
    assert outcome.relaxed_on_time + 1e-6 >= outcome.planned_on_time > 0
    db = Database(f"sqlite:///{tmp_path / 'planner.sqlite3'}")
    with db.reading() as s:
        for line in s.exec(select(RequestLine)).all():
            assert line.units_delivered <= line.quantity
            allocated = s.exec(select(func.coalesce(func.sum(WorkOrder.accepted_quantity), 0)).where(
                WorkOrder.request_line_id == line.id, WorkOrder.status.in_(("accepted", "done")))).one()
            assert allocated <= line.quantity
        levels = s.exec(select(func.sum(StockEntry.quantity)).group_by(StockEntry.place_id, StockEntry.material_id)).all()
        assert all(level >= 0 for level in levels)
        triggers = {run.trigger for run in s.exec(select(PlanRun)).all()}
        gone = s.exec(select(Place).where(Place.name == scenario.sites[2].name)).one()
        assert not gone.active
        assert not s.exec(select(Job).join(WorkOrder, WorkOrder.id == Job.work_order_id)
                          .where(WorkOrder.place_id == gone.id, Job.status == "queued")).all()
    db.dispose()
    assert "manual" in triggers
