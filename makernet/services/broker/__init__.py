"""The broker as places' own workers see it: their confined RabbitMQ users, and the reports they send.

The area's front door: `makernet place credentials N` calls `place_credentials`; the central tasks that apply
a place's report call `accept_report` first; admins read what was refused with `refused_reports`.
"""
from makernet.services.broker.commands import place_credentials
from makernet.services.broker.queries import refused_reports
from makernet.services.broker.worker import ReportOrigin, accept_report

__all__ = ["ReportOrigin", "accept_report", "place_credentials", "refused_reports"]
