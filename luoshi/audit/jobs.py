"""Queue jobs of the audit trail (huey; see HUEY in settings)."""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from luoshi.audit import services
from luoshi.lib import LuoshiError

logger = logging.getLogger("huey.luoshi.audit")


@db_task()
def run_chain_check(check_id: int) -> None:
    """The chain check started from the audit page, with its progress written as it goes."""
    services.run_chain_check_now(check_id)


@db_periodic_task(crontab(minute="*"))
def seal_audit_events() -> None:
    """Every minute, in case the worker's sealing thread (every LUOSHI_AUDIT_SEAL_SECONDS) stopped."""
    services.seal_pending()


@db_periodic_task(crontab(minute="10", hour="0"))
def send_daily_anchor() -> None:
    """Every day at 00:10 UTC, the signed head to LUOSHI_AUDIT_ANCHOR_URL (when set)."""
    if not settings.LUOSHI_AUDIT_ANCHOR_URL:
        return
    try:
        anchor = services.send_anchor(settings.LUOSHI_AUDIT_ANCHOR_URL)
    except LuoshiError as error:
        logger.error("daily audit anchor: %s", error)
        return
    logger.info("daily audit anchor of event %s sent", anchor.seq)
