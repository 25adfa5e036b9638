"""The status light of a task (绿灯 / 黄灯 / 红灯). These are the only rules:

- RED when the task is past its deadline and not completed, or is flagged blocked.
- AMBER when the deadline is near (within `amber_days`) and progress is behind the
  straight line from assignment to deadline; or when a cadence report is missing
  (the last report, or the assignment, is more than one cadence period old, after
  `cadence_grace_days`).
- GREEN otherwise (completed, cancelled and suspended tasks are never red or amber).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from luoshi.tasks.lifecycle import LIT, Status


class Light(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


# The statuses without a light (lifecycle.LIT is the one definition): a task in one of them is
# never overdue, and stores no light at all ("").
CLOSED = frozenset(Status.values) - LIT


@dataclass(frozen=True)
class LightRules:
    amber_days: int = 7
    cadence_grace_days: int = 0

    @classmethod
    def from_settings(cls) -> LightRules:
        from django.conf import settings

        return cls(settings.LUOSHI_AMBER_DAYS, settings.LUOSHI_CADENCE_GRACE_DAYS)


@dataclass(frozen=True)
class TaskFacts:
    """What the light depends on, independent of the ORM."""

    status: str
    progress: int
    deadline: dt.date | None
    assigned_on: dt.date | None
    blocked: bool = False
    cadence: str = ""
    last_report_on: dt.date | None = None


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_report_due(facts: TaskFacts) -> dt.date | None:
    """The day by which the next cadence report is due (None when there is no cadence)."""
    start = facts.last_report_on or facts.assigned_on
    if not facts.cadence or start is None:
        return None
    if facts.cadence == "weekly":
        return start + dt.timedelta(days=7)
    if facts.cadence == "monthly":
        return add_months(start, 1)
    if facts.cadence == "quarterly":
        return add_months(start, 3)
    raise ValueError(f"unknown cadence {facts.cadence!r}")


def expected_progress(facts: TaskFacts, today: dt.date) -> float | None:
    """Where the straight line from assignment (0 %) to deadline (100 %) stands today."""
    if facts.deadline is None or facts.assigned_on is None:
        return None
    total = (facts.deadline - facts.assigned_on).days
    if total <= 0:
        return 100.0
    elapsed = (today - facts.assigned_on).days
    return max(0.0, min(100.0, 100.0 * elapsed / total))


def is_overdue(facts: TaskFacts, today: dt.date) -> bool:
    return facts.status in LIT and facts.deadline is not None and today > facts.deadline


def is_behind(facts: TaskFacts, today: dt.date) -> bool:
    expected = expected_progress(facts, today)
    return expected is not None and facts.progress < expected


def deadline_near(facts: TaskFacts, today: dt.date, rules: LightRules) -> bool:
    return facts.deadline is not None and 0 <= (facts.deadline - today).days <= rules.amber_days


def report_missing(facts: TaskFacts, today: dt.date, rules: LightRules) -> bool:
    due = next_report_due(facts)
    return due is not None and today > due + dt.timedelta(days=rules.cadence_grace_days)


def light(facts: TaskFacts, today: dt.date, rules: LightRules | None = None) -> Light:
    return explain(facts, today, rules)[0]


def explain(facts: TaskFacts, today: dt.date, rules: LightRules | None = None) -> tuple[Light, str]:
    """The light and the name of the rule that set it."""
    rules = rules or LightRules()
    if facts.status in CLOSED:
        return Light.GREEN, "closed"
    if facts.blocked:
        return Light.RED, "blocked"
    if is_overdue(facts, today):
        return Light.RED, "overdue"
    if deadline_near(facts, today, rules) and is_behind(facts, today):
        return Light.AMBER, "behind_near_deadline"
    if report_missing(facts, today, rules):
        return Light.AMBER, "report_missing"
    return Light.GREEN, "on_track"
