"""The daily supervision pass: reminders, urges, escalation by level, lights; idempotent."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import translation

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.audit.services import verify_chain
from luoshi.notifications.models import Delivery, Notification
from luoshi.supervision import services
from luoshi.supervision.models import Claim, Reminder
from luoshi.supervision.services import escalation_level, run_daily_pass, urge_round
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Escalation, Task, Urge


def day(offset: int) -> dt.date:
    return lib.today() + dt.timedelta(days=offset)


def run_on(when: dt.date) -> services.PassReport:
    with lib.clock_at(when):
        return run_daily_pass()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Urge, Escalation, Reminder, Notification, Delivery, Claim, AuditEvent)}


def test_it_reminds_the_lead_unit_before_the_deadline_once(province):
    """Three days before the deadline: one reminder on the timeline, in the inbox and the audit trail."""
    task = province.signed(deadline_days=10)
    assert run_on(day(6)).deadline_reminders == 0
    report = run_on(day(7))
    assert report.deadline_reminders == 1
    reminder = Reminder.objects.get(task=task)
    assert reminder.kind == "deadline" and reminder.due == task.deadline and reminder.to_unit == province.emergency
    assert Notification.objects.filter(recipient=province.liaison, kind="deadline", task=task).count() == 1
    event = AuditEvent.objects.get(verb="remind_task")
    assert event.actor is None and event.after["task"] == task.pk
    again = run_on(day(7))
    assert again.deadline_reminders == 0 and again.already_done == 1
    assert run_on(day(8)).deadline_reminders == 0  # once per deadline, not once per day
    assert Reminder.objects.count() == 1


def test_it_reminds_when_a_cadence_report_falls_due(province):
    """A weekly task with no report for a week is reminded; the reminder says the report is missing after."""
    task = province.signed(deadline_days=60, cadence="weekly")
    assert run_on(day(6)).report_reminders == 0
    with translation.override("en"):
        assert run_on(day(7)).report_reminders == 1
    assert "is due on" in Reminder.objects.get(kind="report_due").text
    assert run_on(day(8)).report_reminders == 0  # the same due date is reminded once
    with lib.clock_at(day(9)):
        task_services.report_progress(province.liaison, Task.objects.get(pk=task.pk), text="on it", progress=30)
    assert run_on(day(16)).report_reminders == 1  # the next week's report
    assert Reminder.objects.filter(task=task, kind="report_due").count() == 2


def test_it_urges_and_escalates_by_days_overdue_each_level_once(province):
    """Overdue 1, 7 and 30 days: levels 1, 2 and 3, each once however often the pass runs."""
    head = User.objects.create(username="head", role=User.Role.LIAISON, unit=province.emergency, heads_unit=True)
    task = province.in_progress(deadline_days=2)
    deadline = task.deadline
    for offset in range(3, 3 + 31):  # from the first day overdue to the 31st, twice a day
        run_on(deadline + dt.timedelta(days=offset - 2))
        run_on(deadline + dt.timedelta(days=offset - 2))
    levels = list(Escalation.objects.filter(task=task).order_by("created_at").values_list("level", "created_at"))
    assert [level for level, _ in levels] == [1, 2, 3]
    days_overdue = {level: (created.date() - deadline).days for level, created in levels}
    assert days_overdue == {1: 1, 2: 7, 3: 30}
    # An urge on the first day overdue, then one every LUOSHI_URGE_EVERY_DAYS (7) days.
    assert Urge.objects.filter(task=task).count() == 5  # days 1, 8, 15, 22, 29
    by_level = {
        1: {"liaison"}, 2: {head.username, "supervisor"}, 3: {"leader"},
    }
    for level, people in by_level.items():
        reason = Escalation.objects.get(task=task, level=level).reason
        got = set(Notification.objects.filter(kind="escalation", text=reason).values_list("recipient__username",
                                                                                        flat=True))
        assert got == people, level
    assert AuditEvent.objects.filter(verb="escalate_task").count() == 3
    assert verify_chain().ok


def test_a_first_run_thirty_days_late_escalates_straight_to_the_leader(province):
    """A pass that never ran before escalates to the level the task has reached, once."""
    task = province.in_progress(deadline_days=1)
    report = run_on(task.deadline + dt.timedelta(days=31))
    assert report.escalations == {3: 1} and report.urges == 1
    assert list(Escalation.objects.values_list("level", flat=True)) == [3]


def test_running_twice_on_one_day_sends_nothing_twice(province, django_capture_on_commit_callbacks):
    """The second run on the same day creates no row of any kind and reports everything as done."""
    User.objects.filter(pk=province.liaison.pk).update(email="liaison@example.gov.cn")
    province.in_progress(deadline_days=1)
    province.signed(deadline_days=4, cadence="weekly")
    province.assigned(lead=province.health, deadline_days=3)
    province.suspended(deadline_days=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = run_on(day(8))
    after_first = counts()
    with django_capture_on_commit_callbacks(execute=True):
        second = run_on(day(8))
    assert counts() == after_first
    assert first.sent > 0 and second.sent == 0 and second.already_done == first.sent
    assert not first.errors and not second.errors


def test_a_crash_mid_way_is_resumed_without_duplicates(province, monkeypatch):
    """If a batch fails it rolls back whole and its tasks run one at a time; if an escalation then
    fails half-way its claim rolls back with it; the re-run does it exactly once."""
    task = province.in_progress(deadline_days=1)
    real, real_batch = services.escalate_task, services._run_batch

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)  # the escalation row is written…
        raise RuntimeError("worker killed")  # …and then the process dies before commit

    def broken_batch(*args, **kwargs):  # type: ignore[no-untyped-def]
        with transaction.atomic():
            real_batch(*args, **kwargs)  # every row of the batch is written…
            raise RuntimeError("database gone")  # …and the commit fails

    monkeypatch.setattr(services, "escalate_task", broken)
    monkeypatch.setattr(services, "_run_batch", broken_batch)
    report = run_on(task.deadline + dt.timedelta(days=1))
    assert report.urges == 1 and report.errors and not Escalation.objects.exists()
    assert not Claim.objects.filter(kind="escalation").exists()
    monkeypatch.setattr(services, "escalate_task", real)
    monkeypatch.setattr(services, "_run_batch", real_batch)
    report = run_on(task.deadline + dt.timedelta(days=1))
    assert report.escalations == {1: 1} and report.urges == 0
    assert Escalation.objects.count() == 1 and Urge.objects.count() == 1


@pytest.mark.parametrize("state", ["suspended", "completion_requested", "completed", "cancelled", "draft"])
def test_it_leaves_tasks_that_are_not_being_worked_on_alone(province, state):
    """Suspended, awaiting approval, closed and draft tasks get no reminder, urge or escalation."""
    getattr(province, state)(deadline_days=1)
    report = run_on(day(40))
    assert report.sent == 0 and not Notification.objects.filter(kind__in=["urge", "escalation", "deadline"]).exists()


def test_it_refreshes_the_lights(province):
    """A task that passed its deadline overnight turns red."""
    task = province.signed(deadline_days=1)
    assert task.light != "red"
    assert run_on(day(2)).lights_changed >= 1
    task.refresh_from_db()
    assert task.light == "red"


def test_the_rules_in_isolation():
    """Urge rounds every 7 days from the first day overdue; levels by thresholds."""
    deadline = dt.date(2024, 5, 1)
    assert urge_round(deadline, dt.date(2024, 5, 1), 7) is None
    assert urge_round(deadline, dt.date(2024, 5, 2), 7) == dt.date(2024, 5, 2)
    assert urge_round(deadline, dt.date(2024, 5, 8), 7) == dt.date(2024, 5, 2)
    assert urge_round(deadline, dt.date(2024, 5, 9), 7) == dt.date(2024, 5, 9)
    assert [escalation_level(d, (1, 7, 30)) for d in (0, 1, 6, 7, 29, 30, 400)] == [None, 1, 1, 2, 2, 3, 3]


def test_it_follows_the_configured_thresholds(province, settings):
    """LUOSHI_REMINDER_DAYS and LUOSHI_ESCALATION_DAYS change when things happen."""
    settings.LUOSHI_REMINDER_DAYS = 10
    settings.LUOSHI_ESCALATION_DAYS = (2, 3, 4)
    task = province.in_progress(deadline_days=10)
    assert run_on(day(0)).deadline_reminders == 1
    assert run_on(task.deadline + dt.timedelta(days=1)).escalations == {}
    assert run_on(task.deadline + dt.timedelta(days=3)).escalations == {2: 1}
