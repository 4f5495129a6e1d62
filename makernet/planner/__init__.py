"""The allocation planner: plain inputs in, plain proposals out (see model.py).

`plan()` is the optimising planner (a linear programme on HiGHS, rounded and repaired,
proposing the work places are about to start and holding the rest: release.py);
`plan_baseline()` is the 2020 way (nearest place with free capacity, first come first
served); bound.py holds the LP upper bounds the benchmark compares them with.
"""
from makernet.planner.baseline import plan_baseline
from makernet.planner.model import (DemandLine, Held, PlaceSupply, PlanInput, PlanResult, Proposal, Rule,
                                    Unplanned)


def plan(data: PlanInput) -> PlanResult:
    """Propose work orders for the input (see planner.solve).

    SciPy is imported only when a plan is made: importing it costs seconds that every
    web and worker process would otherwise pay at start.
    """
    from makernet.planner.solve import plan as solve
    return solve(data)

__all__ = ["DemandLine", "Held", "PlaceSupply", "PlanInput", "PlanResult", "Proposal", "Rule", "Unplanned",
           "plan", "plan_baseline"]
