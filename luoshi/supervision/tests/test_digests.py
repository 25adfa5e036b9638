"""The daily pass tells each person once a day: one digest e-mail listing every task, one message per group chat."""

import datetime as dt

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.notifications.models import Delivery, Notification
from luoshi.notifications.services import create_endpoint
from luoshi.supervision.services import run_daily_pass


def run_on(when: dt.date, callbacks):  # type: ignore[no-untyped-def]
    with lib.clock_at(when), callbacks(execute=False):
        return run_daily_pass()


def test_it_sends_a_liaison_one_digest_for_many_overdue_tasks_once_a_day(province, django_capture_on_commit_callbacks):
    """Three overdue tasks: three inbox rows, one e-mail listing all three; a second run sends nothing more."""
    User.objects.filter(pk=province.liaison.pk).update(email="liaison@example.org")
    tasks = [province.signed(deadline_days=2, title=f"整改任务{n}") for n in range(3)]
    later = lib.today() + dt.timedelta(days=5)
    before = Delivery.objects.count() and Delivery.objects.latest("pk").pk
    report = run_on(later, django_capture_on_commit_callbacks)
    assert report.urges == 3 and report.digests >= 1
    mine = Delivery.objects.filter(channel=Delivery.Channel.EMAIL, message__to="liaison@example.org", pk__gt=before)
    assert mine.count() == 1
    body = mine.get().message["body"]
    assert all(task.title in body for task in tasks)
    assert Notification.objects.filter(recipient=province.liaison, kind="urge", digest_day=later).count() == 3
    again = run_on(later, django_capture_on_commit_callbacks)
    assert again.digests == 0 and mine.count() == 1
    run_on(later + dt.timedelta(days=7), django_capture_on_commit_callbacks)
    assert mine.count() == 2  # a week later: the next urge round and escalation, in one more digest


def test_it_sends_one_chat_message_per_group_a_day(province, django_capture_on_commit_callbacks):
    """A group robot gets one digest, not one message per task, and no task text by default."""
    create_endpoint(province.sysadmin, name="group", kind="generic", url="https://chat.example/hook")
    for n in range(4):
        province.signed(deadline_days=2, title=f"机密整改任务{n}")
    later = lib.today() + dt.timedelta(days=5)
    before = Delivery.objects.latest("pk").pk
    run_on(later, django_capture_on_commit_callbacks)
    chat = Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK, pk__gt=before)
    assert chat.count() == 1 and chat.get().message["digest"]
    run_on(later, django_capture_on_commit_callbacks)
    assert chat.count() == 1


def test_events_outside_the_pass_are_still_sent_at_once(province, django_capture_on_commit_callbacks):
    """An urge by the office during the day is not held for a digest."""
    from luoshi.tasks import services

    User.objects.filter(pk=province.liaison.pk).update(email="liaison@example.org")
    task = province.signed()
    before = Delivery.objects.count() and Delivery.objects.latest("pk").pk
    with django_capture_on_commit_callbacks(execute=False):
        services.urge_task(province.supervisor, task, text="请加快进度")
    assert Delivery.objects.filter(message__to="liaison@example.org", pk__gt=before).count() == 1
    assert Notification.objects.get(kind="urge").digest_day is None


def test_a_liaison_with_more_overdue_tasks_than_a_digest_lists_still_gets_one(
        province, django_capture_on_commit_callbacks, monkeypatch):
    """More overdue tasks than a digest lists (here 7 over a limit of 5, as 300 over 200 would be):
    one e-mail, counting every task (each urged and escalated: fourteen messages), listing the
    first five messages and saying how many more there are;
    a second pass the same day sends nothing, whatever batch size each pass used."""
    from luoshi.notifications import services as notifications

    monkeypatch.setattr(notifications, "DIGEST_MAX_LINES", 5)
    User.objects.filter(pk=province.liaison.pk).update(email="liaison@example.org")
    for n in range(7):
        province.signed(deadline_days=2, title=f"整改任务{n}")
    later = lib.today() + dt.timedelta(days=5)
    before = Delivery.objects.latest("pk").pk
    with lib.clock_at(later), django_capture_on_commit_callbacks(execute=False):
        report = run_daily_pass(batch=3)  # three batches: still one digest
    assert report.urges == 7
    mine = Delivery.objects.filter(channel=Delivery.Channel.EMAIL, message__to="liaison@example.org", pk__gt=before)
    assert mine.count() == 1
    message = mine.get().message
    assert " 7 " in message["subject"]
    assert message["body"].count("【") == 5 and " 9 " in message["body"].strip().splitlines()[-1]
    with lib.clock_at(later), django_capture_on_commit_callbacks(execute=False):
        assert run_daily_pass(batch=1000).digests == 0
    assert mine.count() == 1
