"""Writing, sealing and verifying the keyed audit trail (design: luoshi/audit/chain.py)."""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from luoshi import lib
from luoshi.accounts.models import User
from luoshi.audit import chain
from luoshi.audit.models import AuditCheck, AuditEvent, AuditHead, JSONText

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

logger = logging.getLogger("luoshi.audit")


def _label(actor: User | AnonymousUser | None) -> str:
    return "system" if actor is None else str(getattr(actor, "username", actor))


def record_event(
    actor: User | AnonymousUser | None,
    verb: str,
    obj: models.Model,
    *,
    before: object = None,
    after: object = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Add one event to the trail: a single INSERT in the transaction of the change, which takes
    no lock that other writers wait for. The sealer chains it after the commit. `actor_label`
    names an actor who is no account (the name typed at a failed sign-in)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the transaction of the change")
    event = AuditEvent.objects.create(
        created_at=lib.now(),
        actor=actor if isinstance(actor, User) and actor.pk else None,
        actor_label=(actor_label if actor_label is not None else _label(actor))[:200],
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=lib.jsonable(before),
        after=lib.jsonable(after),
    )
    _seal_after_commit()
    return event


def _insert(events: list[AuditEvent]) -> None:
    """One COPY on PostgreSQL: bulk_create's array parameters (quoted in Python, value by
    value) cost more there than building the events; bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create(events, batch_size=1000)
        return
    fields = [f for f in AuditEvent._meta.concrete_fields if f.attname not in {"id", "seq"}]
    as_json = {f.attname: f for f in fields if isinstance(f, JSONText)}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {quote(AuditEvent._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for event in events:
            copy.write_row([as_json[name].get_prep_value(value) if name in as_json else value
                            for name, value in ((f.attname, getattr(event, f.attname)) for f in fields)])


def record_events(
    actor: User | AnonymousUser | None,
    verb: str,
    items: Sequence[tuple[models.Model, object]],
) -> int:
    """Add one event per (object, after) in one bulk insert (COPY on PostgreSQL), for bulk work
    such as a ledger import, the daily pass or the generator. Call it inside the transaction of
    the change; the sealer chains the events after the commit, like single ones."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_events must run inside the transaction of the change")
    if not items:
        return 0
    created_at = lib.now()
    actor_id = actor.pk if isinstance(actor, User) and actor.pk else None
    label = _label(actor)
    _insert([AuditEvent(created_at=created_at, actor_id=actor_id, actor_label=label, verb=verb,
                        object_type=obj._meta.label_lower, object_id=str(obj.pk), before=None,
                        after=lib.jsonable(after)) for obj, after in items])
    _seal_after_commit()
    return len(items)


# --- sealing ---------------------------------------------------------------------------------------


_sealing_deferred: contextvars.ContextVar[bool] = contextvars.ContextVar("audit_sealing_deferred", default=False)


def _seal_after_commit() -> None:
    if settings.LUOSHI_AUDIT_SEAL_ON_COMMIT and not _sealing_deferred.get():
        transaction.on_commit(_seal_quietly)


@contextmanager
def sealing_deferred() -> Iterator[None]:
    """For work of many small transactions (the daily pass): with sealing on commit, seal once at
    the end instead of after every transaction. Also a decorator."""
    token = _sealing_deferred.set(True)
    try:
        yield
    finally:
        _sealing_deferred.reset(token)
    if settings.LUOSHI_AUDIT_SEAL_ON_COMMIT and not _sealing_deferred.get():
        transaction.on_commit(_seal_quietly)  # at once outside a transaction


def _seal_quietly() -> None:
    # Several events of one transaction each ask; the first seals them all, the rest find nothing.
    # The change is committed already: a sealing problem is logged (verify reports it), never
    # turned into an error page for a write that succeeded.
    try:
        if AuditEvent.objects.filter(seq__isnull=True).exists():
            seal_pending()
    except Exception:
        logger.exception("sealing the audit trail after a commit failed")


def _signed_head(key: bytes, count: int, last_mac: str) -> str:
    return chain.sign(key, "head", count, last_mac)


def seal_pending(*, batch: int = chain.SEAL_BATCH, max_batches: int | None = None) -> int:
    """Number and chain every committed unsealed event, in id order, `batch` events per short
    transaction that holds the head's lock. Returns how many were sealed. Run by the worker every
    LUOSHI_AUDIT_SEAL_SECONDS, by `luoshi audit seal`, before every verification and backup, and
    after each commit when LUOSHI_AUDIT_SEAL_ON_COMMIT."""
    key = chain.audit_key()
    sealed, batches = 0, 0
    head = None
    while max_batches is None or batches < max_batches:
        with transaction.atomic():
            AuditHead.objects.get_or_create(pk=1)
            head = AuditHead.objects.select_for_update().get(pk=1)
            if head.signature and not _valid_head(key, head) or (
                    not head.signature and AuditEvent.objects.filter(seq__isnull=False).exists()):
                # Never extend a head someone rewrote or deleted: verification must see the break.
                raise lib.ConflictError(_("The audit chain head was altered; run luoshi audit verify."))
            with connection.cursor() as cursor:
                count, last_mac, done = chain.seal_batch(cursor, connection.vendor, key, head.count, head.last_mac, batch)
            if done:
                head.count, head.last_mac, head.sealed_at = count, last_mac, lib.now()
                head.signature = _signed_head(key, count, last_mac)
                head.save(update_fields=["count", "last_mac", "sealed_at", "signature"])
        sealed += done
        batches += 1
        if done < batch:
            break
        if batches == 1 and connection.vendor == "postgresql":
            # A backlog (the first seal after the migration, a bulk load): without fresh statistics
            # the planner may fetch every unsealed row to sort them for each batch, which made
            # sealing 3 M events quadratic; with them it walks the partial index in id order.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {AuditEvent._meta.db_table}")
    # After the commit (callers never hold a transaction open around this; tests do, each with
    # its own anchor file): a local anchor ahead of the database would be a false alarm.
    if sealed and head is not None and head.sealed_at is not None:
        chain.write_local_anchor(chain.Anchor.of(key, head.count, head.last_mac, head.sealed_at.isoformat()))
    return sealed


def _valid_head(key: bytes, head: AuditHead) -> bool:
    import hmac

    return hmac.compare_digest(head.signature, _signed_head(key, head.count, head.last_mac))


def current_anchor() -> chain.Anchor:
    """The signed head, to keep off-site (`luoshi audit anchor`). Seals what is pending first."""
    seal_pending()
    key = chain.audit_key()
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or head.count == 0:
        return chain.Anchor.of(key, 0, chain.GENESIS, lib.now().isoformat())
    if not _valid_head(key, head):
        raise lib.ConflictError(_("The audit chain head was altered; run luoshi audit verify."))
    return chain.Anchor.of(key, head.count, head.last_mac, head.sealed_at.isoformat() if head.sealed_at else "")


def send_anchor(url: str) -> chain.Anchor:
    """POST the signed head (JSON) to `url`: a receiver kept off-site, e.g. by the audit
    administrator. The URL passes the webhook rules (HTTPS, no internal address: docs/security.md)."""
    from luoshi.notifications.targets import post

    anchor = current_anchor()
    try:
        status, _answer = post(url, anchor.dumps().encode(), {"Content-Type": "application/json"},
                               settings.LUOSHI_WEBHOOK_TIMEOUT)
    except OSError as error:
        raise lib.ConflictError(_("The anchor could not be sent to %(url)s: %(error)s") % {"url": url, "error": error}) from None
    if not 200 <= status < 300:
        raise lib.ConflictError(_("The anchor could not be sent to %(url)s: %(error)s") % {"url": url, "error": f"HTTP {status}"})
    return anchor


# --- verifying -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_event_id: int | None = None
    problem: str = ""
    broken_seq: int | None = None
    sealed: int = 0
    unsealed: int = 0
    oldest_unsealed: dt.datetime | None = None
    head_mac: str = chain.GENESIS


# Business tables that are never written without an audit event: rows there beside an empty
# trail mean the trail was wiped.
AUDITED_MODELS = ("accounts.User", "units.Unit", "meetings.Meeting", "tasks.Task")


def _unaudited_rows() -> list[str]:
    return [label for label in AUDITED_MODELS if apps.get_model(label)._default_manager.exists()]


def verify_chain(
    *,
    seal: bool = True,
    since: chain.Anchor | None = None,
    anchors: Sequence[chain.Anchor] = (),
    progress: Callable[[int, int], None] | None = None,
) -> ChainReport:
    """Check the sealed trail: every number from 1 to the head's count present once and in order,
    every MAC, the signed head, the anchors it must extend (the sealer's local one, and any given),
    and that a trail is there at all when the business tables hold rows. With `since`, the walk
    starts at that anchor instead of the first event. `progress(done, total)` is called per chunk.
    Reports the unsealed tail (events not yet chained) with its count and oldest time."""
    if seal:
        try:
            seal_pending()
        except lib.ConflictError:
            pass  # an altered head: the checks below name it
    key = chain.audit_key()
    head = AuditHead.objects.filter(pk=1).first()
    tail = AuditEvent.objects.filter(seq__isnull=True).aggregate(n=models.Count("id"), oldest=models.Min("created_at"))
    unsealed = {"unsealed": tail["n"], "oldest_unsealed": tail["oldest"]}

    def broken(problem: str, checked: int = 0, event_id: int | None = None, seq: int | None = None) -> ChainReport:
        return ChainReport(False, checked, event_id, problem, seq, head.count if head else 0, **unsealed)

    if head is None or (head.count == 0 and not head.signature):
        if AuditEvent.objects.filter(seq__isnull=False).exists():
            return broken(_("the chain head is missing (it was deleted)"))
        head = None
    elif not _valid_head(key, head):
        return broken(_("the chain head does not carry a valid signature (it was altered, or the audit key is wrong)"))
    count, last_mac = (head.count, head.last_mac) if head else (0, chain.GENESIS)
    if count == 0 and (rows := _unaudited_rows()):
        return broken(_("the audit trail is empty while %(tables)s hold rows (the trail was wiped)")
                      % {"tables": ", ".join(rows)})
    local = chain.read_local_anchor()
    with connection.cursor() as cursor:
        for anchor, name in [*((a, _("the given anchor")) for a in anchors), (local, _("the sealer's local anchor"))]:
            if anchor is None:
                continue
            if not anchor.valid(key):
                return broken(_("%(name)s does not carry a valid signature (it was altered, or the audit key is wrong)")
                              % {"name": name})
            if anchor.seq > count or chain.mac_at(cursor, anchor.seq) != anchor.mac:
                return broken(_("the trail no longer extends %(name)s (event %(seq)s): events were removed or "
                                "the trail was rolled back") % {"name": name, "seq": anchor.seq}, seq=anchor.seq)
        start_seq, start_mac = 0, chain.GENESIS
        if since is not None:
            if not since.valid(key):
                return broken(_("the anchor to start from does not carry a valid signature"))
            if since.seq > count or chain.mac_at(cursor, since.seq) != since.mac:
                return broken(_("the trail no longer extends the anchor to start from (event %(seq)s)")
                              % {"seq": since.seq}, seq=since.seq)
            start_seq, start_mac = since.seq, since.mac
        total = count - start_seq
        # The driver's own cursor: the next chunk is read in a thread while this one is checked.
        walked = chain.walk(cursor.cursor, connection.vendor, key, start_seq=start_seq, start_mac=start_mac,
                            progress=(lambda done: progress(done - start_seq, total)) if progress else None,
                            prefetch=True)
    if walked.problem == "gap":
        return broken(_("its link to the previous event is broken (an event was removed or reordered)"),
                      walked.checked, walked.broken_event_id, walked.broken_seq)
    if walked.problem == "mac":
        return broken(_("its content does not match its MAC (it was changed)"),
                      walked.checked, walked.broken_event_id, walked.broken_seq)
    if walked.last_seq < count or walked.last_mac != last_mac:
        return broken(_("the newest events are missing (the chain ends early)"), walked.checked, seq=walked.last_seq + 1)
    if walked.last_seq > count:
        return broken(_("there are sealed events beyond the chain head"), walked.checked, seq=count + 1)
    return ChainReport(True, walked.checked, sealed=count, head_mac=last_mac, **unsealed)


# --- the chain check from the web page (a background job with progress) ---------------------------


@transaction.atomic
def start_chain_check(user: User) -> AuditCheck:
    """Record a chain check for the audit administrator; the caller queues the job
    (`jobs.run_chain_check`) once this has committed, and the page polls its progress."""
    if not may_read_audit(user):
        raise lib.Forbidden(_("Only the audit administrator reads the audit trail."))
    check = AuditCheck.objects.create(started_by=user, started_at=lib.now(),
                                      total=AuditEvent.objects.count())
    record_event(user, "verify_audit", check, after={"check": check.pk})
    return check


def run_chain_check_now(check_id: int) -> AuditCheck:
    """The job's body: seal, walk with progress written to the check every chunk, store the result."""
    check = AuditCheck.objects.get(pk=check_id)
    AuditCheck.objects.filter(pk=check_id).update(state=AuditCheck.State.RUNNING)
    seal_pending()
    total = AuditHead.objects.filter(pk=1).values_list("count", flat=True).first() or 0
    AuditCheck.objects.filter(pk=check_id).update(total=total)

    def progress(done: int, _total: int) -> None:
        AuditCheck.objects.filter(pk=check_id).update(checked=done)

    try:
        report = verify_chain(seal=False, progress=progress)
        ok, message = report.ok, describe(report)
    except Exception as error:  # the page must end, whatever happened
        ok, message = False, f"{type(error).__name__}: {error}"
        report = None
    AuditCheck.objects.filter(pk=check_id).update(
        state=AuditCheck.State.DONE, finished_at=lib.now(), ok=ok, message=message,
        checked=report.checked if report else 0)
    check.refresh_from_db()
    return check


def describe(report: ChainReport) -> str:
    """The report in one sentence for people (the web page, the CLI)."""
    if report.ok:
        text = _("The audit chain is intact: %(n)s events checked.") % {"n": report.checked}
    elif report.broken_event_id is not None:
        text = _("The audit chain is BROKEN at event #%(id)s (sequence %(seq)s): %(problem)s. "
                 "%(n)s events before it are intact.") % {
            "id": report.broken_event_id, "seq": report.broken_seq, "problem": report.problem, "n": report.checked}
    else:
        text = _("The audit chain is BROKEN: %(problem)s.") % {"problem": report.problem}
    if report.unsealed:
        text += " " + _("%(n)s newer events are not sealed yet (the oldest from %(time)s).") % {
            "n": report.unsealed, "time": report.oldest_unsealed.isoformat(timespec="seconds")
            if report.oldest_unsealed else "?"}
    return text


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
def note_audit_read(user: User, verb: str, details: dict[str, object]) -> None:
    """Put the audit administrator's own reading on the trail: `read_audit` for a page,
    `export_audit` for an export, `verify_audit` for a chain check."""
    if verb not in {"read_audit", "export_audit", "verify_audit"}:
        raise ValueError(verb)
    if not may_read_audit(user):
        raise lib.Forbidden(_("Only the audit administrator reads the audit trail."))
    record_event(user, verb, AuditHead(pk=1), after=details)
