"""The task queue: SQLite by default, Redis when configured; the schedule; `luoshi worker`."""

import contextlib
import datetime as dt
import os
import subprocess
import sys
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage, SqliteStorage

from luoshi import lib
from luoshi.supervision import jobs
from luoshi.tasks.models import Escalation, Urge


@contextlib.contextmanager
def real_queue(storage):  # type: ignore[no-untyped-def]
    """Point the app's queue at `storage` (not immediate) for the test, then put it back."""
    previous_storage, previous_immediate = HUEY.storage, HUEY.immediate
    HUEY.immediate = False
    HUEY.storage = storage
    try:
        yield HUEY
    finally:
        storage.flush_all()
        HUEY.storage = previous_storage
        HUEY._immediate = previous_immediate  # without recreating the in-memory storage


def run_enqueued_pass(province, storage):  # type: ignore[no-untyped-def]
    task = province.in_progress(deadline_days=1)
    with real_queue(storage) as huey, lib.clock_at(task.deadline + dt.timedelta(days=1)):
        jobs.daily_pass()  # enqueue, as the scheduler does
        assert huey.pending_count() == 1 and not Urge.objects.exists()
        message = huey.dequeue()  # what a worker does: read it back from the queue…
        huey.execute(message)  # …and run it
        assert huey.pending_count() == 0
    assert Urge.objects.filter(task=task).count() == 1 and Escalation.objects.filter(task=task).count() == 1


# Transactional: the worker's job closes stale database connections, as in production.
@pytest.mark.django_db(transaction=True)
def test_the_daily_pass_runs_through_the_sqlite_queue(province, tmp_path):
    """Enqueued into the embedded SQLite queue, read back and run by the worker."""
    run_enqueued_pass(province, SqliteStorage(name="luoshi-test", filename=str(tmp_path / "queue.sqlite3")))


def _redis_storage() -> RedisStorage | None:
    import redis

    url = os.environ.get("LUOSHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError):
        return None
    return RedisStorage(name=f"luoshi-test-{uuid.uuid4().hex[:8]}", url=url)


@pytest.mark.django_db(transaction=True)
def test_the_daily_pass_runs_through_redis(province):
    """Enqueued into the real Redis at 127.0.0.1:6379, read back and run by the worker."""
    storage = _redis_storage()
    if storage is None:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    run_enqueued_pass(province, storage)


@pytest.mark.parametrize(("env", "expected"), [({}, "SqliteHuey"),
                                               ({"LUOSHI_REDIS_URL": "redis://127.0.0.1:6379/0"}, "RedisHuey")])
def test_settings_choose_the_queue(env, expected, tmp_path):
    """SQLite in the data directory by default; Redis when LUOSHI_REDIS_URL is set."""
    code = ("import django; django.setup(); from huey.contrib.djhuey import HUEY; "
            "print(type(HUEY).__name__, getattr(HUEY.storage, 'filename', ''))")
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "luoshi.settings", "LUOSHI_DATA_DIR": str(tmp_path), **env}
    environment.pop("LUOSHI_QUEUE_IMMEDIATE", None)  # the test run's own setting
    if not env:
        environment.pop("LUOSHI_REDIS_URL", None)
    result = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    name, _space, filename = result.stdout.strip().partition(" ")
    assert name == expected
    if expected == "SqliteHuey":
        assert filename == str(tmp_path / "queue.sqlite3")


def test_the_pass_is_scheduled_at_half_past_seven_in_shanghai():
    """07:30 Asia/Shanghai is 23:30 UTC the evening before; huey asks with naive UTC times."""
    due = jobs.daily_at(7, 30, "Asia/Shanghai")
    assert due(dt.datetime(2024, 4, 30, 23, 30))
    assert not due(dt.datetime(2024, 5, 1, 7, 30))
    assert not due(dt.datetime(2024, 4, 30, 23, 31))


def test_worker_pass_now_prints_what_it_did(province):
    """`luoshi worker --pass-now --day …` runs one pass in the foreground."""
    task = province.in_progress(deadline_days=1)
    out = StringIO()
    with lib.clock_at(task.deadline + dt.timedelta(days=1)):
        call_command("worker", "--pass-now", "--day", str(task.deadline + dt.timedelta(days=1)), stdout=out)
    assert "1 urges" in out.getvalue() and "level 1: 1" in out.getvalue()


def test_worker_refuses_a_bad_day(db):
    """A day that is not a date is a clear error."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--day must be a date"):
        call_command("worker", "--pass-now", "--day", "tomorrow")


def test_worker_help_has_an_example():
    """`luoshi worker --help` shows an example."""
    result = subprocess.run([sys.executable, "-m", "luoshi", "worker", "--help"], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and "Example: luoshi worker" in result.stdout.replace("\n", " ")
