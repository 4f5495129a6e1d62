"""Demand: requests from town halls, care homes and hospitals, and their triage.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.demand.commands import (MAX_LINES, MAX_QUANTITY, PRIORITIES, approve_request, merge_requests,
                                               reject_request, split_request, submit_request)
from makernet.services.demand.queries import get_request, list_requests, request_page, triage_queue

__all__ = ["MAX_LINES", "MAX_QUANTITY", "PRIORITIES", "approve_request", "get_request", "list_requests",
           "merge_requests", "reject_request", "request_page", "split_request", "submit_request", "triage_queue"]
