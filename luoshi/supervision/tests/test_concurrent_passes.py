"""Two workers running the daily pass at the same moment, on two real PostgreSQL connections:
the claim rows let each message through once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import translation

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.notifications.models import Delivery, DigestClaim, Notification
from luoshi.supervision.models import Claim
from luoshi.supervision.services import PassReport, run_daily_pass
from luoshi.tasks import counts
from luoshi.tasks.models import Escalation, Urge
from luoshi.testing.fixtures import build_province

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_passes_at_once_send_each_message_once():
    """Eight overdue tasks, two passes started together in small batches (so they interleave):
    one urge and one escalation per task, one inbox row per person and task, one audit event
    per action and one digest per person, however the two runs shared the work."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once: SQLite serialises them (run with DATABASE_URL=postgres://…)")
    province = build_province()
    User.objects.filter(pk=province.liaison.pk).update(email="liaison@example.org")
    tasks = [province.signed(deadline_days=1, title=f"整改任务{n}") for n in range(8)]
    later = lib.today() + dt.timedelta(days=4)  # three days overdue: an urge, and escalation level 1
    start, results = threading.Barrier(2), {}
    before = Delivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0  # the assignments' e-mails

    def worker(name: str) -> None:
        try:
            with translation.override("zh-hans"):
                start.wait(10)
                results[name] = run_daily_pass(later, batch=3)
        except Exception as error:  # noqa: BLE001 - the test inspects whatever happened
            results[name] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    reports = [results["a"], results["b"]]
    assert all(isinstance(report, PassReport) for report in reports), reports
    assert sum(report.urges for report in reports) == len(tasks)
    assert sum(report.escalations.get(1, 0) for report in reports) == len(tasks)
    assert not any(report.errors for report in reports)
    assert Urge.objects.count() == Escalation.objects.count() == len(tasks)
    assert Claim.objects.count() == 2 * len(tasks)
    liaison_rows = Notification.objects.filter(recipient=province.liaison, digest_day=later)
    assert liaison_rows.count() == 2 * len(tasks)  # the urge and the level-1 escalation of each task
    assert liaison_rows.values("task", "kind").distinct().count() == 2 * len(tasks)
    assert AuditEvent.objects.filter(verb="urge_task").count() == len(tasks)
    assert AuditEvent.objects.filter(verb="escalate_task").count() == len(tasks)
    digests = Delivery.objects.filter(channel=Delivery.Channel.EMAIL, message__to="liaison@example.org", pk__gt=before)
    assert digests.count() == 1 and DigestClaim.objects.filter(key__startswith=f"user:{province.liaison.pk}:").count() == 1
    assert all(task.title in digests.get().message["body"] for task in tasks)
    assert counts.drift() == {}
