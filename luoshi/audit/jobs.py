"""Queue jobs of the audit trail (huey; see HUEY in settings)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from luoshi.audit import services


@db_task()
def run_chain_check(check_id: int) -> None:
    """The chain check started from the audit page, with its progress written as it goes."""
    services.run_chain_check_now(check_id)


@db_periodic_task(crontab(minute="*"))
def seal_audit_events() -> None:
    """Every minute, in case the worker's sealing thread (every LUOSHI_AUDIT_SEAL_SECONDS) stopped."""
    services.seal_pending()
