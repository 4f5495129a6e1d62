"""Thin tasks of central workers: they take ids or plain values and call one service each, with the database.

The tasks that talk to printers (`site_*`, `onboard_printer`) live in `workers/site.py`: a place's own
worker, which has no database, runs them and sends back what it learned as reports the tasks here apply.
"""
from __future__ import annotations

from celery import shared_task

from makernet.services import (broker, deliveries, fleet, mail, notices, operations, plans, production, territory,
                               webhooks)
from makernet.services.context import current_context
from workers import site  # noqa: F401  (a central worker runs the printer tasks too, for places without their own)


def origin(request: object) -> broker.ReportOrigin:
    """How the message being run reached this worker: its exchange and its broker-checked user_id."""
    delivery, properties = getattr(request, "delivery_info", None) or {}, getattr(request, "properties", None) or {}
    return broker.ReportOrigin(exchange=delivery.get("exchange") or "", user=properties.get("user_id") or "")


@shared_task(name="makernet.dispatch_job")
def dispatch_job(job_id: int) -> str:
    """Send one claimed plate to its printer, or to its place's worker."""
    return production.dispatch_job(current_context(), job_id)


@shared_task(name="makernet.apply_dispatch", bind=True)
def apply_dispatch(self, job_id: int, report: dict) -> str:  # noqa: ANN001 - Celery's bound task
    """Record what a place's worker saw when it started a plate, if that place owns the plate."""
    if not broker.accept_report(current_context(), origin(self.request), "apply_dispatch", jobs=[job_id]):
        return "refused"
    return production.apply_outcome(current_context(), job_id, report)


@shared_task(name="makernet.poll_printers")
def poll_printers() -> int:
    """Fan out reads of every active printer (beat runs this)."""
    return fleet.poll_printers(current_context())


@shared_task(name="makernet.poll_machines")
def poll_machines(machine_ids: list[int]) -> int:
    """Read a chunk of printers and apply what they say."""
    return fleet.poll_machines(current_context(), machine_ids)


@shared_task(name="makernet.apply_readings", bind=True)
def apply_readings(self, readings: list[dict]) -> int:  # noqa: ANN001 - Celery's bound task
    """Record the readings a place's worker took of its printers, if they are all that place's."""
    machines = [reading.get("machine_id") for reading in readings]
    if not broker.accept_report(current_context(), origin(self.request), "apply_readings", machines=machines):
        return 0
    return fleet.apply_readings(current_context(), readings)


@shared_task(name="makernet.apply_key", bind=True)
def apply_key(self, machine_id: int, result: dict) -> str:  # noqa: ANN001 - Celery's bound task
    """Store what the key request came to, if it comes from the printer's place (or a central worker)."""
    if not broker.accept_report(current_context(), origin(self.request), "apply_key", machines=[machine_id]):
        return "refused"
    return fleet.apply_key_result(current_context(), machine_id, result)


@shared_task(name="makernet.replan_place")
def replan_place(place_id: int, reason: str, trigger: str) -> int:
    """A place can do less than planned (a printer down, a stock-out): withdraw its waiting proposals and post the
    run that re-plans them."""

    run = plans.replan_place(current_context(), place_id, reason, trigger)
    return run["id"] if run else 0


@shared_task(name="makernet.run_plan", bind=True, max_retries=None)
def run_plan(self, run_id: int) -> str:  # noqa: ANN001 - Celery's bound task
    """Make one planner run, step by step; while a run of its territory is in progress, ask again a little later."""
    status = plans.execute_run(current_context(), run_id)
    if status == "waiting":
        raise self.retry(countdown=plans.WAIT_SECONDS)
    return status


@shared_task(name="makernet.tell")
def tell(event_name: str, values: dict, stamp: str) -> int:
    """Write what an event tells its recipients, and post their e-mails."""
    return len(notices.tell(current_context(), event_name, values, stamp))


@shared_task(name="makernet.remind_unanswered")
def remind_unanswered() -> int:
    """Remind places of work they have left unanswered too long (beat posts this)."""
    return len(notices.remind_unanswered(current_context()))


@shared_task(name="makernet.notice_rounds")
def notice_rounds() -> dict:
    """Requests at risk, stock low or out, each user's daily summary and digest at their hour; e-mails and webhook
    posts whose task was lost posted again (beat posts this)."""
    ctx = current_context()
    return notices.rounds(ctx) | {"mail_again": len(mail.sweep(ctx)), "posts_again": len(webhooks.sweep(ctx))}


@shared_task(name="makernet.publish_territory")
def publish_territory() -> dict[str, int]:
    """The territory's figures per commune and week and the open data files worked out and published anew (beat
    posts this)."""
    return territory.publish(current_context())


@shared_task(name="makernet.send_mail", bind=True, max_retries=None)
def send_mail(self, notification_id: int) -> str:  # noqa: ANN001 - Celery's bound task
    """Send one e-mail; when the SMTP server could not take it, try again later, each time later."""
    status = mail.send_mail(current_context(), notification_id)
    if status == "pending":
        wait = mail.retry_in(self.request.retries + 1, current_context().settings.retry_after_seconds)
        raise self.retry(countdown=wait)
    return status


@shared_task(name="makernet.post_webhook", bind=True, max_retries=None)
def post_webhook(self, delivery_id: int) -> str:  # noqa: ANN001 - Celery's bound task
    """Post one event to a webhook; while its receiver cannot take it, try again later, each time later."""
    status = webhooks.post_webhook(current_context(), delivery_id)
    if status == "pending":
        wait = mail.retry_in(self.request.retries + 1, current_context().settings.retry_after_seconds)
        raise self.retry(countdown=wait)
    return status


@shared_task(name="makernet.plan_daily")
def plan_daily() -> int:
    """The morning planner runs, one per coordination's territory, posted to the workers (beat posts this)."""

    return len(plans.plan_daily(current_context()))


@shared_task(name="makernet.propose_delivery_runs")
def propose_delivery_runs() -> dict[int, int]:
    """The morning's delivery runs of every place with runners (beat posts this with the daily planner run)."""
    return deliveries.propose_daily_runs(current_context())


@shared_task(name="makernet.heartbeat", bind=True)
def heartbeat(self) -> str:  # noqa: ANN001 - Celery's bound task
    """Beat posts this every few seconds; a worker recording it proves beat, the broker and a worker alive."""
    operations.record_heartbeat(current_context(), "beat", host=self.request.hostname or "")
    return "beat"
