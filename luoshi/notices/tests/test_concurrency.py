"""Two offices issuing notices at once, on real PostgreSQL connections: the numbers are
consecutive and distinct. (SQLite has one writer at a time: nothing to race.)"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import translation

from luoshi.notices.models import Notice, NoticeCounter
from luoshi.notices.services import issue_notice
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import build_province

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two PostgreSQL connections"),
]


def in_thread(work, results, key):  # type: ignore[no-untyped-def]
    try:
        with translation.override("zh-hans"):
            results[key] = work()
    except Exception as error:  # noqa: BLE001 - the test inspects whatever happened
        results[key] = error
    finally:
        connections.close_all()


def run(*works):  # type: ignore[no-untyped-def]
    results: dict = {}
    threads = [threading.Thread(target=in_thread, args=(work, results, n)) for n, work in enumerate(works)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_the_second_issuer_waits_for_the_first_and_takes_the_next_number():
    """The first holds the counter locked (its transaction still open); the second waits, then
    gets the next number, not the same one."""
    province = build_province()
    task, other = province.in_progress(), province.in_progress()  # two tasks: they meet only at the counter
    issue_notice(province.supervisor, task, kind="supervision", level=2, text="先行督办")  # the counter row exists
    holds_lock = threading.Event()

    def first():  # type: ignore[no-untyped-def]
        with transaction.atomic():
            notice = issue_notice(province.supervisor, Task.objects.get(pk=task.pk), kind="supervision",
                                  level=3, text="三日内报送")
            holds_lock.set()
            threading.Event().wait(0.5)  # keep the counter locked while the second arrives
        return notice.serial

    def second():  # type: ignore[no-untyped-def]
        holds_lock.wait(10)
        return issue_notice(province.supervisor, Task.objects.get(pk=other.pk), kind="supervision",
                            level=1, text="按期报送").serial

    results = run(first, second)
    assert results == {0: 2, 1: 3}


def test_many_concurrent_issuers_get_consecutive_distinct_numbers():
    """Six threads, each on its own connection, issue at once: numbers 1 to 6, each once."""
    province = build_province()
    tasks = [province.in_progress() for _ in range(3)]
    start = threading.Barrier(6)

    def issuer(task):  # type: ignore[no-untyped-def]
        def work():  # type: ignore[no-untyped-def]
            start.wait(10)
            return issue_notice(province.supervisor, Task.objects.get(pk=task.pk), kind="urging",
                                text="请加快进度").serial
        return work

    results = run(*[issuer(tasks[n % 3]) for n in range(6)])
    assert sorted(results.values()) == [1, 2, 3, 4, 5, 6], results
    assert sorted(Notice.objects.values_list("serial", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert NoticeCounter.objects.get(kind="urging").last == 6


def test_a_failed_issue_gives_its_number_back():
    """An issue that fails after taking its number rolls the number back: the next one is 1."""
    province = build_province()
    task = province.in_progress()

    def failing():  # type: ignore[no-untyped-def]
        with transaction.atomic():
            issue_notice(province.supervisor, Task.objects.get(pk=task.pk), kind="assignment", text="交办")
            raise RuntimeError("the document store is down")

    results = run(failing)
    assert isinstance(results[0], RuntimeError)
    assert issue_notice(province.supervisor, Task.objects.get(pk=task.pk), kind="assignment",
                        text="交办").serial == 1
