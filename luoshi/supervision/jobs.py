"""Queue jobs of the supervision office (huey; see HUEY in settings)."""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo

from django.conf import settings
from huey.contrib.djhuey import db_periodic_task

from luoshi.supervision.services import run_daily_pass

# A child of "huey", so the worker prints it with its own log lines.
logger = logging.getLogger("huey.luoshi.supervision")


def daily_at(hour: int, minute: int, time_zone: str) -> object:
    """A huey schedule: true in the minute hour:minute of `time_zone`. Huey checks its
    periodic tasks once a minute with a naive UTC time."""
    zone = zoneinfo.ZoneInfo(time_zone)

    def due(moment: dt.datetime) -> bool:
        local = moment.replace(tzinfo=dt.UTC).astimezone(zone)
        return (local.hour, local.minute) == (hour, minute)

    return due


@db_periodic_task(daily_at(*settings.LUOSHI_DAILY_PASS_AT, settings.TIME_ZONE))
def daily_pass() -> None:
    """The daily supervision pass: reminders, urges, escalations, lights."""
    report = run_daily_pass()
    logger.info("daily supervision pass: %s", report.summary())
