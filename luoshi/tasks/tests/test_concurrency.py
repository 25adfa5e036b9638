"""Two people writing the same task at once, on two real database connections."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import translation

from luoshi.lib import ConflictError
from luoshi.tasks import services
from luoshi.tasks.models import ProgressReport, Task
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


def test_the_second_writer_of_a_stale_version_gets_a_conflict():
    """Both load version v; the first save wins, the second is refused, nothing is lost."""
    province = build_province()
    task = province.signed()
    loaded_version = task.version
    first_holds_lock, results = threading.Event(), {}

    def first():  # type: ignore[no-untyped-def]
        with transaction.atomic():
            services.update_task(province.supervisor, task, expected_version=loaded_version,
                                 person_responsible="Ms Wang")
            first_holds_lock.set()
            # Keep the row locked while the second writer arrives.
            threading.Event().wait(0.5)
        return "saved"

    def second():  # type: ignore[no-untyped-def]
        first_holds_lock.wait(5)
        return services.update_task(province.supervisor, task, expected_version=loaded_version,
                                    person_responsible="Mr Li")

    threads = [threading.Thread(target=in_thread, args=(first, results, "first")),
               threading.Thread(target=in_thread, args=(second, results, "second"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results["first"] == "saved"
    assert isinstance(results["second"], ConflictError)
    assert "Reload" in str(results["second"])
    task.refresh_from_db()
    assert (task.person_responsible, task.version) == ("Ms Wang", loaded_version + 1)


def test_concurrent_reports_queue_and_both_land():
    """Two reports at once, with no version given, are serialised: neither is lost."""
    province = build_province()
    task = province.signed()
    version = task.version
    start, results = threading.Barrier(2), {}

    def report(progress):  # type: ignore[no-untyped-def]
        def work():  # type: ignore[no-untyped-def]
            start.wait(5)
            return services.report_progress(province.liaison, task, text=f"at {progress}", progress=progress)
        return work

    threads = [threading.Thread(target=in_thread, args=(report(p), results, p)) for p in (30, 60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert all(isinstance(r, ProgressReport) for r in results.values()), results
    task.refresh_from_db()
    assert ProgressReport.objects.filter(task=task).count() == 2
    assert task.version == version + 2
    assert task.progress in {30, 60}


def test_it_runs_on_a_real_server_in_ci():
    """On PostgreSQL these tests use two server connections; on SQLite two file handles."""
    assert connection.vendor in {"postgresql", "sqlite"}
    assert Task.objects.count() == 0
