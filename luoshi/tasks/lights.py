"""The status light of a task (绿灯 / 黄灯 / 红灯) and its reason. These are the only rules,
tried in this order; the first that applies sets the light (docs/lights.md):

- RED, `blocked`: the task is flagged blocked.
- RED, `overdue`: past its deadline and not completed (by: days past the deadline).
- RED, `indicator_behind`: an outcome indicator's latest actual is more than `indicator_red` % behind
  its planned trajectory (by: percent; the indicator is named in the reason).
- AMBER, `milestone_missed`: a milestone (反馈节点) is past its due date and not done (by: days
  since the earliest missed one was due).
- AMBER, `indicator_behind`: as above, more than `indicator_amber` % behind.
- AMBER, `behind_trajectory`: progress is more than `behind_tolerance` points behind the
  straight line from assignment (0 %) to deadline (100 %), at any time (by: points).
- AMBER, `<cadence>_report_late` (e.g. `monthly_report_late`): a cadence report is missing
  (the last report, or the assignment, is more than one cadence period old, after
  `cadence_grace_days`) (by: days since the report was due).
- AMBER, `behind_near_deadline`: the deadline is within `amber_days` and progress is behind
  the line at all (by: points).
- GREEN, `on_track` otherwise; `closed` for completed, cancelled, suspended and draft tasks,
  which are never red or amber.

"Behind" is counted in whole points as the pages show it: the line rounded to a whole
percentage, minus the progress. Everything here is pure (no ORM): `explain` takes plain facts.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext, ngettext, pgettext

from luoshi.extraction.deadlines import add_working_days
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
    behind_tolerance: int = 20
    # An indicator's actual more than this many percent behind its trajectory is amber / red.
    indicator_amber: int = 10
    indicator_red: int = 25

    @classmethod
    def from_settings(cls) -> LightRules:
        from django.conf import settings

        return cls(settings.LUOSHI_AMBER_DAYS, settings.LUOSHI_CADENCE_GRACE_DAYS,
                   settings.LUOSHI_BEHIND_TOLERANCE, settings.LUOSHI_INDICATOR_AMBER,
                   settings.LUOSHI_INDICATOR_RED)


@dataclass(frozen=True)
class Reason:
    """Why a task has its light: the rule that set it and by how much (days or points; None
    for the rules that have no amount). Stored with the light (Task.light_rule, light_amount)."""

    light: Light
    rule: str
    amount: int | None = None
    # What the rule is about, when it names something: the indicator of `indicator_behind`.
    subject: str = ""


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
    next_milestone_due: dt.date | None = None
    # How far the worst outcome indicator is behind its trajectory, in percent (indicator_lag);
    # None when no indicator has an actual to compare yet. Kept on the task by the services.
    indicator_lag: int | None = None
    indicator_name: str = ""


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_report_due(facts: TaskFacts) -> dt.date | None:
    """The day by which the next cadence report is due (None when there is no cadence)."""
    start = facts.last_report_on or facts.assigned_on
    if not facts.cadence or start is None:
        return None
    if facts.cadence == "daily":
        # 每日报送 means every working day: Friday's report is next due on Monday, and none is
        # due over a public holiday (the official calendar, with its make-up working days).
        return add_working_days(start, 1)[0]
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


def points_behind(facts: TaskFacts, today: dt.date) -> int:
    """Whole points of progress behind the straight line (0 when on or ahead of it, or undated)."""
    expected = expected_progress(facts, today)
    return 0 if expected is None else max(0, round(expected) - facts.progress)


def is_behind(facts: TaskFacts, today: dt.date) -> bool:
    return points_behind(facts, today) > 0


def deadline_near(facts: TaskFacts, today: dt.date, rules: LightRules) -> bool:
    return facts.deadline is not None and 0 <= (facts.deadline - today).days <= rules.amber_days


def report_missing(facts: TaskFacts, today: dt.date, rules: LightRules) -> bool:
    due = next_report_due(facts)
    return due is not None and today > due + dt.timedelta(days=rules.cadence_grace_days)


def days_report_late(facts: TaskFacts, today: dt.date, rules: LightRules) -> int:
    """Days since a missing cadence report was due (0 when none is missing, grace included)."""
    due = next_report_due(facts)
    return (today - due).days if due is not None and report_missing(facts, today, rules) else 0


Point = tuple[dt.date, Decimal]


def planned_value(plan: Sequence[Point], day: dt.date) -> Decimal | None:
    """The planned trajectory on `day`: linear between its points, the last point's value after
    it, and no plan (None) before the first point."""
    points = sorted(plan)
    if not points or day < points[0][0]:
        return None
    for (day_a, value_a), (day_b, value_b) in zip(points, points[1:], strict=False):
        if day_a <= day <= day_b:
            span = (day_b - day_a).days
            return value_a if span == 0 else value_a + (value_b - value_a) * Decimal((day - day_a).days) / Decimal(span)
    return points[-1][1]


def indicator_lag(baseline: Decimal, plan: Sequence[Point], actuals: Sequence[Point]) -> int | None:
    """How far the latest actual falls short of the trajectory on its date, in whole percent of
    the planned change from the baseline (so it works for indicators that go down, like a
    backlog); 0 when on or ahead of the plan, None when there is no actual or no plan yet on
    its date. With a baseline of 0 this is simply "percent behind the planned value"."""
    if not actuals:
        return None
    day, actual = max(actuals)
    planned = planned_value(plan, day)
    if planned is None:
        return None
    change = planned - baseline
    if change == 0:
        return 0
    shortfall = (planned - actual) if change > 0 else (actual - planned)
    return max(0, round(100 * shortfall / abs(change)))


def light(facts: TaskFacts, today: dt.date, rules: LightRules | None = None) -> Light:
    return explain(facts, today, rules).light


def explain(facts: TaskFacts, today: dt.date, rules: LightRules | None = None) -> Reason:
    """The light, the rule that set it and by how much."""
    rules = rules or LightRules()
    if facts.status in CLOSED:
        return Reason(Light.GREEN, "closed")
    if facts.blocked:
        return Reason(Light.RED, "blocked")
    if is_overdue(facts, today):
        assert facts.deadline is not None
        return Reason(Light.RED, "overdue", (today - facts.deadline).days)
    lag = facts.indicator_lag or 0
    # An outcome behind plan is the result itself slipping: more telling than any step or report.
    if lag > rules.indicator_red:
        return Reason(Light.RED, "indicator_behind", lag, facts.indicator_name)
    if facts.next_milestone_due is not None and today > facts.next_milestone_due:
        return Reason(Light.AMBER, "milestone_missed", (today - facts.next_milestone_due).days)
    if lag > rules.indicator_amber:
        return Reason(Light.AMBER, "indicator_behind", lag, facts.indicator_name)
    behind = points_behind(facts, today)
    # Amber, the most telling first (after a missed milestone, a step the unit was held to): far behind the line; the progress figure itself is stale
    # (a report is late); a little behind with the deadline near.
    if behind > rules.behind_tolerance:
        return Reason(Light.AMBER, "behind_trajectory", behind)
    late = days_report_late(facts, today, rules)
    if late:
        return Reason(Light.AMBER, f"{facts.cadence}_report_late", late)
    if behind and deadline_near(facts, today, rules):
        return Reason(Light.AMBER, "behind_near_deadline", behind)
    return Reason(Light.GREEN, "on_track")


def stored_reason(light: str, rule: str, amount: int | None, subject: str = "") -> Reason | None:
    """The Reason kept in a task's light columns; None when there is none (not computed yet).
    `subject`: the name of the indicator behind plan (Task.indicator_lag_name)."""
    if not rule or light not in {member.value for member in Light}:
        return None
    return Reason(Light(light), rule, amount, subject if rule == "indicator_behind" else "")


def describe(reason: Reason | None) -> str:
    """The reason in the active language, e.g. "月报逾期3天" / "monthly report 3 days late"."""
    if reason is None:
        return ""
    n = reason.amount or 0
    rule = reason.rule
    if rule == "blocked":
        return gettext("flagged blocked")
    if rule == "overdue":
        return ngettext("%(days)s day overdue", "%(days)s days overdue", n) % {"days": n}
    if rule == "behind_trajectory":
        return ngettext("%(points)s point behind expected progress",
                        "%(points)s points behind expected progress", n) % {"points": n}
    if rule == "behind_near_deadline":
        return ngettext("%(points)s point behind, deadline near",
                        "%(points)s points behind, deadline near", n) % {"points": n}
    if rule == "indicator_behind":
        if reason.subject:
            return gettext("%(indicator)s behind plan by %(percent)s%%") % {"indicator": reason.subject, "percent": n}
        return gettext("an indicator behind plan by %(percent)s%%") % {"percent": n}
    if rule == "milestone_missed":
        return ngettext("milestone %(days)s day late", "milestone %(days)s days late", n) % {"days": n}
    if rule.endswith("_report_late"):
        return _report_late(rule.removesuffix("_report_late"), n)
    if rule == "on_track":
        return pgettext("light reason", "on track")
    if rule == "closed":
        return gettext("not under supervision in this status")
    return ""


def _report_late(cadence: str, days: int) -> str:
    # One message per cadence: Chinese names the report (周报, 月报…) rather than composing it.
    if cadence == "daily":
        text = ngettext("daily report %(days)s day late", "daily report %(days)s days late", days)
    elif cadence == "weekly":
        text = ngettext("weekly report %(days)s day late", "weekly report %(days)s days late", days)
    elif cadence == "monthly":
        text = ngettext("monthly report %(days)s day late", "monthly report %(days)s days late", days)
    elif cadence == "quarterly":
        text = ngettext("quarterly report %(days)s day late", "quarterly report %(days)s days late", days)
    else:
        text = ngettext("progress report %(days)s day late", "progress report %(days)s days late", days)
    return text % {"days": days}


def colour_name(light: str) -> str:
    """The light by its colour (红灯 / 黄灯 / 绿灯), as it is named next to its reason."""
    if light == Light.RED:
        return pgettext("light", "Red")
    if light == Light.AMBER:
        return pgettext("light", "Amber")
    return pgettext("light", "Green")


def labelled(reason: Reason) -> str:
    """The light by its colour and its reason in one phrase, for titles and labels: "黄灯：月报逾期3天"."""
    return gettext("%(light)s: %(reason)s") % {"light": colour_name(reason.light), "reason": describe(reason)}
