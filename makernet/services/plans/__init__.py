"""The planner: runs that propose work (made by workers, step by step), pins and forbids, re-planning after a
disruption.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.plans.commands import (RELEASE_DAYS, add_rule, lift_rule, request_replan, run_plan, start_plan,
                                              withdraw_place)
from makernet.services.plans.inputs import capacity_today, plan_input
from makernet.services.plans.operations import WAIT_SECONDS
from makernet.services.plans.queries import get_plan_run, list_plan_runs, list_rules, plan_run_page, planning_screen
from makernet.services.plans.worker import execute_run, plan_daily, replan_place
from makernet.services.plans.views import (NothingToReplan, PlanRunProgress, PlanRunResult, PlanRunStarted, PlanRunView,
                                           RuleResult, RuleView, Withdrawal)

__all__ = ["add_rule", "capacity_today", "execute_run", "get_plan_run", "lift_rule", "list_plan_runs", "list_rules",
           "NothingToReplan", "plan_daily", "plan_input", "plan_run_page", "planning_screen", "PlanRunProgress",
           "PlanRunResult", "PlanRunStarted", "PlanRunView", "RELEASE_DAYS", "replan_place", "request_replan",
           "RuleResult", "RuleView", "run_plan", "start_plan", "WAIT_SECONDS", "withdraw_place", "Withdrawal"]
