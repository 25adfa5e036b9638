"""The hash-chained audit trail and `luoshi audit verify`."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import translation

from luoshi.audit.models import AuditEvent
from luoshi.audit.services import verify_chain


def run_verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def test_every_service_call_is_chained(province):
    """Each event links to the one before it."""
    province.in_progress()
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) > 10
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    assert verify_chain().ok


def test_it_prints_ok_on_an_intact_chain(province):
    """verify prints OK and the number of events."""
    assert run_verify().startswith("OK: ")


def test_it_names_a_changed_event(province):
    """Editing an event's content in the database is found at that event."""
    victim = AuditEvent.objects.order_by("id")[3]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET verb = %s WHERE id = %s", ["tampered", victim.pk])
    report = verify_chain()
    assert (report.ok, report.broken_event_id) == (False, victim.pk)
    with pytest.raises(CommandError, match=f"BROKEN at event #{victim.pk}"):
        run_verify()


def test_it_names_the_event_after_a_deleted_one(province):
    """Deleting an event breaks the link of the next one."""
    events = list(AuditEvent.objects.order_by("id"))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    with translation.override("en"):
        report = verify_chain()
    assert (report.ok, report.broken_event_id) == (False, events[3].pk)
    assert "removed or reordered" in report.problem


def test_it_notices_the_newest_event_deleted(province):
    """Deleting the last event is caught by the chain head."""
    last = AuditEvent.objects.order_by("-id").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    with translation.override("en"):
        report = verify_chain()
    assert not report.ok and "missing" in report.problem


def test_it_names_reordered_events(province):
    """Swapping two events' contents in place is found at the first of them."""
    first, second = list(AuditEvent.objects.order_by("id"))[4:6]
    with connection.cursor() as cursor:
        # Whole rows, hashes included, trade places: second takes first's id and back.
        cursor.execute("UPDATE audit_auditevent SET id = %s WHERE id = %s", [-1, first.pk])
        cursor.execute("UPDATE audit_auditevent SET id = %s WHERE id = %s", [first.pk, second.pk])
        cursor.execute("UPDATE audit_auditevent SET id = %s WHERE id = %s", [second.pk, -1])
    report = verify_chain()
    assert (report.ok, report.broken_event_id) == (False, first.pk)


def test_a_failed_service_call_leaves_no_event(province):
    """An error rolls back the change and its audit event together."""
    from luoshi.lib import TransitionError
    from luoshi.tasks.services import sign_task

    task = province.draft()
    count = AuditEvent.objects.count()
    with pytest.raises(TransitionError):
        sign_task(province.liaison, task)
    assert AuditEvent.objects.count() == count
    assert verify_chain().ok


def test_bulk_appends_interleave_with_single_ones(province):
    """record_events reserves its ids under the head lock and hashes before it inserts: the
    chain stays whole between single appends, and the head names the newest event."""
    from django.db import transaction

    from luoshi.audit.models import AuditHead
    from luoshi.audit.services import record_event, record_events

    unit = province.root
    with transaction.atomic():
        record_event(None, "rename_unit", unit, after={"n": 0})
        assert record_events(None, "rename_unit", [(unit, {"n": i}) for i in range(1, 4)]) == 3
        record_event(None, "rename_unit", unit, after={"n": 4})
        assert record_events(None, "rename_unit", []) == 0
    newest = list(AuditEvent.objects.order_by("-id")[:5])[::-1]
    assert [event.after for event in newest] == [{"n": n} for n in range(5)]
    assert all(event.hash == event.compute_hash() for event in newest)
    head = AuditHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash) == (newest[-1].pk, newest[-1].hash)
    assert verify_chain().ok

