"""Queue jobs for sending (huey; see HUEY in settings)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from luoshi.notifications import delivery


@db_task()
def send_deliveries(ids: list[int]) -> None:
    """First attempt at the messages of one event, right after its transaction commits."""
    for pk in ids:
        delivery.attempt(pk)


@db_periodic_task(crontab(minute="*"))
def send_due_deliveries() -> None:
    """Every minute: retry what failed before (with backoff), and anything the first job missed."""
    delivery.send_due()
