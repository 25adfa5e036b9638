"""The daily pass's reminders about milestones, requests for input and the sign-for time limit:
each once, none on a second run, none once the thing is done, answered or signed."""

import datetime as dt

from django.test import override_settings
from django.utils import translation

from luoshi import lib
from luoshi.audit.models import AuditEvent
from luoshi.notifications.models import Notification
from luoshi.supervision import services
from luoshi.supervision.models import Claim, Reminder
from luoshi.supervision.services import run_daily_pass, sign_for_limit
from luoshi.taskrequests import services as request_services
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Task, Urge


def day(offset: int) -> dt.date:
    return lib.today() + dt.timedelta(days=offset)


def run_on(when: dt.date) -> services.PassReport:
    with lib.clock_at(when):
        return run_daily_pass()


def test_a_milestone_is_reminded_once_before_it_falls_due_and_urged_once_when_missed(province):
    task = province.signed(deadline_days=30)
    milestone = task_services.add_milestone(province.supervisor, task, title="plan reported", due=day(5))
    assert run_on(day(3)).milestone_reminders == 0  # two days away; the window is one day
    with translation.override("en"):
        report = run_on(day(4))
    assert report.milestone_reminders == 1 and "milestone reminders" in report.summary()
    reminder = Reminder.objects.get(task=task, kind="milestone")
    assert reminder.due == milestone.due and reminder.to_unit == province.emergency
    assert "plan reported" in reminder.text and "in 1 day" in reminder.text
    assert Notification.objects.filter(recipient=province.liaison, kind="milestone", task=task,
                                       digest_day=day(4)).count() == 1
    [event] = [e for e in AuditEvent.objects.filter(verb="remind_task") if e.after["kind"] == "milestone"]
    assert event.after["subject"] == milestone.pk and event.after["to"] == province.emergency.code
    again = run_on(day(4))
    assert again.milestone_reminders == 0 and again.already_done == 1
    assert run_on(day(5)).milestone_reminders == 0  # due today: already reminded for this due day
    with translation.override("en"):
        missed_day = run_on(day(6))
    assert (missed_day.milestone_reminders, missed_day.milestone_urges) == (0, 1)  # missed: an urge (催办)
    [urge] = Urge.objects.filter(task=task)
    assert urge.by is None and urge.to_unit == province.emergency
    assert "plan reported" in urge.text and "was due on" in urge.text and day(5).isoformat() in urge.text
    assert Notification.objects.filter(recipient=province.liaison, kind="urge", task=task).count() == 1
    assert AuditEvent.objects.filter(verb="urge_task").count() == 1
    assert [run_on(day(offset)).milestone_urges for offset in (6, 7, 20)] == [0, 0, 0]
    assert Reminder.objects.filter(task=task, kind="milestone").count() == 1 and Urge.objects.count() == 1
    assert Claim.objects.filter(kind__in=["milestone_due", "milestone_missed"], subject=milestone.pk).count() == 2


def test_two_milestones_on_the_same_day_are_each_reminded(province):
    """The claim's subject tells milestones of one task with one due day apart."""
    task = province.signed(deadline_days=30)
    first = task_services.add_milestone(province.supervisor, task, title="plan", due=day(3))
    second = task_services.add_milestone(province.supervisor, task, title="measures", due=day(3))
    assert run_on(day(2)).milestone_reminders == 2
    assert set(Claim.objects.filter(kind="milestone_due").values_list("subject", flat=True)) == {first.pk, second.pk}
    assert run_on(day(2)).milestone_reminders == 0


def test_a_done_milestone_is_not_reminded(province):
    task = province.signed(deadline_days=30)
    milestone = task_services.add_milestone(province.supervisor, task, title="plan", due=day(2))
    task_services.complete_milestone(province.liaison, milestone, text="plan filed")
    assert run_on(day(1)).milestone_reminders == 0
    assert run_on(day(3)).milestone_reminders == 0
    assert not Reminder.objects.filter(kind="milestone").exists()
    assert not Notification.objects.filter(kind="milestone").exists()


@override_settings(LUOSHI_MILESTONE_REMINDER_DAYS=3)
def test_the_milestone_window_follows_its_setting(province):
    task = province.signed(deadline_days=30)
    task_services.add_milestone(province.supervisor, task, title="plan", due=day(5))
    assert run_on(day(1)).milestone_reminders == 0
    assert run_on(day(2)).milestone_reminders == 1


def test_a_request_for_input_reminds_the_cooperating_unit_before_and_after_its_due_date(province):
    task = province.signed(deadline_days=30, cooperating_units=[province.health])
    asked = request_services.ask_for_input(province.liaison, task, unit=province.health, due=day(5),
                                           text="the hospitals' figures")
    assert run_on(day(3)).input_reminders == 0
    assert run_on(day(4)).input_reminders == 1
    reminder = Reminder.objects.get(task=task, kind="input")
    assert reminder.to_unit == province.health and reminder.due == asked.due
    # The cooperating unit's liaisons hear, not the lead unit's.
    assert Notification.objects.filter(recipient=province.other_liaison, kind="input", task=task).count() == 1
    assert not Notification.objects.filter(recipient=province.liaison, kind="input").exists()
    assert run_on(day(4)).input_reminders == 0
    assert run_on(day(5)).input_reminders == 0
    with translation.override("en"):
        assert run_on(day(6)).input_reminders == 1  # past due, unanswered
    assert "has not had it" in Reminder.objects.filter(kind="input").order_by("pk").last().text
    assert run_on(day(7)).input_reminders == 0
    assert Notification.objects.filter(recipient=province.other_liaison, kind="input").count() == 2
    event = next(e for e in AuditEvent.objects.filter(verb="remind_task").order_by("pk") if e.after["kind"] == "input")
    assert event.after["to"] == province.health.code and event.after["subject"] == asked.pk


def test_an_answered_request_for_input_is_not_reminded(province):
    task = province.signed(deadline_days=30, cooperating_units=[province.health])
    request_services.ask_for_input(province.liaison, task, unit=province.health, due=day(5), text="figures")
    with lib.clock_at(day(1)):
        task_services.report_progress(province.other_liaison, Task.objects.get(pk=task.pk), text="12 checked",
                                      progress=0)
    assert run_on(day(4)).input_reminders == 0
    assert run_on(day(6)).input_reminders == 0
    assert not Reminder.objects.filter(kind="input").exists()


def test_a_report_before_the_question_does_not_answer_it(province):
    """Only a report of the unit asked after it was asked answers (as input_requests says)."""
    task = province.signed(deadline_days=30, cooperating_units=[province.health])
    task_services.report_progress(province.other_liaison, task, text="early figures", progress=0)
    with lib.clock_at(lib.now() + dt.timedelta(minutes=5)):
        request_services.ask_for_input(province.liaison, Task.objects.get(pk=task.pk), unit=province.health,
                                       due=day(5), text="the full figures")
    assert run_on(day(6)).input_reminders == 1
    [state] = request_services.input_requests(task)
    assert state.answer is None


def test_the_sign_for_limit_counts_working_days_across_the_national_day_holiday():
    """Assigned on Tuesday 2025-09-30: 1 October to 8 October is the holiday, so the one working day
    is Thursday 2025-10-09 (and Saturday 2025-09-28 was a make-up working day before)."""
    assert sign_for_limit(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)
    assert sign_for_limit(dt.date(2025, 9, 26), 1) == dt.date(2025, 9, 28)  # a make-up Sunday (调休)
    assert sign_for_limit(dt.date(2025, 10, 10), 1) == dt.date(2025, 10, 11)  # a make-up Saturday
    assert sign_for_limit(dt.date(2025, 10, 17), 1) == dt.date(2025, 10, 20)  # an ordinary weekend


def test_an_unsigned_task_is_reminded_once_after_the_sign_for_limit(province):
    assigned_on = dt.date(2025, 9, 30)
    with lib.clock_at(assigned_on):
        task = province.assigned(deadline_days=60)
    # the holiday and the limit day itself are still in time
    for when in (dt.date(2025, 10, 1), dt.date(2025, 10, 5), dt.date(2025, 10, 8), dt.date(2025, 10, 9)):
        assert run_on(when).sign_for_reminders == 0, when
    with translation.override("en"):
        report = run_on(dt.date(2025, 10, 10))
    assert report.sign_for_reminders == 1 and "1 sign-for reminders" in report.summary()
    reminder = Reminder.objects.get(task=task, kind="sign_for")
    assert reminder.due == dt.date(2025, 10, 9) and reminder.to_unit == province.emergency
    assert "2025-09-30" in reminder.text and "2025-10-09" in reminder.text
    assert Notification.objects.filter(recipient=province.liaison, kind="sign_for", task=task).count() == 1
    assert run_on(dt.date(2025, 10, 10)).sign_for_reminders == 0
    assert run_on(dt.date(2025, 10, 13)).sign_for_reminders == 0
    assert Reminder.objects.filter(kind="sign_for").count() == 1


def test_a_task_signed_in_time_is_not_reminded(province):
    with lib.clock_at(dt.date(2025, 9, 30)):
        task = province.assigned(deadline_days=60)
    with lib.clock_at(dt.date(2025, 10, 9)):
        task_services.sign_task(province.liaison, Task.objects.get(pk=task.pk))
    assert run_on(dt.date(2025, 10, 10)).sign_for_reminders == 0
    assert not Reminder.objects.filter(kind="sign_for").exists()


@override_settings(LUOSHI_SIGN_WORKING_DAYS=3)
def test_the_sign_for_limit_follows_its_setting(province):
    with lib.clock_at(dt.date(2025, 10, 9)):  # Thursday; 10, 11 (make-up Saturday), 13 October
        province.assigned(deadline_days=60)
    assert run_on(dt.date(2025, 10, 13)).sign_for_reminders == 0
    assert run_on(dt.date(2025, 10, 14)).sign_for_reminders == 1


def test_the_one_task_fallback_sends_the_new_reminders_once(province, monkeypatch):
    """When a batch fails, its tasks run one at a time; milestones, requests for input and the
    sign-for limit go through the same claims, so the re-run sends nothing twice."""
    task = province.signed(deadline_days=30, cooperating_units=[province.health])
    task_services.add_milestone(province.supervisor, task, title="plan", due=day(1))
    request_services.ask_for_input(province.liaison, task, unit=province.health, due=day(1), text="figures")
    late = province.assigned(deadline_days=30)
    real = services._run_batch
    calls = []

    def first_fails(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database gone")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_run_batch", first_fails)
    report = run_on(day(10))
    assert (report.milestone_urges, report.input_reminders, report.sign_for_reminders) == (1, 1, 1)
    assert Reminder.objects.filter(task=late, kind="sign_for").count() == 1
    monkeypatch.setattr(services, "_run_batch", real)
    again = run_on(day(10))
    assert (again.milestone_urges, again.input_reminders, again.sign_for_reminders) == (0, 0, 0)
    assert Reminder.objects.filter(kind__in=["input", "sign_for"]).count() == 2 and Urge.objects.count() == 1


def test_the_new_reminders_cost_the_same_statements_for_more_tasks(province):
    """Set-based: milestones and requests for input are planned with one query per batch, and
    their reminders go in with the batch's bulk inserts, so twice the tasks cost no more statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(count: int) -> None:
        for _ in range(count):
            task = province.signed(deadline_days=30, cooperating_units=[province.health])
            task_services.add_milestone(province.supervisor, task, title="plan", due=day(1))
            task_services.add_milestone(province.supervisor, task, title="measures", due=day(2))
            request_services.ask_for_input(province.liaison, task, unit=province.health, due=day(1), text="figures")
            province.assigned(deadline_days=30)

    def statements(when: dt.date) -> tuple[int, services.PassReport]:
        with lib.clock_at(when), CaptureQueriesContext(connection) as queries:
            report = run_daily_pass()
        return len(queries), report

    make(3)
    small, report = statements(day(5))
    assert (report.milestone_urges, report.input_reminders, report.sign_for_reminders) == (6, 3, 3)
    make(3)
    large, report = statements(day(5))  # the first three are already done: only the new ones are sent
    assert (report.milestone_urges, report.input_reminders, report.sign_for_reminders) == (6, 3, 3)
    assert large <= small, (small, large)


def test_a_reassigned_task_starts_a_new_sign_for_limit_for_its_new_unit(province):
    with lib.clock_at(dt.date(2025, 9, 30)):
        task = province.assigned(deadline_days=60)
    assert run_on(dt.date(2025, 10, 10)).sign_for_reminders == 1
    with lib.clock_at(dt.date(2025, 10, 13)):  # Monday: the limit is Tuesday the 14th
        task_services.reassign_task(province.supervisor, Task.objects.get(pk=task.pk), lead_unit=province.health,
                                    reason="three-fixes rules")
    assert run_on(dt.date(2025, 10, 14)).sign_for_reminders == 0
    assert run_on(dt.date(2025, 10, 15)).sign_for_reminders == 1
    assert [r.to_unit for r in Reminder.objects.filter(kind="sign_for").order_by("pk")] == [province.emergency,
                                                                                           province.health]
    assert Notification.objects.filter(recipient=province.other_liaison, kind="sign_for").count() == 1
