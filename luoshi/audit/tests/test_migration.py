"""Migration audit 0002 moves a SHA-256 chain (as 0001 wrote it) to the keyed chain: it checks the
old chain first and leaves the events to the first seal, which chains them in their old order."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from luoshi.audit.services import seal_pending, verify_chain

pytestmark = pytest.mark.django_db(transaction=True)
OLD, NEW = [("audit", "0001_initial")], [("audit", "0002_keyed_chain")]


def _migrate(target: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor


def _write_old_chain(apps, count: int, *, break_at: int | None = None) -> list[int]:  # type: ignore[no-untyped-def]
    """Events chained exactly as audit 0001's record_event did."""
    AuditEvent, AuditHead = apps.get_model("audit", "AuditEvent"), apps.get_model("audit", "AuditHead")
    prev, ids = "0" * 64, []
    for n in range(count):
        event = AuditEvent.objects.create(
            created_at=dt.datetime(2026, 1, 1, 8, n, tzinfo=dt.UTC), actor_label="system", verb="rename_unit",
            object_type="units.unit", object_id=str(n), before=None, after={"name": f"单位{n}"},
            prev_hash=prev, hash=f"pending-{n}")
        event.refresh_from_db()
        payload = {"id": event.pk, "created_at": event.created_at.isoformat(), "actor_id": None,
                   "actor_label": "system", "verb": "rename_unit", "object_type": "units.unit",
                   "object_id": str(n), "before": None, "after": event.after}
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256((prev + canonical).encode()).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(hash=digest if n != break_at else "f" * 64)
        prev = digest
        ids.append(event.pk)
    AuditHead.objects.update_or_create(pk=1, defaults={"last_hash": prev, "last_id": ids[-1], "count": count})
    return ids


def test_an_intact_sha256_chain_moves_to_the_keyed_chain():
    """Checked, migrated, then sealed in the old order: verify says OK."""
    executor = _migrate(OLD)
    ids = _write_old_chain(executor.loader.project_state(OLD).apps, 5)
    _migrate(NEW)
    from luoshi.audit.models import AuditEvent

    assert AuditEvent.objects.filter(seq__isnull=True).count() == 5
    assert seal_pending() == 5
    assert list(AuditEvent.objects.order_by("seq").values_list("id", flat=True)) == ids
    assert verify_chain().ok


def test_a_broken_sha256_chain_stops_the_migration():
    """A chain already broken is not silently re-sealed under the key: the migration names the event."""
    executor = _migrate(OLD)
    ids = _write_old_chain(executor.loader.project_state(OLD).apps, 5, break_at=2)
    with pytest.raises(RuntimeError, match=f"broken at event #{ids[2]}"):
        _migrate(NEW)
    _migrate(OLD)  # the failed migration was rolled back: leave the database as the suite expects
    executor = MigrationExecutor(connection)
    executor.loader.project_state(OLD).apps.get_model("audit", "AuditEvent").objects.all().delete()
    executor.loader.project_state(OLD).apps.get_model("audit", "AuditHead").objects.all().delete()
    _migrate(NEW)
