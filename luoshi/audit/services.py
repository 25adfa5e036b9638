"""Writing and verifying the hash-chained audit trail."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

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
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Call it inside the transaction of the change.
    `actor_label` names an actor who is no account (the name typed at a failed sign-in)."""
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
        actor_label=(actor_label if actor_label is not None else _label(actor))[:200],
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
                               _("its link to the previous event is broken (an event was removed or reordered)"))
        if event.compute_hash() != event.hash:
            return ChainReport(False, checked, event.pk, _("its content does not match its hash (it was changed)"))
        prev_hash = event.hash
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    expected = head.last_hash if head else GENESIS
    if expected != prev_hash:
        return ChainReport(False, checked, head.last_id if head else None,
                           _("the newest events are missing (the chain ends early)"))
    return ChainReport(True, checked)


def _insert(events: list[AuditEvent]) -> None:
    """One COPY on PostgreSQL: bulk_create's array parameters (quoted in Python, value by
    value) cost more there than hashing the events; bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(events, batch_size=1000)
        return
    fields = AuditEvent._meta.concrete_fields
    as_json = {f.attname for f in fields if isinstance(f, models.JSONField)}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {quote(AuditEvent._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for event in events:
            copy.write_row([json.dumps(value) if name in as_json and value is not None else value
                            for name, value in ((f.attname, getattr(event, f.attname)) for f in fields)])


def record_events(
    actor: object | None,
    verb: str,
    items: Sequence[tuple[models.Model, object]],
) -> int:
    """Append one event per (object, after) to the chain in one bulk insert instead of seven
    statements per event, for bulk work such as a ledger import. The ids are reserved under
    the head row's lock, so every hash is known before the insert; the chain is exactly what
    `record_event` would have written one by one. Call it inside the transaction of the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_events must run inside the transaction of the change")
    if not items:
        return 0
    AuditHead.objects.get_or_create(pk=1)
    AuditHead.objects.filter(pk=1).update(count=F("count") + len(items))  # takes the write lock first
    head = AuditHead.objects.get(pk=1)
    created_at = lib.now()
    actor_id = actor.pk if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]
    label = _label(actor)
    prev_hash = head.last_hash
    events = []
    for event_id, (obj, after) in zip(lib.reserve_ids(AuditEvent, len(items)), items, strict=True):
        event = AuditEvent(
            id=event_id, created_at=created_at, actor_id=actor_id, actor_label=label, verb=verb,
            object_type=obj._meta.label_lower, object_id=str(obj.pk), before=None, after=lib.jsonable(after),
            prev_hash=prev_hash,
        )
        event.hash = prev_hash = event.compute_hash()
        events.append(event)
    _insert(events)
    AuditHead.objects.filter(pk=1).update(last_hash=prev_hash, last_id=events[-1].pk)
    return len(events)


# --- reading the trail (the audit administrator) -------------------------------------------------
# The trail is kept for good (at least 180 days, docs/security.md): nothing here or anywhere
# else deletes or edits an event; luoshi/audit/tests/test_retention.py keeps it that way.


def may_read_audit(user: object) -> bool:
    """Only the audit administrator (审计管理员) reads the audit trail."""
    from luoshi.accounts.models import User

    return isinstance(user, User) and user.is_active and user.role == User.Role.AUDIT_ADMIN


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    verb: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_dict(self) -> dict[str, object]:
        return {key: value for key, value in vars(self).items() if value not in ("", None)}


def audit_events(filters: AuditFilters) -> models.QuerySet[AuditEvent]:
    """The events that match, newest first (no query runs until the caller slices)."""
    from django.utils import timezone

    events = AuditEvent.objects.order_by("-id")
    if filters.actor:
        events = events.filter(actor_label=filters.actor)
    if filters.verb:
        events = events.filter(verb=filters.verb)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    zone = timezone.get_current_timezone()
    if filters.date_from:
        events = events.filter(created_at__gte=dt.datetime.combine(filters.date_from, dt.time(), zone))
    if filters.date_to:
        end = filters.date_to + dt.timedelta(days=1)
        events = events.filter(created_at__lt=dt.datetime.combine(end, dt.time(), zone))
    return events


@transaction.atomic
def note_audit_read(user: object, verb: str, details: dict[str, object]) -> None:
    """Put the audit administrator's own reading on the trail: `read_audit` for a page,
    `export_audit` for an export, `verify_audit` for a chain check."""
    if verb not in {"read_audit", "export_audit", "verify_audit"}:
        raise ValueError(verb)
    if not may_read_audit(user):
        raise lib.Forbidden(_("Only the audit administrator reads the audit trail."))
    head, _created = AuditHead.objects.get_or_create(pk=1)
    record_event(user, verb, head, after=details)
