"""The keyed audit chain, its sealer and `luoshi audit verify` (issue 16 item 7, issue 23)."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import translation

from luoshi.audit import chain
from luoshi.audit.models import AuditEvent, AuditHead
from luoshi.audit.services import (
    current_anchor,
    record_event,
    record_events,
    seal_pending,
    verify_chain,
)


def run_audit(*args: str) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def sealed_events() -> list[AuditEvent]:
    seal_pending()
    return list(AuditEvent.objects.order_by("seq"))


def english_report(**kwargs: object):  # type: ignore[no-untyped-def]
    with translation.override("en"):
        return verify_chain(**kwargs)


def test_a_business_write_only_inserts_its_event(province):
    """record_event is one INSERT: no head row, no lock other writers would wait for."""
    seen: list[str] = []

    def spy(execute, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)
        return execute(statement, *args)

    with transaction.atomic(), connection.execute_wrapper(spy):
        record_event(None, "rename_unit", province.root, after={"n": 1})
    assert len(seen) == 1 and seen[0].startswith("INSERT INTO") and "audit_audithead" not in seen[0]
    assert AuditEvent.objects.order_by("-id").first().seq is None


def test_the_sealer_numbers_events_in_id_order_without_gaps(province):
    """Sealing gives 1, 2, 3 … in id order and the head counts them."""
    province.in_progress()
    events = sealed_events()
    assert len(events) > 10
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.pk for e in events] == sorted(e.pk for e in events)
    head = AuditHead.objects.get(pk=1)
    assert (head.count, head.last_mac) == (len(events), events[-1].mac)
    assert verify_chain().ok


def test_it_prints_ok_on_an_intact_chain(province):
    """verify prints OK and the number of events."""
    assert run_audit("verify").startswith("OK: ")


def test_it_reports_the_unsealed_tail(province):
    """Events written after the last seal are counted with the time of the oldest."""
    seal_pending()
    with transaction.atomic():
        record_event(None, "rename_unit", province.root, after={"n": 1})
        record_event(None, "rename_unit", province.root, after={"n": 2})
    report = verify_chain(seal=False)
    assert report.ok and report.unsealed == 2 and report.oldest_unsealed is not None


def test_verify_no_seal_reports_the_tail_and_its_age(province):
    """`verify --no-seal` leaves the tail unsealed and prints its size and age; plain verify seals it."""
    seal_pending()
    with transaction.atomic():
        record_event(None, "rename_unit", province.root, after={"n": 1})
    out = run_audit("verify", "--no-seal")
    assert out.startswith("OK: ") and "1 newer events not sealed yet" in out and " s ago)" in out
    assert AuditEvent.objects.filter(seq=None).count() == 1
    assert "not sealed" not in run_audit("verify")
    assert not AuditEvent.objects.filter(seq=None).exists()


def test_no_seal_goes_with_verify_only(province):
    """--no-seal with another action is refused with the reason."""
    with pytest.raises(CommandError, match="go with verify"):
        run_audit("seal", "--no-seal")


def test_it_names_a_changed_event(province):
    """Editing an event's content in the database is found at that event."""
    victim = sealed_events()[3]
    sql("UPDATE audit_auditevent SET verb = %s WHERE id = %s", ["tampered", victim.pk])
    report = verify_chain()
    assert (report.ok, report.broken_event_id, report.broken_seq) == (False, victim.pk, victim.seq)
    with pytest.raises(CommandError, match=f"BROKEN at event #{victim.pk}"):
        run_audit("verify")


def test_it_names_a_changed_before_document(province):
    """The before and after documents are covered too."""
    victim = next(e for e in sealed_events() if e.after)
    sql("UPDATE audit_auditevent SET after = %s WHERE id = %s", [json.dumps({"forged": True}), victim.pk])
    assert verify_chain().broken_event_id == victim.pk


def test_it_names_the_event_after_a_deleted_one(province):
    """Deleting an event leaves a gap in the numbers, found at the next one."""
    events = sealed_events()
    sql("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    report = english_report()
    assert (report.ok, report.broken_event_id) == (False, events[3].pk)
    assert "removed or reordered" in report.problem


def test_it_names_reordered_events(province):
    """Two whole events (with their MACs) trading places in the chain are found at the first."""
    first, second = sealed_events()[4:6]
    sql("UPDATE audit_auditevent SET seq = -1 WHERE id = %s", [first.pk])
    sql("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [first.seq, second.pk])
    sql("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [second.seq, first.pk])
    report = verify_chain()
    assert (report.ok, report.broken_seq) == (False, first.seq)


def test_it_names_a_forged_event_that_looks_sealed(province):
    """An event inserted with the next number and a made-up MAC is found at that event; a number
    already used is refused by the database."""
    events = sealed_events()
    last = events[-1]
    sql("INSERT INTO audit_auditevent (created_at, actor_label, verb, object_type, object_id, seq, mac) "
        "SELECT created_at, actor_label, verb, object_type, object_id, %s, %s FROM audit_auditevent WHERE id = %s",
        [last.seq + 1, hashlib.sha256(b"forged").hexdigest(), last.pk])
    report = verify_chain(seal=False)
    assert (report.ok, report.broken_seq) == (False, last.seq + 1)
    with pytest.raises(Exception, match="(?i)unique"), transaction.atomic():
        sql("INSERT INTO audit_auditevent (created_at, actor_label, verb, object_type, object_id, seq, mac) "
            "SELECT created_at, actor_label, verb, object_type, object_id, seq, mac FROM audit_auditevent WHERE id = %s",
            [events[3].pk])


def test_it_names_an_event_given_another_id(province):
    """The MAC covers the id: moving an event to a free id is found at it."""
    victim = sealed_events()[3]
    sql("UPDATE audit_auditevent SET id = %s WHERE id = %s", [victim.pk + 1_000_000, victim.pk])
    report = verify_chain(seal=False)
    assert (report.ok, report.broken_seq) == (False, victim.seq)


def test_rehash_after_edit(province):
    """Issue 16 item 7: an edit followed by recomputing every later MAC and the head fails without
    the key (the attacker uses SHA-256, as the old chain did, or any key but the real one)."""
    events = sealed_events()
    victim = events[2]
    sql("UPDATE audit_auditevent SET verb = %s WHERE id = %s", ["tampered", victim.pk])
    guessed = hashlib.sha256(b"not the key").hexdigest().encode()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, {chain._message_sql(connection.vendor)} FROM audit_auditevent "
                       "WHERE seq >= %s ORDER BY seq", [victim.seq])
        rows = cursor.fetchall()
    prev = events[1].mac
    for seq, message in rows:
        prev = chain.mac(guessed, prev, seq, message)
        sql("UPDATE audit_auditevent SET mac = %s WHERE seq = %s", [prev, seq])
    sql("UPDATE audit_audithead SET last_mac = %s, signature = %s",
        [prev, chain.sign(guessed, "head", len(events), prev)])
    report = verify_chain()
    assert not report.ok
    assert not verify_chain(seal=False).ok


def test_wipe(province):
    """Issue 16 item 7: every event and the head deleted → verify fails (the business tables hold
    rows beside an empty trail, and the sealer's local anchor is no longer extended)."""
    seal_pending()
    sql("DELETE FROM audit_auditevent")
    sql("DELETE FROM audit_audithead")
    report = english_report()
    assert not report.ok and "wiped" in report.problem
    with pytest.raises(CommandError, match="BROKEN"):
        run_audit("verify")


def test_wipe_by_flush(province):
    """Issue 16 item 7: after `django-admin flush` (every table emptied, so no business rows are
    left to compare with) the sealer's local anchor, kept outside the database, fails verify."""
    seal_pending()
    if connection.vendor == "postgresql":
        sql("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses while the test's deferred checks are pending
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    report = english_report()
    assert not report.ok and "local anchor" in report.problem


def test_tail_cut(province):
    """Issue 16 item 7: the newest events cut and the head set back to the last one kept → the head's
    signature no longer matches (the key signs the head)."""
    events = sealed_events()
    kept = events[-4]
    sql("DELETE FROM audit_auditevent WHERE seq > %s", [kept.seq])
    sql("UPDATE audit_audithead SET count = %s, last_mac = %s", [kept.seq, kept.mac])
    report = english_report()
    assert not report.ok and "signature" in report.problem


def test_tail_cut_with_an_old_head_replayed(province, settings):
    """A cut trail with a head row saved from earlier (validly signed) is caught by the local anchor,
    and, with no local anchor, by an anchor kept off-site."""
    with transaction.atomic():
        record_event(None, "rename_unit", province.root, after={"n": 0})
    seal_pending()
    old_head = AuditHead.objects.values_list("count", "last_mac", "signature").get(pk=1)
    anchor = current_anchor()
    province.in_progress()
    seal_pending()
    assert verify_chain(anchors=[anchor]).ok
    sql("DELETE FROM audit_auditevent WHERE seq > %s", [old_head[0]])
    sql("UPDATE audit_audithead SET count = %s, last_mac = %s, signature = %s", list(old_head))
    assert not english_report().ok
    settings.LUOSHI_AUDIT_ANCHOR_FILE = ""
    assert verify_chain().ok  # without anything kept outside the database, a rollback is invisible
    later = chain.Anchor.of(chain.audit_key(), old_head[0] + 5, "f" * 64, "2026-01-01T00:00:00")
    report = english_report(anchors=[later])
    assert not report.ok and "no longer extends the given anchor" in report.problem


def test_head_deletion(province):
    """Issue 16 item 7: the head row deleted → verify fails, also when new events wait to be sealed
    (the sealer refuses to start a new chain beside the old one)."""
    seal_pending()
    sql("DELETE FROM audit_audithead")
    report = english_report()
    assert not report.ok and "head is missing" in report.problem
    with transaction.atomic():
        record_event(None, "rename_unit", province.root, after={"n": 1})
    report = english_report()
    assert not report.ok and "head is missing" in report.problem and report.unsealed == 1


def test_a_forged_anchor_is_refused(province):
    """An anchor whose signature was not made with the key is refused."""
    seal_pending()
    real = current_anchor()
    forged = chain.Anchor(real.seq, real.mac, real.sealed_at, "0" * 64)
    report = english_report(anchors=[forged])
    assert not report.ok and "signature" in report.problem


def test_verify_since_walks_from_the_anchor(province):
    """--since checks only the events after the anchor (and that the trail still extends it)."""
    seal_pending()
    anchor = current_anchor()
    province.in_progress()
    seal_pending()
    total = AuditHead.objects.get(pk=1).count
    report = verify_chain(since=anchor)
    assert report.ok and report.checked == total - anchor.seq
    sql("UPDATE audit_auditevent SET verb = %s WHERE seq = %s", ["tampered", anchor.seq - 1])
    assert verify_chain(since=anchor).ok  # before the anchor: the daily check does not look there
    assert not verify_chain().ok
    sql("UPDATE audit_auditevent SET verb = %s WHERE seq = %s", ["tampered", anchor.seq + 1])
    assert not verify_chain(since=anchor).ok


def test_the_anchor_command_writes_a_file_verify_reads(province, tmp_path):
    """`luoshi audit anchor --out FILE`, then `verify --anchor FILE` and `verify --since FILE`."""
    path = tmp_path / "anchor.json"
    assert "written to" in run_audit("anchor", "--out", str(path))
    province.in_progress()
    assert run_audit("verify", "--anchor", str(path)).startswith("OK: ")
    assert " since event " in run_audit("verify", "--since", str(path))
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match="not a Luoshi audit anchor"):
        run_audit("verify", "--anchor", str(path))


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
    """record_events inserts in bulk; the sealer chains bulk and single events alike, in id order."""
    unit = province.root
    seal_pending()
    with transaction.atomic():
        record_event(None, "rename_unit", unit, after={"n": 0})
        assert record_events(None, "rename_unit", [(unit, {"n": i}) for i in range(1, 4)]) == 3
        record_event(None, "rename_unit", unit, after={"n": 4})
        assert record_events(None, "rename_unit", []) == 0
    assert seal_pending() == 5
    newest = list(AuditEvent.objects.order_by("-seq")[:5])[::-1]
    assert [event.after for event in newest] == [{"n": n} for n in range(5)]
    assert verify_chain().ok


def test_the_sealer_refuses_to_extend_an_altered_head(province):
    """A head rewritten without the key is never signed over by the next seal."""
    seal_pending()
    sql("UPDATE audit_audithead SET count = count - 1")
    with transaction.atomic():
        record_event(None, "rename_unit", province.root, after={"n": 1})
    from luoshi.lib import ConflictError

    with pytest.raises(ConflictError):
        seal_pending()


def test_events_sealed_in_small_batches_chain_across_batches(province):
    """Each batch continues from the head the batch before it stored."""
    province.in_progress()
    assert seal_pending(batch=3) > 6
    assert verify_chain(seal=False).ok


@pytest.mark.django_db(transaction=True)
def test_deferred_sealing_seals_once_at_the_end(settings):
    """Inside sealing_deferred() committed events wait; leaving it seals them all at once."""
    from luoshi.audit.services import sealing_deferred
    from luoshi.testing.fixtures import build_province

    settings.LUOSHI_AUDIT_SEAL_ON_COMMIT = True
    with sealing_deferred():
        province = build_province()
        with transaction.atomic():
            record_event(None, "rename_unit", province.root, after={"n": 1})
        assert AuditEvent.objects.filter(seq__isnull=True).count() > 20
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()
    with transaction.atomic():
        record_event(None, "rename_unit", province.root, after={"n": 2})
    assert not AuditEvent.objects.filter(seq__isnull=True).exists()  # outside it: sealed on commit
    assert verify_chain(seal=False).ok


def test_the_anchor_is_posted_off_site(province, settings, tmp_path):
    """`luoshi audit anchor --post URL` sends the signed head, which `verify --anchor` accepts later;
    an internal address is refused as for webhooks, and an error answer is reported."""
    from luoshi.notifications.tests.servers import http_receiver

    settings.LUOSHI_WEBHOOK_ALLOW_HTTP = True
    settings.LUOSHI_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with http_receiver(script=[200, 503]) as receiver:
        assert "sent to" in run_audit("anchor", "--post", receiver.url)
        with pytest.raises(CommandError, match="HTTP 503"):
            run_audit("anchor", "--post", receiver.url)
    received = receiver.requests[0].json()
    assert received["seq"] == AuditHead.objects.get(pk=1).count > 0
    kept = tmp_path / "kept.json"
    kept.write_bytes(receiver.requests[0].body)
    province.in_progress()
    assert run_audit("verify", "--anchor", str(kept)).startswith("OK: ")
    settings.LUOSHI_WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(CommandError):
        run_audit("anchor", "--post", "http://169.254.169.254/latest")


def test_the_worker_posts_the_anchor_daily_when_configured(province, settings):
    """The daily job sends the anchor to LUOSHI_AUDIT_ANCHOR_URL, and does nothing without it."""
    from luoshi.audit.jobs import send_daily_anchor
    from luoshi.notifications.tests.servers import http_receiver

    settings.LUOSHI_WEBHOOK_ALLOW_HTTP = True
    settings.LUOSHI_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with http_receiver() as receiver:
        settings.LUOSHI_AUDIT_ANCHOR_URL = ""
        send_daily_anchor.call_local()
        assert receiver.requests == []
        settings.LUOSHI_AUDIT_ANCHOR_URL = receiver.url
        send_daily_anchor.call_local()
    assert chain.Anchor.loads(receiver.requests[0].body.decode()).valid(chain.audit_key())
