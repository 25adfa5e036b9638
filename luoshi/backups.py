"""Consistent backups and restores of a Luoshi installation: the database (with the audit
chain), the uploaded files and a manifest. `luoshi backup` and `luoshi restore` call these.

A backup is a directory:
    manifest.json      time, database engine, row counts, the audit chain's head hash
    database.sqlite3   (SQLite: a copy made with SQLite's online backup API) or
    database.pgdump    (PostgreSQL: pg_dump's custom format, taken in the same snapshot as the
                       manifest's counts and chain head)
    files.tar.gz       the uploaded files (evidence, ledgers)
    secret_key         only with --with-secret-key
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess  # nosec B404 # pg_dump and psql are run with argument lists, no shell
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

from luoshi import lib

FORMAT = 1
# How each kind of database file starts: a file of the wrong kind is refused before anything changes.
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(lib.LuoshiError):
    """A backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    manifest: dict[str, Any]


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _table_names() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def _luoshi_tables() -> dict[str, str]:
    """Table name → model label of every concrete Luoshi model."""
    return {model._meta.db_table: model._meta.label for model in apps.get_models()
            if model.__module__.startswith("luoshi.") and not model._meta.proxy}


def row_counts() -> dict[str, int]:
    """Rows of every Luoshi model whose table exists (a database without tables counts 0)."""
    tables = _table_names()
    counts = {}
    for model in apps.get_models():
        if model.__module__.startswith("luoshi.") and model._meta.db_table in tables and not model._meta.proxy:
            counts[model._meta.label] = model._default_manager.count()
    return counts


def chain_head() -> dict[str, Any]:
    from luoshi.audit.models import AuditHead

    if AuditHead._meta.db_table not in _table_names():
        return {"last_hash": None, "last_id": 0, "count": 0}
    head = AuditHead.objects.filter(pk=1).first()
    return {"last_hash": head.last_hash if head else None, "last_id": head.last_id if head else 0,
            "count": head.count if head else 0}


def _pg_env() -> tuple[dict[str, str], list[str]]:
    """The environment and connection arguments for pg_dump and pg_restore, from the connection's
    own settings (in tests that is the test database, not the one named in DATABASE_URL)."""
    db = connection.settings_dict
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    return env, args


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603 # an argument list built from settings, no shell
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed: install the PostgreSQL client tools.") from None
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


# --- backup --------------------------------------------------------------------------------------


def _file_store() -> dict[str, str]:
    bucket = settings.STORAGES["default"].get("OPTIONS", {}).get("bucket_name")
    return {"kind": "s3", "bucket": bucket} if bucket else {"kind": "local"}


def backup(path: Path, *, with_secret_key: bool = False) -> Outcome:
    """Write a backup into the directory `path` (created; it must not exist or be empty)."""
    engine = _engine()
    if path.exists() and any(path.iterdir()):
        raise BackupError(f"{path} is not empty: choose a new directory for the backup.")
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    files: dict[str, str] = {}
    if engine == "sqlite":
        target = path / "database.sqlite3"
        connection.ensure_connection()
        # The online backup API copies a consistent snapshot while the app keeps running.
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        snapshot = _sqlite_manifest_data(target)
    else:
        target = path / "database.pgdump"
        snapshot = _pg_dump(target)
    files[target.name] = _sha256(target)
    media = Path(settings.MEDIA_ROOT)
    archive = path / "files.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        if media.is_dir():
            tar.add(media, arcname="files")
    files[archive.name] = _sha256(archive)
    if with_secret_key:
        key_file = path / "secret_key"
        key_file.write_text(settings.SECRET_KEY, encoding="utf-8")
        key_file.chmod(0o600)
    manifest = {
        "format": FORMAT,
        "created_at": lib.now().isoformat(),
        "engine": engine,
        **snapshot,
        "files": files,
        # With an S3 bucket the uploaded files are not in files.tar.gz: the bucket keeps them
        # (back it up with the store's versioning or replication, docs/deployment.md).
        "file_store": _file_store(),
        "secret_key_included": with_secret_key,
    }
    (path / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    for item in path.iterdir():
        item.chmod(0o600)  # a backup holds every user's data: readable by its owner only
    return Outcome(path, manifest)


def snapshot_data(cursor: Any, existing: set[str]) -> dict[str, Any]:
    """Row counts and the chain head, read through `cursor` (a raw DB-API cursor on the copy or in
    the dump's snapshot), so that they describe exactly what was saved."""
    from luoshi.audit.models import AuditHead

    counts = {}
    for table, label in sorted(_luoshi_tables().items()):
        if table in existing:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # nosec B608 # table names from Django's models, not from input
            counts[label] = cursor.fetchone()[0]
    head = None
    if AuditHead._meta.db_table in existing:
        cursor.execute(f'SELECT last_hash, last_id, count FROM "{AuditHead._meta.db_table}" WHERE id = 1')  # nosec B608 # the audit head's table name from its model
        head = cursor.fetchone()
    chain = {"last_hash": head[0], "last_id": head[1], "count": head[2]} if head else \
        {"last_hash": None, "last_id": 0, "count": 0}
    return {"counts": counts, "audit_chain": chain}


def _sqlite_manifest_data(copy: Path) -> dict[str, Any]:
    with sqlite3.connect(copy) as db:
        cursor = db.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")
        data = snapshot_data(cursor, {row[0] for row in cursor.fetchall()})
    db.close()
    return data


def _pg_dump(target: Path) -> dict[str, Any]:
    """pg_dump (custom format: every table, the audit chain included) inside a snapshot that a
    transaction of our own exports and holds open, and the manifest's counts read in that same
    snapshot: the dump and the manifest describe one moment even while Luoshi keeps writing."""
    env, args = _pg_env()
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = False
        cursor = raw.cursor()
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        existing = {row[0] for row in cursor.fetchall()}
        data = snapshot_data(cursor, existing)
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}",
              "--file", str(target), *args, str(connection.settings_dict["NAME"])], env)
    finally:
        raw.rollback()
        raw.close()
    return data


# --- restore -------------------------------------------------------------------------------------


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path} is not a Luoshi backup: it has no manifest.json.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is a backup of format {manifest.get('format')}; this Luoshi reads format {FORMAT}.")
    for name, digest in manifest.get("files", {}).items():
        if not (path / name).is_file() or _sha256(path / name) != digest:
            raise BackupError(f"{path / name} is missing or damaged (its checksum does not match the manifest).")
    return manifest


def occupied_tables() -> list[str]:
    """The Luoshi models that hold rows. A restore goes only into a database where this is empty:
    a new database, or one that `luoshi migrate` has just created (migrations add no Luoshi rows)."""
    tables = _table_names()
    return [model._meta.label for model in apps.get_models()
            if model.__module__.startswith("luoshi.") and not model._meta.proxy
            and model._meta.db_table in tables and model._default_manager.exists()]


ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _check_database_file(path: Path, engine: str) -> None:
    """Refuse a database file that is not what the manifest says, or is damaged, before the
    database is touched (the checksums only prove that the file is the one the backup wrote)."""
    if engine == "sqlite":
        file = path / "database.sqlite3"
        with file.open("rb") as handle:
            if handle.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                raise BackupError(f"{file} is not an SQLite database: this backup cannot be restored. Nothing was changed.")
        try:
            with sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True) as db:
                problems = [row[0] for row in db.execute("PRAGMA quick_check")]
            db.close()
        except sqlite3.DatabaseError as error:
            problems = [str(error)]
        if problems != ["ok"]:
            raise BackupError(f"{file} is damaged ({'; '.join(problems[:3])}): this backup cannot be restored. "
                              "Nothing was changed.")
    else:
        file = path / "database.pgdump"
        with file.open("rb") as handle:
            if handle.read(len(PGDUMP_MAGIC)) != PGDUMP_MAGIC:
                raise BackupError(f"{file} is not a pg_dump archive: this backup cannot be restored. Nothing was changed.")
        env, _args = _pg_env()
        try:
            _run(["pg_restore", "--list", str(file)], env)
        except BackupError as error:
            raise BackupError(f"{file} is damaged or incomplete ({error}). Nothing was changed.") from None


def restore(path: Path) -> Outcome:
    """Restore the backup in `path` into this installation's EMPTY database, then check it."""
    from django.contrib.contenttypes.models import ContentType

    from luoshi.audit.services import verify_chain

    engine = _engine()
    manifest = read_manifest(path)
    if manifest.get("engine") != engine:
        raise BackupError(
            f"This is a backup of a {ENGINE_NAMES.get(manifest.get('engine'), manifest.get('engine'))} database, "
            f"and the configured database is {ENGINE_NAMES[engine]}: a backup restores only into the same kind "
            "of database. Nothing was changed.")
    occupied = occupied_tables()
    if occupied:
        raise BackupError(
            "The database is not empty (it holds " + ", ".join(occupied) + "). Restore only into an empty "
            "database: create a new one (or move the SQLite file away), point Luoshi at it and run the "
            "restore again. Nothing was changed.")
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir() and any(media.iterdir()):
        raise BackupError(f"The files directory {media} is not empty: restore into an empty one. Nothing was changed.")
    _check_database_file(path, engine)
    if engine == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path / "database.sqlite3") as source:
            source.backup(connection.connection)
        source.close()
    else:
        env, args = _pg_env()
        # One transaction: a dump that breaks half-way (truncated, damaged) leaves the database
        # exactly as it was. --clean drops the empty tables `luoshi migrate` may have made.
        try:
            _run(["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists", "--single-transaction",
                  "--dbname", str(connection.settings_dict["NAME"]), *args, str(path / "database.pgdump")], env)
        except BackupError as error:
            raise BackupError(f"{error}\nThe restore was rolled back: nothing was changed.") from None
    ContentType.objects.clear_cache()  # the restored rows may number the content types differently
    with tarfile.open(path / "files.tar.gz", "r:gz") as tar:
        media.mkdir(parents=True, exist_ok=True)
        members = [m for m in tar.getmembers() if m.name.startswith("files/")]
        for member in members:
            member.name = member.name[len("files/"):]
        tar.extractall(media, members=members, filter="data")
    report = verify_chain()
    head = chain_head()
    if not report.ok:
        raise BackupError(f"Restored, but the audit chain is BROKEN at event #{report.broken_event_id}: {report.problem}")
    if head["last_hash"] != manifest["audit_chain"]["last_hash"]:
        raise BackupError("Restored, but the audit chain's head differs from the one the manifest records.")
    return Outcome(path, {**manifest, "verified_events": report.checked})
