"""Two people correcting or deleting the same meeting at once, on two real database connections."""

import datetime as dt
import threading

import pytest
from django.db import connections, transaction
from django.utils import translation

from luoshi import lib
from luoshi.lib import ConflictError, InvalidInput
from luoshi.meetings.models import Meeting
from luoshi.meetings.services import delete_meeting, update_meeting
from luoshi.tasks import services as task_services
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import build_province

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(work, results, key):  # type: ignore[no-untyped-def]
    try:
        with translation.override("en"):
            results[key] = work()
    except Exception as error:  # noqa: BLE001 - the test inspects whatever happened
        results[key] = error
    finally:
        connections.close_all()


def run(first, second):  # type: ignore[no-untyped-def]
    results: dict = {}
    threads = [threading.Thread(target=in_thread, args=(first, results, "first")),
               threading.Thread(target=in_thread, args=(second, results, "second"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_the_second_correction_of_a_stale_version_gets_a_conflict():
    """Both open version 1; the first save wins, the second is refused, the first is kept."""
    province = build_province()
    meeting = province.meeting
    holds_lock = threading.Event()

    def correct(place):  # type: ignore[no-untyped-def]
        return update_meeting(province.secretary, meeting, kind=meeting.kind, title=meeting.title,
                              date=meeting.date, place=place, expected_version=1)

    def first():  # type: ignore[no-untyped-def]
        with transaction.atomic():
            correct("省政府第一会议室")
            holds_lock.set()
            threading.Event().wait(0.5)  # keep the row locked while the second arrives
        return "saved"

    def second():  # type: ignore[no-untyped-def]
        holds_lock.wait(5)
        return correct("省政府第二会议室")

    results = run(first, second)
    assert results["first"] == "saved"
    assert isinstance(results["second"], ConflictError) and "changed by someone else" in str(results["second"])
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.place, stored.version) == ("省政府第一会议室", 2)


def test_a_delete_waits_for_an_assignment_and_then_refuses():
    """A draft is assigned while the meeting is being deleted: the delete waits and then refuses,
    so the assigned task and its meeting both stay."""
    province = build_province()
    draft = province.draft()
    holds_lock = threading.Event()

    def assign():  # type: ignore[no-untyped-def]
        with transaction.atomic():
            task_services.assign_task(province.supervisor, draft, deadline=lib.today() + dt.timedelta(days=20))
            holds_lock.set()
            threading.Event().wait(0.5)
        return "assigned"

    def delete():  # type: ignore[no-untyped-def]
        holds_lock.wait(5)
        return delete_meeting(province.supervisor, province.meeting)

    results = run(assign, delete)
    assert results["first"] == "assigned"
    assert isinstance(results["second"], InvalidInput) and "cannot be deleted" in str(results["second"])
    assert Meeting.objects.filter(pk=province.meeting.pk).exists()
    assert Task.objects.get(pk=draft.pk).status == "assigned"
