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
from luoshi.backups import row_counts
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
    assert manifest["audit_chain"]["last_hash"] == AuditEvent.objects.order_by("-id").first().hash
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
    (backup / "manifest.json").write_text(json.dumps({"format": 1, "engine": connection.vendor, "files": {},
                                                      "audit_chain": {"last_hash": None}}))
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


def _reseal(backup: Path) -> None:
    """Make the manifest's checksums match the files again, so the restore's own checks are tested."""
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["files"] = {name: hashlib.sha256((backup / name).read_bytes()).hexdigest() for name in manifest["files"]}
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
