"""Monitoring: the counters and gauges of /metrics, for the admin's Prometheus.

The area's front door: the use cases entry points (pages, API, CLI, tasks) call.
"""
from makernet.services.monitoring.queries import exposition
from makernet.services.monitoring.views import CONTENT_TYPE
from makernet.services.monitoring.worker import Tally, count_request, count_task

__all__ = ["CONTENT_TYPE", "Tally", "count_request", "count_task", "exposition"]
