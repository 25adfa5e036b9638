"""`luoshi backup` and `luoshi restore`: a consistent snapshot with the audit chain, restored
only into an empty database, and verified afterwards."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from luoshi.accounts.models import User
from luoshi.audit.models import AuditEvent
from luoshi.backups import row_counts, sign_manifest
from luoshi.tasks.models import Task
from luoshi.web.demo import load_demo

sqlite_only = pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
                                 reason="restores SQLite files in-process; PostgreSQL: test_backup_postgres.py")


def _empty_database() -> None:
    call_command("flush", "--no-input", verbosity=0)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_it_round_trips_the_demo_province(tmp_path: Path, settings):
    """Back up the demo province, empty the database, restore: same rows, same files, intact chain."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "evidence").mkdir(parents=True)
    (tmp_path / "media" / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4 evidence")
    load_demo()
    counts = row_counts()
    out = StringIO()
    call_command("backup", str(tmp_path / "backup"), stdout=out)
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["counts"]["audit.AuditEvent"] == counts["audit.AuditEvent"] > 50
    assert manifest["audit_chain"]["last_mac"] == AuditEvent.objects.order_by("-seq").first().mac
    assert not (tmp_path / "backup" / "secret_key").exists() and settings.SECRET_KEY not in out.getvalue()
    assert manifest["file_store"] == {"kind": "local"} and "NOT in this backup" not in out.getvalue()

    _empty_database()
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    assert not User.objects.exists() and not Task.objects.exists()
    out = StringIO()
    call_command("restore", str(tmp_path / "backup"), stdout=out)
    assert "chain intact" in out.getvalue()
    assert row_counts() == counts
    assert (tmp_path / "restored-media" / "evidence" / "a.pdf").read_bytes() == b"%PDF-1.4 evidence"
    verify = StringIO()
    call_command("audit", "verify", stdout=verify)
    assert verify.getvalue().startswith("OK:")


def test_it_refuses_to_restore_into_a_database_that_is_not_empty(province, tmp_path: Path, settings):
    """A restore over existing data is refused with a clear message, and changes nothing."""
    settings.MEDIA_ROOT = tmp_path / "media"
    backup = tmp_path / "backup"
    (backup).mkdir()
    manifest = {"format": 1, "engine": connection.vendor, "files": {}, "audit_chain": {}}
    (backup / "manifest.json").write_text(json.dumps({**manifest, "signature": sign_manifest(manifest)}))
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(backup), stdout=StringIO())
    assert AuditEvent.objects.count() == before


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_it_includes_the_secret_key_only_when_asked(tmp_path: Path, settings):
    """--with-secret-key adds the key, readable by its owner only; a damaged backup is refused."""
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup", str(tmp_path / "with"), "--with-secret-key", stdout=StringIO())
    key = tmp_path / "with" / "secret_key"
    assert key.read_text() == settings.SECRET_KEY and oct(key.stat().st_mode & 0o777) == "0o600"
    (tmp_path / "with" / "database.sqlite3").write_bytes(b"damaged")
    with pytest.raises(CommandError, match="missing or damaged"):
        call_command("restore", str(tmp_path / "with"), stdout=StringIO())


def test_it_refuses_a_backup_directory_that_is_not_empty(db, tmp_path: Path):
    """A backup never overwrites an earlier one."""
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(tmp_path), stdout=StringIO())


def test_the_commands_explain_themselves_with_examples():
    """`luoshi backup --help` and `luoshi restore --help` carry an example."""
    from luoshi.audit.management.commands import backup, restore

    assert "Example" in backup.Command.help and "luoshi backup" in backup.Command.help
    assert "Example" in restore.Command.help and "EMPTY" in restore.Command.help


def _reseal(backup: Path, *, with_the_key: bool = True) -> None:
    """Make the manifest's checksums match the files again; with the key (the test plays its holder,
    so the restore's later checks are tested) or without it (the test plays an attacker)."""
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["files"] = {name: hashlib.sha256((backup / name).read_bytes()).hexdigest() for name in manifest["files"]}
    if with_the_key:
        manifest["signature"] = sign_manifest(manifest)
    (backup / "manifest.json").write_text(json.dumps(manifest))


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_damaged_or_mislabelled_database_file_and_changes_nothing(tmp_path: Path, settings):
    """A truncated SQLite copy, or a file of another kind, is refused before the database is touched."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    call_command("backup", str(tmp_path / "backup"), stdout=StringIO())
    _empty_database()
    copy = (tmp_path / "backup" / "database.sqlite3").read_bytes()
    for damaged, message in [(copy[: len(copy) // 3], "is damaged"),
                             (b"PGDMP" + copy[5:], "is not an SQLite database")]:
        (tmp_path / "backup" / "database.sqlite3").write_bytes(damaged)
        _reseal(tmp_path / "backup")
        with pytest.raises(CommandError, match=message) as refused:
            call_command("restore", str(tmp_path / "backup"), stdout=StringIO())
        assert "Nothing was changed" in str(refused.value)
        assert not any(row_counts().values())
        assert not (tmp_path / "media").exists()


def _backup_then_empty(tmp_path: Path, settings) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    call_command("backup", str(tmp_path / "backup"), stdout=StringIO())
    _empty_database()
    return tmp_path / "backup"


def _refused(backup: Path, message: str, tmp_path: Path) -> None:
    """The restore is refused with `message`, and nothing changed: no rows, no files."""
    with pytest.raises(CommandError, match=message) as refused:
        call_command("restore", str(backup), stdout=StringIO())
    assert "Nothing was changed" in str(refused.value)
    assert not any(row_counts().values())
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").iterdir())


def _edit_copy(backup: Path, statements: list[str]) -> None:
    import sqlite3

    with sqlite3.connect(backup / "database.sqlite3") as db:
        for statement in statements:
            db.execute(statement)
    db.close()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_tampered_backup(tmp_path: Path, settings):
    """Issue 16 item 8: rows changed in the backup and the manifest's checksum recomputed (without
    the key) → refused by the manifest's signature; with a re-signed manifest (someone holding the
    key but editing rows) → refused by the chain."""
    backup = _backup_then_empty(tmp_path, settings)
    _edit_copy(backup, ["UPDATE accounts_user SET role = 'secadmin' WHERE username = 'emergency'",
                        "UPDATE audit_auditevent SET verb = 'nothing' WHERE seq = 3"])
    _reseal(backup, with_the_key=False)
    _refused(backup, "does not carry a valid signature", tmp_path)
    _reseal(backup)
    _refused(backup, "audit chain is BROKEN", tmp_path)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_planted_trigger(tmp_path: Path, settings):
    """Issue 16 item 8: an SQLite trigger planted in the backup (it would make a liaison a security
    administrator at the next sign-in, with no event) is refused by the schema check; so is a view."""
    backup = _backup_then_empty(tmp_path, settings)
    _edit_copy(backup, ["CREATE TRIGGER promote AFTER UPDATE OF last_login ON accounts_user "
                        "BEGIN UPDATE accounts_user SET role = 'secadmin' WHERE id = NEW.id; END"])
    _reseal(backup)
    _refused(backup, "extra trigger promote", tmp_path)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_tar_traversal(tmp_path: Path, settings):
    """Issue 16 item 8: a files.tar.gz member that would land outside the files directory is refused
    before anything is written."""
    import io
    import tarfile

    backup = _backup_then_empty(tmp_path, settings)
    with tarfile.open(backup / "files.tar.gz", "w:gz") as tar:
        payload = b"owned"
        member = tarfile.TarInfo("files/../../escaped.txt")
        member.size = len(payload)
        tar.addfile(member, io.BytesIO(payload))
    _reseal(backup)
    _refused(backup, "would be written outside the files directory", tmp_path)
    assert not (tmp_path / "escaped.txt").exists()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_cut_trail_in_a_backup_is_refused(tmp_path: Path, settings):
    """The newest events cut from the copy (head set back, manifest re-signed) → refused."""
    backup = _backup_then_empty(tmp_path, settings)
    _edit_copy(backup, ["DELETE FROM audit_auditevent WHERE seq > 10"])
    _reseal(backup)
    _refused(backup, "do not match the counts|does not end at the head", tmp_path)
