"""The daily supervision pass: what the office would otherwise do by hand every morning.

For every task that is being worked on (assigned, signed for, in progress):
- remind the lead unit LUOSHI_REMINDER_DAYS days before the deadline;
- remind it when a cadence report falls due (and word it as missing once it is late);
- urge it once it is overdue, and again every LUOSHI_URGE_EVERY_DAYS days;
- escalate it by days overdue (LUOSHI_ESCALATION_DAYS: level 1 → unit liaison,
  2 → unit head and supervision office, 3 → leader);
then recompute every open task's light.

Idempotent: each action first claims its (task, kind, level, day) row (supervision.Claim,
unique), in the same transaction as the action, its timeline row, its audit event and its
notifications. A second run the same day finds the claims and does nothing; a crash rolls
back the half-done action with its claim, so a re-run does it once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luoshi import lib
from luoshi.accounts.services import prune_login_throttles
from luoshi.audit.services import record_event, sealing_deferred
from luoshi.notifications.services import digesting, notify, send_digests
from luoshi.supervision.models import Claim, Reminder
from luoshi.tasks import lights
from luoshi.tasks.lifecycle import WORKING, Status
from luoshi.tasks.models import Escalation, Task
from luoshi.tasks.services import escalate_task, facts_of, refresh_lights, urge_task

logger = logging.getLogger(__name__)



@dataclass
class PassReport:
    day: dt.date
    deadline_reminders: int = 0
    report_reminders: int = 0
    urges: int = 0
    escalations: dict[int, int] = field(default_factory=dict)  # level → count
    already_done: int = 0
    lights_changed: int = 0
    digests: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return self.deadline_reminders + self.report_reminders + self.urges + sum(self.escalations.values())

    def summary(self) -> str:
        levels = ", ".join(f"level {level}: {n}" for level, n in sorted(self.escalations.items())) or "none"
        return (f"{self.day}: {self.deadline_reminders} deadline reminders, {self.report_reminders} report "
                f"reminders, {self.urges} urges, escalations {levels}; {self.already_done} already done today; "
                f"{self.lights_changed} lights changed; {self.digests} digests sent; {len(self.errors)} errors")


def _claim(task: Task, kind: str, day: dt.date, level: int = 0) -> bool:
    """Insert the claim; False when an earlier run (or a concurrent one) holds it."""
    _claim_row, created = Claim.objects.get_or_create(task=task, kind=kind, level=level, day=day,
                                                      defaults={"claimed_at": lib.now()})
    return created


def _remind(task: Task, kind: str, due: dt.date, text: str) -> None:
    reminder = Reminder.objects.create(task=task, kind=kind, to_unit=task.lead_unit, due=due, text=text,
                                       created_at=lib.now())
    record_event(None, "remind_task", reminder, after={"task": task.pk, "kind": kind, "due": due,
                                                       "to": task.lead_unit.code, "text": text})
    notify(kind, task, text)


# Each step returns what it did: a PassReport counter name, "already_done", or None.


@transaction.atomic
def remind_deadline(task: Task, today: dt.date) -> str | None:
    if task.deadline is None:
        return None
    days = (task.deadline - today).days
    if not 0 <= days <= settings.LUOSHI_REMINDER_DAYS:
        return None
    if not _claim(task, Claim.Kind.DEADLINE, task.deadline):
        return "already_done"
    date = task.deadline.isoformat()
    if days == 0:
        text = _("This task is due today (%(date)s). Please make sure it is done, or tell the supervision "
                 "office now.") % {"date": date}
    else:
        text = ngettext("This task is due on %(date)s, in %(days)d day. Please make sure it is done on time.",
                        "This task is due on %(date)s, in %(days)d days. Please make sure it is done on time.",
                        days) % {"date": date, "days": days}
    _remind(task, Reminder.Kind.DEADLINE, task.deadline, text)
    return "deadline_reminders"


@transaction.atomic
def remind_report(task: Task, today: dt.date) -> str | None:
    facts = facts_of(task)
    due = lights.next_report_due(facts)
    if due is None or today < due:
        return None
    if not _claim(task, Claim.Kind.REPORT_DUE, due):
        return "already_done"
    values = {"cadence": Task.Cadence(task.cadence).label, "date": due.isoformat()}
    if lights.report_missing(facts, today, lights.LightRules.from_settings()):
        text = _("The %(cadence)s progress report that was due on %(date)s has not arrived. Please report "
                 "now.") % values
    else:
        text = _("The %(cadence)s progress report on this task is due on %(date)s.") % values
    _remind(task, Reminder.Kind.REPORT_DUE, due, text)
    return "report_reminders"


def urge_round(deadline: dt.date, today: dt.date, every: int) -> dt.date | None:
    """The day of the latest urge round: the first day overdue, then every `every` days."""
    overdue = (today - deadline).days
    if overdue < 1:
        return None
    return deadline + dt.timedelta(days=1 + (overdue - 1) // every * every)


@transaction.atomic
def urge_overdue(task: Task, today: dt.date) -> str | None:
    if task.deadline is None:
        return None
    day = urge_round(task.deadline, today, max(1, settings.LUOSHI_URGE_EVERY_DAYS))
    if day is None:
        return None
    if not _claim(task, Claim.Kind.URGE, day):
        return "already_done"
    days = (today - task.deadline).days
    text = ngettext("This task was due on %(date)s and is %(days)d day overdue. Please finish it, or report "
                    "what is holding it up.",
                    "This task was due on %(date)s and is %(days)d days overdue. Please finish it, or report "
                    "what is holding it up.", days) % {"date": task.deadline.isoformat(), "days": days}
    urge_task(None, task, text=text)  # notifies the lead unit itself
    return "urges"


def escalation_level(days_overdue: int, thresholds: tuple[int, ...]) -> int | None:
    """The highest level whose threshold `days_overdue` has reached (1-based), or None."""
    reached = [level for level, days in enumerate(thresholds, start=1) if days_overdue >= days]
    return reached[-1] if reached else None


@transaction.atomic
def escalate_overdue(task: Task, today: dt.date) -> str | None:
    if task.deadline is None:
        return None
    days = (today - task.deadline).days
    level = escalation_level(days, settings.LUOSHI_ESCALATION_DAYS)
    if level is None:
        return None
    # Keyed by the deadline: each level once per deadline; an extended deadline starts afresh.
    if not _claim(task, Claim.Kind.ESCALATION, task.deadline, level):
        return "already_done"
    reason = ngettext("%(days)d day overdue (due %(date)s): supervision raised to %(level)s.",
                      "%(days)d days overdue (due %(date)s): supervision raised to %(level)s.", days) % {
        "days": days, "date": task.deadline.isoformat(), "level": Escalation.Level(level).label}
    escalate_task(None, task, level=level, reason=reason)  # notifies the level's people itself
    return f"escalation:{level}"


STEPS: tuple[Callable[[Task, dt.date], str | None], ...] = (remind_deadline, remind_report, urge_overdue,
                                                            escalate_overdue)


@sealing_deferred()  # one seal of the trail after the pass, not one per action
def run_daily_pass(today: dt.date | None = None) -> PassReport:
    """Run every step on every supervised task, then refresh the lights. Safe to repeat."""
    today = today or lib.today()
    report = PassReport(day=today)
    # The ids first: SQLite gives no isolation between a cursor and writes on its connection.
    # The working tasks, but those whose completion is requested: the unit has done its part
    # and the office holds the ball, so nobody is reminded, urged or escalated to.
    supervised = Task.objects.filter(status__in=WORKING).exclude(status=Status.COMPLETION_REQUESTED)
    ids = list(supervised.order_by("pk").values_list("pk", flat=True))
    with digesting(today):  # each person hears once, in the day's digest (notifications.send_digests)
        for start in range(0, len(ids), 500):
            for task in Task.objects.filter(pk__in=ids[start:start + 500]).select_related("lead_unit").order_by("pk"):
                _run_steps(task, today, report)
    report.digests = send_digests(today)
    report.lights_changed = refresh_lights(today)
    prune_login_throttles()
    return report


def _run_steps(task: Task, today: dt.date, report: PassReport) -> None:
    for step in STEPS:
        try:
            outcome = step(task, today)
        except Exception as error:  # one broken task must not stop the pass for the others
            logger.exception("daily pass: %s failed on task %s", step.__name__, task.pk)
            report.errors.append(f"task {task.pk} ({step.__name__}): {error}")
            continue
        if outcome is None:
            continue
        if outcome.startswith("escalation:"):
            level = int(outcome.split(":")[1])
            report.escalations[level] = report.escalations.get(level, 0) + 1
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)

