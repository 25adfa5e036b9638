"""`luoshi lights` beside writers, on two real PostgreSQL connections: a task write held open
while the lights are recomputed blocks neither the lights nor any other writer."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import translation

from luoshi import lib
from luoshi.tasks import counts, relight, services
from luoshi.tasks.models import Task
from luoshi.testing.fixtures import build_province

pytestmark = pytest.mark.django_db(transaction=True)


def _postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks, SKIP LOCKED and lock_timeout: SQLite serialises every writer anyway, "
                    "so there is no writer to spare (run with DATABASE_URL=postgres://…)")


def test_a_write_held_open_during_lights_blocks_no_one():
    """A liaison's report on one task stays uncommitted while the lights pass runs. The pass
    finishes without waiting for it (the held task is left to its writer), and a second write,
    made while the first is still open and under a 100 ms lock timeout, is not blocked: the
    pass holds no lock anyone waits for longer than that."""
    _postgresql()
    province = build_province()
    others = [province.signed(deadline_days=1) for _ in range(5)]  # red the day after tomorrow
    # The highest id (a pass in id order meets it last), in another unit and no priority area:
    # the open write holds the count rows of its keys, which the pass would otherwise wait for
    # (LOCK_WAIT_MS) and give way to.
    held = province.signed(province.health, deadline_days=1)
    held.priority_areas.clear()
    counts.rebuild()  # the areas were cleared past the services, which keep the counts
    later = lib.today() + dt.timedelta(days=3)
    holding, go_on = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def writer() -> None:
        try:
            with translation.override("en"), transaction.atomic():
                services.report_progress(province.liaison_of(held), held, text="halfway", progress=50)
                holding.set()
                go_on.wait(30)
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '100ms'")
                started = time.monotonic()
                # Moves the counts of the same unit, status and light the pass moved.
                services.report_progress(province.liaison_of(others[0]), others[0], text="started", progress=5)
                results["second write"] = time.monotonic() - started
        except Exception as error:  # noqa: BLE001 - the test inspects whatever happened
            results["writer"] = error
        finally:
            connections.close_all()

    def lights() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                results["pid"] = cursor.fetchone()[0]
            results["lights"] = relight.refresh(later)
            results["lights done while the write was open"] = not go_on.is_set()
        except Exception as error:  # noqa: BLE001
            results["lights"] = error
        finally:
            connections.close_all()

    write = threading.Thread(target=writer)
    write.start()
    assert holding.wait(30)
    run = threading.Thread(target=lights)
    run.start()
    run.join(20)  # the old pass waited here for the open write, holding the rows it had updated
    go_on.set()
    write.join(30)
    run.join(30)
    assert "writer" not in results, results.get("writer")
    assert results["lights done while the write was open"] is True
    done = results["lights"]
    assert isinstance(done, relight.Relit), done
    assert done.busy == 1  # the held task, left to its writer
    assert done.changed == len(others)
    assert Task.objects.get(pk=others[1].pk).light == "red"
    assert counts.drift() == {}


def test_the_command_recomputes_and_reports(capsys):
    """`luoshi lights` (the tasks app's command) turns an overdue task red and says so."""
    province = build_province()
    task = province.signed(deadline_days=1)
    with lib.clock_at(lib.today() + dt.timedelta(days=3)):
        call_command("lights", "--quiet")
    assert "1 lights changed" in capsys.readouterr().out
    assert Task.objects.get(pk=task.pk).light == "red"
    assert counts.drift() == {}
