"""Demand: requests from town halls, care homes and hospitals, and their triage.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.demand.commands import (ASK_MOST, MAX_QUANTITY, approve_request, ask_for_change, cancel_request,
                                               change_request, merge_requests, reject_request, split_request,
                                               submit_request)
from makernet.services.demand.operations import MAX_LINES, PRIORITIES
from makernet.services.demand.queries import STATUSES, change_asks, get_request, list_requests, request_page, triage_queue
from makernet.services.demand.views import RequestLineView, RequestView

__all__ = ["approve_request", "ask_for_change", "ASK_MOST", "cancel_request", "change_asks", "change_request",
           "get_request", "list_requests", "MAX_LINES", "MAX_QUANTITY", "merge_requests", "PRIORITIES",
           "reject_request", "request_page", "RequestLineView", "RequestView", "split_request", "STATUSES",
           "submit_request", "triage_queue"]
