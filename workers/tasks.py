"""Thin tasks: they take ids and call one service each."""
from __future__ import annotations

from celery import shared_task

from makernet.services import production
from makernet.services.context import current_context


@shared_task(name="makernet.dispatch_job")
def dispatch_job(job_id: int) -> str:
    """Send one claimed job to its printer."""
    return production.dispatch_job(current_context(), job_id)


@shared_task(name="makernet.poll_machine")
def poll_machine(machine_id: int) -> str:
    """Read one printer's state and record what it tells about its job."""
    return production.poll_machine(current_context(), machine_id)


@shared_task(name="makernet.poll_printers")
def poll_printers() -> int:
    """Fan out a poll to every printer that is busy or could take a plate."""
    return production.poll_printers(current_context())
