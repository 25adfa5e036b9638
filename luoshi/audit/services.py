"""Writing and verifying the hash-chained audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import F

from luoshi import lib
from luoshi.audit.models import GENESIS, AuditEvent, AuditHead


def _label(actor: object | None) -> str:
    return "system" if actor is None else str(getattr(actor, "username", actor))


def record_event(
    actor: object | None,
    verb: str,
    obj: models.Model,
    *,
    before: object = None,
    after: object = None,
) -> AuditEvent:
    """Append one event to the chain. Call it inside the transaction of the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change")
    # The UPDATE takes the head row's write lock first (row lock on PostgreSQL, the
    # database lock on SQLite), so two appends can never read the same previous hash.
    AuditHead.objects.get_or_create(pk=1)
    AuditHead.objects.filter(pk=1).update(count=F("count") + 1)
    head = AuditHead.objects.get(pk=1)
    event = AuditEvent.objects.create(
        created_at=lib.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_label(actor),
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=lib.jsonable(before),
        after=lib.jsonable(after),
        prev_hash=head.last_hash,
        hash="pending",
    )
    # Hash what the database holds, so verification recomputes exactly the same bytes.
    event.refresh_from_db()
    event.hash = event.compute_hash()
    AuditEvent.objects.filter(pk=event.pk).update(hash=event.hash)
    AuditHead.objects.filter(pk=1).update(last_hash=event.hash, last_id=event.pk)
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_event_id: int | None = None
    problem: str = ""


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("id").iterator(chunk_size=2000)


def verify_chain() -> ChainReport:
    """Walk the chain from its start; name the first event that does not fit."""
    prev_hash, checked = GENESIS, 0
    for event in _events():
        if event.prev_hash != prev_hash:
            return ChainReport(False, checked, event.pk,
                               "its link to the previous event is broken (an event was removed or reordered)")
        if event.compute_hash() != event.hash:
            return ChainReport(False, checked, event.pk, "its content does not match its hash (it was changed)")
        prev_hash = event.hash
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    expected = head.last_hash if head else GENESIS
    if expected != prev_hash:
        return ChainReport(False, checked, head.last_id if head else None,
                           "the newest events are missing (the chain ends early)")
    return ChainReport(True, checked)
