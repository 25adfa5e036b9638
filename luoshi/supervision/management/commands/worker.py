from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from django.core.management.base import CommandError
from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey

from luoshi import lib

logger = logging.getLogger("huey.luoshi.audit")


class Command(RunHuey):
    help = (
        "Run the background worker: the queue consumer and its scheduler (the daily supervision "
        "pass at LUOSHI_DAILY_PASS_AT, message retries every minute). The queue is SQLite in the "
        "data directory, or Redis when LUOSHI_REDIS_URL is set. "
        "Example: luoshi worker --workers 4  |  luoshi worker --pass-now"
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument("--pass-now", action="store_true",
                            help="Run the daily supervision pass once, in this process, print what it did and exit.")
        parser.add_argument("--day", help="With --pass-now: the day to run it for (YYYY-MM-DD), e.g. to catch up.")

    def handle(self, *args: Any, **options: Any) -> None:
        # Register the jobs explicitly: huey's autoload looks for modules named "tasks",
        # which here is the name of an app, not of a jobs module.
        from luoshi.audit import jobs as _audit_jobs  # noqa: F401
        from luoshi.notifications import jobs as _notification_jobs  # noqa: F401
        from luoshi.supervision import jobs as _supervision_jobs  # noqa: F401

        if options.pop("pass_now"):
            from luoshi.supervision.services import run_daily_pass

            day = options.pop("day", None)
            try:
                today = dt.date.fromisoformat(day) if day else lib.today()
            except ValueError:
                raise CommandError(f"--day must be a date like 2024-05-31, not {day!r}") from None
            report = run_daily_pass(today)
            self.stdout.write(report.summary())
            for error in report.errors:
                self.stderr.write(error)
            return
        if options.pop("day", None):
            raise CommandError("--day goes with --pass-now.")
        options["disable_autoload"] = True
        start_sealer()
        super().handle(*args, **options)


def start_sealer() -> threading.Thread:
    """Seal the audit events written since the last pass every LUOSHI_AUDIT_SEAL_SECONDS, in a
    thread of the worker (huey's scheduler ticks once a minute; its job `seal_audit_events` is the
    backstop if this thread stops)."""
    from django.conf import settings
    from django.db import connection

    from luoshi.audit.services import seal_pending

    def loop() -> None:
        while True:
            try:
                seal_pending()
            except Exception:  # keep sealing: a dropped connection must not stop the trail
                logger.exception("sealing the audit trail failed; retrying")
                connection.close()
            time.sleep(settings.LUOSHI_AUDIT_SEAL_SECONDS)

    thread = threading.Thread(target=loop, name="audit-sealer", daemon=True)
    thread.start()
    return thread
