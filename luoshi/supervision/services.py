"""The daily supervision pass: what the office would otherwise do by hand every morning.

For every task that is being worked on (assigned, signed for, in progress):
- remind the lead unit LUOSHI_REMINDER_DAYS days before the deadline;
- remind it when a cadence report falls due (and word it as missing once it is late);
- urge it once it is overdue, and again every LUOSHI_URGE_EVERY_DAYS days;
- escalate it by days overdue (LUOSHI_ESCALATION_DAYS: level 1 → unit liaison,
  2 → unit head and supervision office, 3 → leader);
- remind the lead unit of each open milestone LUOSHI_MILESTONE_REMINDER_DAYS days before it
  falls due, and urge it (催办, naming the milestone) once when it is missed;
- remind a cooperating unit's liaisons of a request for input from the lead unit before it
  falls due, and once more when it is past due unanswered;
- remind the lead unit once when it has not signed for an assigned task within
  LUOSHI_SIGN_WORKING_DAYS working days (签收时限, the official holiday calendar);
then recompute every open task's light.

Idempotent: each action first claims its (task, kind, level, day, subject) row
(supervision.Claim, unique; the subject is the milestone or request for input, 0 otherwise), in the same transaction as the action, its timeline row, its audit event and its
notifications. A second run the same day finds the claims and does nothing; a crash rolls
back the half-done action with its claim, so a re-run does it once.

Set-based: the tasks are walked BATCH at a time (by id, so memory stays bounded), and each
batch is one transaction of a handful of statements whatever its size: one INSERT … ON
CONFLICT DO NOTHING RETURNING of every claim (what it returns is what this run may do; a
concurrent run's claims are skipped), one bulk insert each of reminders, urges, escalations
and notifications, and one batch of audit events per verb (audit.services.record_events).
Messages go into the day's digest: each person gets one (notifications.send_digests). If a
batch fails, it rolls back whole and its tasks are run one at a time (the per-task steps
below), so one broken task stops no other.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.accounts.services import prune_login_throttles
from luoshi.audit.services import record_event, record_events, sealing_deferred
from luoshi.extraction.deadlines import add_working_days
from luoshi.notifications.models import Notification
from luoshi.notifications.services import digesting, liaisons_of, notify, recipients, send_digests
from luoshi.supervision.models import Claim, Reminder
from luoshi.taskrequests.models import InputRequest
from luoshi.tasks import lifecycle, lights
from luoshi.tasks.lifecycle import WORKING, Status
from luoshi.tasks.models import Escalation, Milestone, ProgressReport, Task, Urge
from luoshi.tasks.services import escalate_task, facts_of, refresh_lights, urge_task
from luoshi.units.models import Unit

logger = logging.getLogger(__name__)



@dataclass
class PassReport:
    day: dt.date
    deadline_reminders: int = 0
    report_reminders: int = 0
    urges: int = 0
    escalations: dict[int, int] = field(default_factory=dict)  # level → count
    milestone_reminders: int = 0
    milestone_urges: int = 0  # missed milestones
    input_reminders: int = 0
    sign_for_reminders: int = 0
    already_done: int = 0
    lights_changed: int = 0
    digests: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return (self.deadline_reminders + self.report_reminders + self.urges + sum(self.escalations.values())
                + self.milestone_reminders + self.milestone_urges + self.input_reminders + self.sign_for_reminders)

    def summary(self) -> str:
        levels = ", ".join(f"level {level}: {n}" for level, n in sorted(self.escalations.items())) or "none"
        return (f"{self.day}: {self.deadline_reminders} deadline reminders, {self.report_reminders} report "
                f"reminders, {self.urges} urges, escalations {levels}, {self.milestone_reminders} milestone "
                f"reminders, {self.milestone_urges} urges on missed milestones, {self.input_reminders} input reminders, {self.sign_for_reminders} sign-for "
                f"reminders; {self.already_done} already done today; "
                f"{self.lights_changed} lights changed; {self.digests} digests sent; {len(self.errors)} errors")


def _claim(task: Task, kind: str, day: dt.date, level: int = 0, subject: int = 0) -> bool:
    """Insert the claim; False when an earlier run (or a concurrent one) holds it."""
    _claim_row, created = Claim.objects.get_or_create(task=task, kind=kind, level=level, day=day, subject=subject,
                                                      defaults={"claimed_at": lib.now()})
    return created


def _remind(task: Task, kind: str, due: dt.date, text: str) -> None:
    reminder = Reminder.objects.create(task=task, kind=kind, to_unit=task.lead_unit, due=due, text=text,
                                       created_at=lib.now())
    record_event(None, "remind_task", reminder, after={"task": task.pk, "kind": kind, "due": due,
                                                       "to": task.lead_unit.code, "text": text})
    notify(kind, task, text)


# --- what each step would do to one task (no database) ---------------------------------------------


# What each kind of claim becomes: a reminder of this kind on the timeline, or an urge (催办:
# an overdue task, a missed milestone), or an escalation; a notification of this kind; and the
# PassReport counter it adds to.
URGE_KINDS = frozenset({Claim.Kind.URGE, Claim.Kind.MILESTONE_MISSED})
REMINDER_KINDS: dict[str, str] = {
    Claim.Kind.DEADLINE: Reminder.Kind.DEADLINE, Claim.Kind.REPORT_DUE: Reminder.Kind.REPORT_DUE,
    Claim.Kind.MILESTONE_DUE: Reminder.Kind.MILESTONE,
    Claim.Kind.INPUT_DUE: Reminder.Kind.INPUT, Claim.Kind.INPUT_MISSED: Reminder.Kind.INPUT,
    Claim.Kind.SIGN_FOR: Reminder.Kind.SIGN_FOR,
}
NOTIFICATION_KINDS: dict[str, str] = {
    Claim.Kind.DEADLINE: Notification.Kind.DEADLINE, Claim.Kind.REPORT_DUE: Notification.Kind.REPORT_DUE,
    Claim.Kind.URGE: Notification.Kind.URGE, Claim.Kind.ESCALATION: Notification.Kind.ESCALATION,
    Claim.Kind.MILESTONE_DUE: Notification.Kind.MILESTONE, Claim.Kind.MILESTONE_MISSED: Notification.Kind.URGE,
    Claim.Kind.INPUT_DUE: Notification.Kind.INPUT, Claim.Kind.INPUT_MISSED: Notification.Kind.INPUT,
    Claim.Kind.SIGN_FOR: Notification.Kind.SIGN_FOR,
}
COUNTERS: dict[str, str] = {
    Claim.Kind.DEADLINE: "deadline_reminders", Claim.Kind.REPORT_DUE: "report_reminders", Claim.Kind.URGE: "urges",
    Claim.Kind.MILESTONE_DUE: "milestone_reminders", Claim.Kind.MILESTONE_MISSED: "milestone_urges",
    Claim.Kind.INPUT_DUE: "input_reminders", Claim.Kind.INPUT_MISSED: "input_reminders",
    Claim.Kind.SIGN_FOR: "sign_for_reminders",
}


@dataclass(frozen=True)
class Action:
    """One message the pass owes a task today: its claim (kind, level, day, subject), its text,
    the due date of a reminder, the unit it goes to (None: the lead unit), and the PassReport
    counter it adds to."""

    task: Task
    kind: str  # Claim.Kind
    day: dt.date
    text: str
    level: int = 0
    due: dt.date | None = None
    subject: int = 0  # the milestone's or the request for input's id
    unit: Unit | None = None  # a request for input: the cooperating unit asked

    @property
    def claim(self) -> tuple[int, str, int, str, int]:
        return (self.task.pk, self.kind, self.level, self.day.isoformat(), self.subject)

    @property
    def counter(self) -> str:
        return COUNTERS.get(self.kind, f"escalation:{self.level}")

    @property
    def to_unit(self) -> Unit:
        return self.unit if self.unit is not None else self.task.lead_unit


def plan_deadline(task: Task, today: dt.date) -> Action | None:
    if task.deadline is None:
        return None
    days = (task.deadline - today).days
    if not 0 <= days <= settings.LUOSHI_REMINDER_DAYS:
        return None
    date = task.deadline.isoformat()
    if days == 0:
        text = _("This task is due today (%(date)s). Please make sure it is done, or tell the supervision "
                 "office now.") % {"date": date}
    else:
        text = ngettext("This task is due on %(date)s, in %(days)d day. Please make sure it is done on time.",
                        "This task is due on %(date)s, in %(days)d days. Please make sure it is done on time.",
                        days) % {"date": date, "days": days}
    return Action(task, Claim.Kind.DEADLINE, task.deadline, text, due=task.deadline)


def plan_report(task: Task, today: dt.date) -> Action | None:
    facts = facts_of(task)
    due = lights.next_report_due(facts)
    if due is None or today < due:
        return None
    values = {"cadence": Task.Cadence(task.cadence).label, "date": due.isoformat()}
    if lights.report_missing(facts, today, lights.LightRules.from_settings()):
        text = _("The %(cadence)s progress report that was due on %(date)s has not arrived. Please report "
                 "now.") % values
    else:
        text = _("The %(cadence)s progress report on this task is due on %(date)s.") % values
    return Action(task, Claim.Kind.REPORT_DUE, due, text, due=due)


def urge_round(deadline: dt.date, today: dt.date, every: int) -> dt.date | None:
    """The day of the latest urge round: the first day overdue, then every `every` days."""
    overdue = (today - deadline).days
    if overdue < 1:
        return None
    return deadline + dt.timedelta(days=1 + (overdue - 1) // every * every)


def plan_urge(task: Task, today: dt.date) -> Action | None:
    if task.deadline is None:
        return None
    day = urge_round(task.deadline, today, max(1, settings.LUOSHI_URGE_EVERY_DAYS))
    if day is None:
        return None
    days = (today - task.deadline).days
    text = ngettext("This task was due on %(date)s and is %(days)d day overdue. Please finish it, or report "
                    "what is holding it up.",
                    "This task was due on %(date)s and is %(days)d days overdue. Please finish it, or report "
                    "what is holding it up.", days) % {"date": task.deadline.isoformat(), "days": days}
    return Action(task, Claim.Kind.URGE, day, text)


def escalation_level(days_overdue: int, thresholds: tuple[int, ...]) -> int | None:
    """The highest level whose threshold `days_overdue` has reached (1-based), or None."""
    reached = [level for level, days in enumerate(thresholds, start=1) if days_overdue >= days]
    return reached[-1] if reached else None


def plan_escalation(task: Task, today: dt.date) -> Action | None:
    if task.deadline is None:
        return None
    days = (today - task.deadline).days
    level = escalation_level(days, settings.LUOSHI_ESCALATION_DAYS)
    if level is None:
        return None
    reason = ngettext("%(days)d day overdue (due %(date)s): supervision raised to %(level)s.",
                      "%(days)d days overdue (due %(date)s): supervision raised to %(level)s.", days) % {
        "days": days, "date": task.deadline.isoformat(), "level": Escalation.Level(level).label}
    # Keyed by the deadline: each level once per deadline; an extended deadline starts afresh.
    return Action(task, Claim.Kind.ESCALATION, task.deadline, reason, level=level)


def sign_for_limit(assigned: dt.date, working_days: int) -> dt.date:
    """The last day to sign for a task assigned on `assigned`: that many working days after it,
    by the official holiday calendar (weekdays for a year it does not cover yet)."""
    return add_working_days(assigned, working_days)[0]


def plan_sign_for(task: Task, today: dt.date) -> Action | None:
    """Assigned and not signed for by the end of the time limit: remind the lead unit once (per
    assignment: a reassigned task starts a new limit)."""
    if task.status != Status.ASSIGNED or task.signed_at is not None or task.assigned_at is None:
        return None
    days = max(0, settings.LUOSHI_SIGN_WORKING_DAYS)
    assigned = timezone.localdate(task.assigned_at)
    limit = sign_for_limit(assigned, days)
    if today <= limit:
        return None
    text = ngettext("This task was assigned on %(assigned)s and has not been signed for within %(days)d working "
                    "day (by %(limit)s). Please sign for it now, or return it to the supervision office.",
                    "This task was assigned on %(assigned)s and has not been signed for within %(days)d working "
                    "days (by %(limit)s). Please sign for it now, or return it to the supervision office.",
                    days) % {"assigned": assigned.isoformat(), "days": days, "limit": limit.isoformat()}
    return Action(task, Claim.Kind.SIGN_FOR, limit, text, due=limit)


PLANS: tuple[Callable[[Task, dt.date], Action | None], ...] = (plan_deadline, plan_report, plan_urge,
                                                                plan_escalation, plan_sign_for)


# --- what a batch of tasks owes about its milestones and requests for input (one query each) -------


def plan_milestones(tasks: list[Task], today: dt.date) -> list[Action]:
    """Each open milestone: one reminder when it is LUOSHI_MILESTONE_REMINDER_DAYS days or fewer
    away, one more once it is missed. Keyed by the milestone and its due day, so a milestone
    moved to a new day is reminded afresh."""
    by_id = {task.pk: task for task in tasks}
    window = today + dt.timedelta(days=max(0, settings.LUOSHI_MILESTONE_REMINDER_DAYS))
    actions = []
    for milestone in (Milestone.objects.filter(task__in=list(by_id), done_at__isnull=True, due__lte=window)
                      .order_by("task_id", "due", "pk")):
        task = by_id[milestone.task_id]
        values = {"title": milestone.title, "date": milestone.due.isoformat()}
        days = (milestone.due - today).days
        if days < 0:
            text = _("The milestone “%(title)s” was due on %(date)s and is not done. Please complete it, or report "
                     "what is holding it up.") % values
            kind = Claim.Kind.MILESTONE_MISSED
        elif days == 0:
            text = _("The milestone “%(title)s” is due today (%(date)s).") % values
            kind = Claim.Kind.MILESTONE_DUE
        else:
            text = ngettext("The milestone “%(title)s” is due on %(date)s, in %(days)d day.",
                            "The milestone “%(title)s” is due on %(date)s, in %(days)d days.",
                            days) % {**values, "days": days}
            kind = Claim.Kind.MILESTONE_DUE
        actions.append(Action(task, kind, milestone.due, text, due=milestone.due, subject=milestone.pk))
    return actions


def plan_input_requests(tasks: list[Task], today: dt.date) -> list[Action]:
    """Each request for input not yet answered (no report of the unit asked since it asked, as
    taskrequests.services.input_requests): remind the unit asked before it falls due, and once
    more when it is past due."""
    by_id = {task.pk: task for task in tasks}
    window = today + dt.timedelta(days=max(0, settings.LUOSHI_MILESTONE_REMINDER_DAYS))
    answered = ProgressReport.objects.filter(task=OuterRef("task_id"), unit=OuterRef("to_unit_id"),
                                             submitted_at__gte=OuterRef("asked_at"))
    actions = []
    for asked in (InputRequest.objects.filter(task__in=list(by_id), due__lte=window)
                  .exclude(Exists(answered)).select_related("to_unit").order_by("task_id", "due", "pk")):
        task = by_id[asked.task_id]
        values = {"lead": task.lead_unit, "date": asked.due.isoformat(), "text": asked.text}
        if asked.due < today:
            text = _("%(lead)s asked for your unit's input on this task by %(date)s and has not had it: %(text)s "
                     "Please report your share now.") % values
            kind = Claim.Kind.INPUT_MISSED
        else:
            text = _("%(lead)s asks for your unit's input on this task by %(date)s: %(text)s") % values
            kind = Claim.Kind.INPUT_DUE
        actions.append(Action(task, kind, asked.due, text, due=asked.due, subject=asked.pk, unit=asked.to_unit))
    return actions


BATCH_PLANS: tuple[Callable[[list[Task], dt.date], list[Action]], ...] = (plan_milestones, plan_input_requests)


# --- one task at a time (the fallback when a batch fails, and for tests of a single step) ----------
# Each step returns what it did: a PassReport counter name, "already_done", or None.


def _one(plan: Callable[[Task, dt.date], Action | None], task: Task, today: dt.date) -> str | None:
    action = plan(task, today)
    if action is None:
        return None
    if not _claim(task, action.kind, action.day, action.level):
        return "already_done"
    if action.kind in REMINDER_KINDS:
        assert action.due is not None
        _remind(task, REMINDER_KINDS[action.kind], action.due, action.text)
    elif action.kind == Claim.Kind.URGE:
        urge_task(None, task, text=action.text)  # notifies the lead unit itself
    else:
        escalate_task(None, task, level=action.level, reason=action.text)  # notifies the level's people itself
    return action.counter


@transaction.atomic
def remind_deadline(task: Task, today: dt.date) -> str | None:
    return _one(plan_deadline, task, today)


@transaction.atomic
def remind_report(task: Task, today: dt.date) -> str | None:
    return _one(plan_report, task, today)


@transaction.atomic
def urge_overdue(task: Task, today: dt.date) -> str | None:
    return _one(plan_urge, task, today)


@transaction.atomic
def escalate_overdue(task: Task, today: dt.date) -> str | None:
    return _one(plan_escalation, task, today)


@transaction.atomic
def remind_sign_for(task: Task, today: dt.date) -> str | None:
    return _one(plan_sign_for, task, today)


STEPS: tuple[Callable[[Task, dt.date], str | None], ...] = (remind_deadline, remind_report, urge_overdue,
                                                            escalate_overdue, remind_sign_for)


# --- a batch of tasks at a time -------------------------------------------------------------------

BATCH = 1000


def _claim_all(actions: list[Action]) -> set[tuple[int, str, int, str, int]]:
    """Insert the claims of `actions` in one statement; returns those this run inserted (a
    claim an earlier or concurrent run holds is skipped: the unique constraint decides, and a
    concurrent run's uncommitted claim makes this one wait for its outcome)."""
    table = connection.ops.quote_name(Claim._meta.db_table)
    now = lib.now()
    if connection.vendor == "postgresql":
        sql = (f"INSERT INTO {table} (task_id, kind, level, day, subject, claimed_at) "  # nosec B608 # the model's table; values are parameters
               f"SELECT t, k, l, d, s, %s FROM unnest(%s::bigint[], %s::varchar[], %s::smallint[], %s::date[], "
               f"%s::bigint[]) AS v(t, k, l, d, s) ON CONFLICT (task_id, kind, level, day, subject) DO NOTHING "
               f"RETURNING task_id, kind, level, day, subject")
        params: list[Any] = [now, [a.task.pk for a in actions], [a.kind for a in actions],
                             [a.level for a in actions], [a.day for a in actions], [a.subject for a in actions]]
    else:
        sql = (f"INSERT INTO {table} (task_id, kind, level, day, subject, claimed_at) VALUES "  # nosec B608
               + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(actions))
               + " ON CONFLICT (task_id, kind, level, day, subject) DO NOTHING "
               "RETURNING task_id, kind, level, day, subject")
        params = [value for a in actions for value in (a.task.pk, a.kind, a.level, a.day, a.subject, now)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(task, kind, level, day if isinstance(day, str) else day.isoformat(), subject)
            for task, kind, level, day, subject in rows}


class _Recipients:
    """Who hears about each kind of message, asked once per unit and level in a pass."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, int, int], list[User]] = {}

    def of(self, kind: str, task: Task, level: int | None, unit: Unit | None = None) -> list[User]:
        """The lead unit's people for `kind` (recipients), or the liaisons of `unit` when a
        message goes to another unit (a request for input: the cooperating unit asked)."""
        key = (kind, level or 0, unit.pk if unit is not None else task.lead_unit_id)
        if key not in self.known:
            self.known[key] = liaisons_of([unit]) if unit is not None else recipients(kind, task, level)
        return self.known[key]


def _due(action: Action) -> dt.date:
    """The day a reminder is about: every reminder names one."""
    if action.due is None:
        raise ValueError(f"a {action.kind} reminder without its due day")
    return action.due


@transaction.atomic
def _run_batch(actions: list[Action], today: dt.date, people: _Recipients) -> tuple[list[Action], int]:
    """Claim, write, audit and announce `actions` in one transaction with a handful of
    statements; returns the actions done and how many were found already done."""
    claimed = _claim_all(actions)
    done = [a for a in actions if a.claim in claimed]
    now = lib.now()
    reminders = [a for a in done if a.kind in REMINDER_KINDS]
    urges = [a for a in done if a.kind in URGE_KINDS]
    escalations = [a for a in done if a.kind == Claim.Kind.ESCALATION]
    for a in urges:
        lifecycle.next_status(a.task.status, lifecycle.Action.URGE)
    for a in escalations:
        lifecycle.next_status(a.task.status, lifecycle.Action.ESCALATE)
    made_reminders = lib.insert_many(Reminder, [Reminder(task=a.task, kind=REMINDER_KINDS[a.kind], to_unit=a.to_unit,
                                                         due=_due(a), text=a.text, created_at=now) for a in reminders])
    made_urges = lib.insert_many(Urge, [Urge(task=a.task, by=None, to_unit_id=a.task.lead_unit_id, text=a.text,
                                             created_at=now) for a in urges])
    made_escalations = lib.insert_many(Escalation, [Escalation(task=a.task, by=None, level=a.level, reason=a.text,
                                                               created_at=now) for a in escalations])
    # The same events, one by one, as the per-task services record them.
    record_events(None, "remind_task", [(r, {"task": a.task.pk, "kind": REMINDER_KINDS[a.kind], "due": a.due,
                                             "to": a.to_unit.code, "text": a.text,
                                             **({"subject": a.subject} if a.subject else {})})
                                        for r, a in zip(made_reminders, reminders, strict=True)])
    record_events(None, "urge_task", [(u, {"task": a.task.pk, "to": a.task.lead_unit.code, "text": a.text})
                                      for u, a in zip(made_urges, urges, strict=True)])
    record_events(None, "escalate_task", [(e, {"task": a.task.pk, "level": a.level, "reason": a.text})
                                          for e, a in zip(made_escalations, escalations, strict=True)])
    kinds = NOTIFICATION_KINDS
    notifications = [
        Notification(recipient=user, kind=kinds[a.kind], task=a.task, text=a.text, created_at=now, digest_day=today)
        for a in done
        for user in people.of(kinds[a.kind], a.task, a.level if a.kind == Claim.Kind.ESCALATION else None, a.unit)
    ]
    lib.insert_many(Notification, notifications)
    return done, len(actions) - len(done)


def _count(report: PassReport, outcome: str | None) -> None:
    if outcome is None:
        return
    if outcome.startswith("escalation:"):
        level = int(outcome.split(":")[1])
        report.escalations[level] = report.escalations.get(level, 0) + 1
    else:
        setattr(report, outcome, getattr(report, outcome) + 1)


@sealing_deferred()  # one seal of the trail after the pass, not one per batch
def run_daily_pass(today: dt.date | None = None, *, batch: int = BATCH) -> PassReport:
    """Run every step on every supervised task, `batch` tasks per transaction, then send each
    person one digest and refresh the lights. Safe to repeat, and to run twice at once."""
    today = today or lib.today()
    report = PassReport(day=today)
    # The working tasks, but those whose completion is requested: the unit has done its part
    # and the office holds the ball, so nobody is reminded, urged or escalated to.
    supervised = (Task.objects.filter(status__in=WORKING).exclude(status=Status.COMPLETION_REQUESTED)
                  .select_related("lead_unit").order_by("pk"))
    people = _Recipients()
    after = 0
    with digesting(today):  # each person hears once, in the day's digest (notifications.send_digests)
        while True:
            # A keyset walk: one batch in memory, whatever the size.
            tasks = list(supervised.filter(pk__gt=after)[:batch])
            if not tasks:
                break
            after = tasks[-1].pk
            _run_tasks(tasks, today, report, people)
    report.digests = send_digests(today)
    report.lights_changed = refresh_lights(today)
    prune_login_throttles()
    return report


def _planned_in_batch(tasks: list[Task], today: dt.date, report: PassReport) -> list[Action]:
    """The milestones' and requests for input's actions of `tasks`, one query per plan."""
    actions: list[Action] = []
    for plan in BATCH_PLANS:
        try:
            actions.extend(plan(tasks, today))
        except Exception as error:  # one broken plan must not stop the others
            logger.exception("daily pass: %s failed on tasks %s…%s", plan.__name__, tasks[0].pk, tasks[-1].pk)
            report.errors.append(f"tasks {tasks[0].pk}…{tasks[-1].pk} ({plan.__name__}): {error}")
    return actions


def _run_tasks(tasks: list[Task], today: dt.date, report: PassReport, people: _Recipients) -> None:
    actions = _planned_in_batch(tasks, today, report)
    for task in tasks:
        for plan in PLANS:
            try:
                action = plan(task, today)
            except Exception as error:  # one broken task must not stop the pass for the others
                logger.exception("daily pass: %s failed on task %s", plan.__name__, task.pk)
                report.errors.append(f"task {task.pk} ({plan.__name__}): {error}")
                continue
            if action is not None:
                actions.append(action)
    if not actions:
        return
    try:
        done, already = _run_batch(actions, today, people)
    except Exception:  # the batch rolled back whole: do its tasks one at a time, to find the broken one
        logger.exception("daily pass: a batch failed; running its tasks one by one")
        for task in tasks:
            _run_steps(task, today, report)
            _run_subjects(task, today, report, people)
        return
    report.already_done += already
    for action in done:
        _count(report, action.counter)


def _run_steps(task: Task, today: dt.date, report: PassReport) -> None:
    for step in STEPS:
        try:
            outcome = step(task, today)
        except Exception as error:  # one broken task must not stop the pass for the others
            logger.exception("daily pass: %s failed on task %s", step.__name__, task.pk)
            report.errors.append(f"task {task.pk} ({step.__name__}): {error}")
            continue
        if outcome == "already_done":
            report.already_done += 1
        else:
            _count(report, outcome)


def _run_subjects(task: Task, today: dt.date, report: PassReport, people: _Recipients) -> None:
    """The fallback for one task's milestones and requests for input: a batch of one task, in its
    own transaction, so a broken task stops no other."""
    actions = _planned_in_batch([task], today, report)
    if not actions:
        return
    try:
        done, already = _run_batch(actions, today, people)
    except Exception as error:  # this task's own messages roll back together, claims included
        logger.exception("daily pass: milestones and requests for input failed on task %s", task.pk)
        report.errors.append(f"task {task.pk} (milestones and requests for input): {error}")
        return
    report.already_done += already
    for action in done:
        _count(report, action.counter)
