"""Crash safety with real processes: a bulk operation killed with SIGKILL in the middle of its
transaction leaves the database as it was, and the daily pass resumes without duplicates.

Each test runs `python -m luoshi.security_tests.crash_child` against the test database (SQLite
file or PostgreSQL, whichever the suite runs on), makes it stop inside its transaction, kills
it, and reads what is left from here.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, transaction

from luoshi import lib
from luoshi.audit.models import AuditEvent, AuditHead
from luoshi.audit.services import verify_chain
from luoshi.ledgers import services as ledgers
from luoshi.ledgers.models import LedgerImport
from luoshi.ledgers.tests.helpers import HEADERS, upload
from luoshi.notifications.models import Notification
from luoshi.security_tests.crash_child import PASS_BATCH
from luoshi.supervision.models import Claim, Reminder
from luoshi.supervision.services import run_daily_pass
from luoshi.tasks.models import Escalation, Task, Urge
from luoshi.testing.fixtures import build_province

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 60


def child(*args: str, pause_at: Path | None = None) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "luoshi.security_tests.crash_child", *args]
    if pause_at is not None:
        command += ["--pause-at", str(pause_at)]
    env = os.environ | {"LUOSHI_CRASH_DATABASE_NAME": str(connection.settings_dict["NAME"])}
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603


def wait_for_pause(process: subprocess.Popen[str], signal_file: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not signal_file.exists():
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the child ended (code {process.returncode}) before pausing:\n{out}\n{err}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the child did not reach its pause in time")
        time.sleep(0.05)


def kill(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == -signal.SIGKILL


def finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 0, f"the child failed:\n{out}\n{err}"
    return out


def database_state() -> dict[str, Any]:
    """Rows per table, and the head of the audit chain: what "as it was" means here."""
    tables = set(connection.introspection.table_names())
    state: dict[str, Any] = {model._meta.label: model.objects.count() for model in apps.get_models()
                             if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables}
    state["audit head"] = list(AuditHead.objects.values_list("count", "last_mac", "signature"))
    state["sealed events"] = AuditEvent.objects.filter(seq__isnull=False).count()
    return state


def test_it_leaves_the_database_as_it_was_when_an_import_is_killed(tmp_path):
    """An import killed after writing every task, report and audit event, uncommitted, leaves no trace."""
    province = build_province()
    rows = [HEADERS] + [[n, f"落实第{n}项安全生产措施", "省应急管理厅", "沈阳市", "张三", "2030-06-30",
                         "已部署" if n % 2 else "", f"{n % 100}%", "推进中"] for n in range(1, 301)]
    ledger = ledgers.upload_ledger(province.supervisor, upload(rows))
    assert not ledger.checked["errors"]
    before = database_state()

    pause = tmp_path / "paused"
    process = child("import", str(ledger.pk), f"--token={ledger.token}", pause_at=pause)
    wait_for_pause(process, pause)
    assert database_state() == before  # written inside the child's open transaction, not here yet
    kill(process)

    assert database_state() == before
    assert verify_chain().ok
    assert LedgerImport.objects.get(pk=ledger.pk).state != LedgerImport.State.IMPORTED
    # Nothing is stuck: the same confirmation imports everything afterwards.
    assert finish(child("import", str(ledger.pk), f"--token={ledger.token}")).strip() == "imported 300"
    assert Task.objects.filter(title__startswith="落实第").count() == 300
    assert AuditEvent.objects.filter(verb="import_task").count() == 300
    assert verify_chain().ok


def test_it_loses_nothing_when_the_sealer_is_killed_mid_seal(tmp_path, settings):
    """Issue 23: a sealer killed after numbering and chaining a batch, before its commit, leaves the
    events unsealed and the head as it was; the next seal chains every one of them."""
    settings.LUOSHI_AUDIT_SEAL_ON_COMMIT = False
    build_province()
    pending = AuditEvent.objects.filter(seq__isnull=True).count()
    assert pending >= 20
    before = database_state()

    pause = tmp_path / "paused"
    process = child("seal", pause_at=pause)
    wait_for_pause(process, pause)
    kill(process)

    assert database_state() == before
    assert AuditEvent.objects.filter(seq__isnull=True).count() == pending
    assert finish(child("seal")).strip() == f"sealed {pending}"
    assert verify_chain(seal=False).ok
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, pending + 1))


def test_it_loses_nothing_when_the_sealer_is_killed_between_batches(tmp_path, settings):
    """Issue 23: a sealer killed in its third batch of 5 keeps the two batches it committed (the
    head says 10), leaves the rest unsealed, and the next seal chains them on from there."""
    settings.LUOSHI_AUDIT_SEAL_ON_COMMIT = False
    build_province()
    pending = AuditEvent.objects.filter(seq__isnull=True).count()
    assert pending > 15

    pause = tmp_path / "paused"
    process = child("seal", "--batch", "5", "--after", "3", pause_at=pause)
    wait_for_pause(process, pause)
    kill(process)

    assert AuditHead.objects.get(pk=1).count == 10
    assert sorted(AuditEvent.objects.exclude(seq=None).values_list("seq", flat=True)) == list(range(1, 11))
    assert verify_chain(seal=False).ok
    assert finish(child("seal")).strip() == f"sealed {pending - 10}"
    assert verify_chain(seal=False).ok
    assert sorted(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, pending + 1))


def pass_outcome() -> dict[str, Any]:
    """What the daily pass did, per task, comparable between two databases' worth of runs."""
    def counted(model: Any, *fields: str) -> collections.Counter[tuple[Any, ...]]:
        return collections.Counter(model.objects.values_list(*fields))

    return {
        "claims": counted(Claim, "task", "kind", "level", "day"),
        "urges": counted(Urge, "task", "to_unit"),
        "escalations": counted(Escalation, "task", "level"),
        "reminders": counted(Reminder, "task", "kind", "due"),
        "notifications": counted(Notification, "recipient", "task", "kind"),
        "audit": counted(AuditEvent, "verb", "object_type"),
        "lights": dict(Task.objects.values_list("pk", "light")),
    }


def test_the_daily_pass_killed_mid_way_resumes_without_duplicates(tmp_path):
    """Killed inside its second batch (two tasks a batch here), then run again: exactly what
    one clean pass does."""
    province = build_province()
    overdue = [province.in_progress(deadline_days=2, lead=lead)
               for lead in (province.emergency, province.city, province.emergency, province.health,
                            province.county, province.emergency)]
    for _ in range(3):
        province.signed(deadline_days=12)  # due in two days: a deadline reminder
    for _ in range(2):
        province.signed(deadline_days=60, cadence="weekly")  # a weekly report falls due
    day = lib.today() + dt.timedelta(days=10)

    with transaction.atomic():  # the clean single run, rolled back
        with lib.clock_at(day):
            clean = run_daily_pass(batch=PASS_BATCH)
        expected = pass_outcome()
        transaction.set_rollback(True)
    assert clean.urges == len(overdue) and sum(clean.escalations.values()) == len(overdue)
    assert clean.deadline_reminders == 3 and clean.report_reminders == 2 and not clean.errors
    before = database_state()

    pause = tmp_path / "paused"
    process = child("pass", day.isoformat(), "--after", "2", pause_at=pause)
    wait_for_pause(process, pause)
    kill(process)
    done = pass_outcome()
    # Mid-way indeed: the first batch's two tasks urged and escalated, the second batch (its
    # claims, urges, escalations and events) rolled back whole.
    assert sum(1 for key in done["claims"] if key[1] == Claim.Kind.ESCALATION) == 2
    assert len(done["urges"]) == 2 and not done["reminders"]
    assert database_state() != before

    summary = finish(child("pass", day.isoformat()))
    assert "4 already done today" in summary
    assert pass_outcome() == expected
    assert verify_chain().ok
