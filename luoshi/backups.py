"""Consistent backups and restores of a Luoshi installation: the database (with the audit
chain), the uploaded files and a manifest. `luoshi backup` and `luoshi restore` call these.

A backup is a directory:
    manifest.json      time, database engine, row counts, the audit chain's signed head, checksums
                       of the other files; the whole manifest signed with the audit key
    database.sqlite3   (SQLite: a copy made with SQLite's online backup API) or
    database.pgdump    (PostgreSQL: pg_dump's custom format, taken in the same snapshot as the
                       manifest's counts and chain head)
    files.tar.gz       the uploaded files (evidence, ledgers)
    secret_key         only with --with-secret-key

A restore checks everything before it changes anything: the manifest's signature (someone who
edits rows and recomputes the checksums has no key to sign with), the checksums, the archive's
members (no path leaving the files directory), then a staging copy of the database: its schema
must be exactly what the migrations make (no extra table, view, trigger, function or rule) and
its audit chain must verify and end at the manifest's head. Only then does it switch over.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump and psql are run with argument lists, no shell
import tarfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

from luoshi import lib
from luoshi.audit import chain

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
        return {"count": 0, "last_mac": chain.GENESIS}
    head = AuditHead.objects.filter(pk=1).first()
    return {"count": head.count if head else 0, "last_mac": head.last_mac if head else chain.GENESIS}


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
    from luoshi.audit.services import seal_pending

    engine = _engine()
    if path.exists() and any(path.iterdir()):
        raise BackupError(f"{path} is not empty: choose a new directory for the backup.")
    seal_pending()  # so that the backup's chain reaches as far as its rows
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
    manifest["signature"] = sign_manifest(manifest)
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
        cursor.execute(f'SELECT count, last_mac FROM "{AuditHead._meta.db_table}" WHERE id = 1')  # nosec B608 # the audit head's table name from its model
        head = cursor.fetchone()
    audit_chain = {"count": head[0], "last_mac": head[1]} if head else {"count": 0, "last_mac": chain.GENESIS}
    return {"counts": counts, "audit_chain": audit_chain}


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


def sign_manifest(manifest: dict[str, Any]) -> str:
    """The manifest's MAC with the audit key (everything in it but the signature itself)."""
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return chain.sign(chain.audit_key(), "manifest", json.dumps(body, sort_keys=True, ensure_ascii=False))


def read_manifest(path: Path) -> dict[str, Any]:
    import hmac

    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path} is not a Luoshi backup: it has no manifest.json.") from None
    except ValueError:
        raise BackupError(f"{path / 'manifest.json'} is not valid JSON. Nothing was changed.") from None
    if not isinstance(manifest, dict) or not hmac.compare_digest(str(manifest.get("signature", "")),
                                                                 sign_manifest(manifest)):
        raise BackupError(
            f"{path / 'manifest.json'} does not carry a valid signature: the backup was changed after it was "
            "written, or it was signed with another audit key (set LUOSHI_AUDIT_KEY_FILE to the key of the "
            "installation that wrote it). Nothing was changed.")
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


def _archive_members(archive: Path) -> list[tarfile.TarInfo]:
    """The members of files.tar.gz under files/, checked before anything is written: a member that
    would land outside the files directory (absolute, `..`, a link) or is not a plain file or
    directory refuses the whole backup."""
    with tarfile.open(archive, "r:gz") as tar:
        members = tar.getmembers()
    for member in members:
        parts = Path(member.name).parts
        if (member.name.startswith("/") or ".." in parts or not (member.isfile() or member.isdir())
                or (parts and parts[0] != "files")):
            raise BackupError(f"files.tar.gz holds {member.name!r}, which would be written outside the files "
                              "directory or is not a plain file: this backup is refused. Nothing was changed.")
    return [m for m in members if m.name.startswith("files/")]


def _extract(archive: Path, into: Path) -> None:
    members = _archive_members(archive)
    into.mkdir(parents=True)
    with tarfile.open(archive, "r:gz") as tar:
        for member in members:
            member.name = member.name[len("files/"):]
        tar.extractall(into, members=members, filter="data")


# --- the schema a staging copy must have ------------------------------------------------------------

# Tables and indexes by name (a table rebuilt by a migration keeps its name but not the text of its
# CREATE statement), their columns, and the full text of every trigger and view.
SQLITE_SCHEMA = [
    "SELECT type, name, tbl_name, CASE WHEN type IN ('trigger', 'view') THEN sql ELSE '' END FROM sqlite_master "
    "WHERE name NOT LIKE 'sqlite_%'",
    "SELECT 'column', m.name, p.name, p.type FROM sqlite_master m, pragma_table_info(m.name) p "
    "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
]
PG_SCHEMA = [
    # relations (tables, views, sequences, indexes …), with their kind
    """SELECT 'relation', c.relkind::text || ' ' || n.nspname || '.' || c.relname FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'""",
    "SELECT 'column', table_schema || '.' || table_name || '.' || column_name || ' ' || data_type "
    "FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    "SELECT 'trigger', tgrelid::regclass::text || ' ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
    "SELECT 'event trigger', evtname FROM pg_event_trigger",
    """SELECT 'function', n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')""",
    "SELECT 'rule', schemaname || '.' || tablename || ' ' || rulename FROM pg_rules "
    "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
    "SELECT 'policy', polrelid::regclass::text || ' ' || polname FROM pg_policy",
    "SELECT 'schema', nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND nspname NOT LIKE 'pg_toast%%' AND nspname NOT LIKE 'pg_temp%%'",
]


def _schema(cursor: Any, engine: str) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for query in SQLITE_SCHEMA if engine == "sqlite" else PG_SCHEMA:
        cursor.execute(query.replace("%%", "%"))
        found |= {tuple(" ".join(str(v).split()) for v in row) for row in cursor.fetchall()}
    return found


def _compare_schemas(staged: set[tuple[str, ...]], expected: set[tuple[str, ...]]) -> None:
    extra, missing = sorted(staged - expected), sorted(expected - staged)
    if extra or missing:
        shown = [f"extra {' '.join(item[:2])}" for item in extra[:5]] + [f"missing {' '.join(item[:2])}" for item in missing[:5]]
        raise BackupError("The backup's database schema is not the one this version's migrations make ("
                          + "; ".join(shown) + "): a planted trigger, view or table, or a backup of another "
                          "version. Nothing was changed.")


def _check_staged_chain(cursor: Any, engine: str, placeholder: str, manifest: dict[str, Any]) -> int:
    """Verify the staged copy's chain (signed head, every MAC) and that it ends where the signed
    manifest says; return the number of events checked."""
    import hmac

    key = chain.audit_key()
    cursor.execute(f"SELECT count, last_mac, signature FROM {chain.HEAD_TABLE} WHERE id = 1")  # nosec B608 # fixed SQL
    row = cursor.fetchone()
    count, last_mac, signature = row if row else (0, chain.GENESIS, "")
    if row and count and not hmac.compare_digest(signature, chain.sign(key, "head", count, last_mac)):
        raise BackupError("The backup's audit chain head does not carry a valid signature. Nothing was changed.")
    walked = chain.walk(cursor, engine, key, placeholder=placeholder)
    if walked.problem:
        raise BackupError(f"The backup's audit chain is BROKEN at event #{walked.broken_event_id} (sequence "
                          f"{walked.broken_seq}). Nothing was changed.")
    recorded = manifest.get("audit_chain", {})
    if (walked.last_seq, walked.last_mac) != (count, last_mac) or \
            (count, last_mac) != (recorded.get("count"), recorded.get("last_mac")):
        raise BackupError("The backup's audit chain does not end at the head its manifest records. Nothing was changed.")
    return walked.checked


def _check_counts(cursor: Any, existing: set[str], manifest: dict[str, Any]) -> None:
    if snapshot_data(cursor, existing)["counts"] != manifest.get("counts"):
        raise BackupError("The backup's rows do not match the counts its manifest records. Nothing was changed.")


def _migrated_reference() -> None:
    """The target is empty; if `luoshi migrate` has not made its tables yet, make them now, so its
    schema is the reference the staging copy is compared with."""
    from django.core.management import call_command

    if "django_migrations" not in _table_names():
        call_command("migrate", verbosity=0, interactive=False)


def restore(path: Path) -> Outcome:
    """Restore the backup in `path` into this installation's EMPTY database: everything is checked
    on a staging copy first, and nothing changes unless every check passes."""
    engine = _engine()
    manifest = read_manifest(path)
    if manifest.get("engine") != engine:
        raise BackupError(
            f"This is a backup of a {ENGINE_NAMES.get(str(manifest.get('engine')), manifest.get('engine'))} database, "
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
    _archive_members(path / "files.tar.gz")
    _migrated_reference()
    staged_media = media.parent / f".{media.name}.restore-{uuid.uuid4().hex[:8]}"
    try:
        _extract(path / "files.tar.gz", staged_media)
        if engine == "sqlite":
            checked = _restore_sqlite(path, manifest)
        else:
            checked = _restore_postgresql(path, manifest)
        if media.is_dir():
            media.rmdir()  # empty, checked above
        staged_media.rename(media)
    finally:
        shutil.rmtree(staged_media, ignore_errors=True)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # the restored rows may number the content types differently
    return Outcome(path, {**manifest, "verified_events": checked})


def _restore_sqlite(path: Path, manifest: dict[str, Any]) -> int:
    staging = Path(settings.DATA_DIR) / f".restore-staging-{uuid.uuid4().hex[:8]}.sqlite3"
    try:
        shutil.copyfile(path / "database.sqlite3", staging)
        with sqlite3.connect(staging) as staged:
            cursor = staged.cursor()
            with connection.cursor() as target:
                _compare_schemas(_schema(cursor, "sqlite"), _schema(target, "sqlite"))
            cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")
            _check_counts(cursor, {row[0] for row in cursor.fetchall()}, manifest)
            checked = _check_staged_chain(cursor, "sqlite", "?", manifest)
            # Switch over: the online backup API replaces the (empty) database in one step.
            connection.ensure_connection()
            staged.backup(connection.connection)
        staged.close()
        return checked
    finally:
        staging.unlink(missing_ok=True)


def _restore_postgresql(path: Path, manifest: dict[str, Any]) -> int:
    import psycopg

    env, args = _pg_env()
    target = str(connection.settings_dict["NAME"])
    staging = f"{target[:40]}_restore_{uuid.uuid4().hex[:8]}"
    params = connection.get_connection_params()
    admin = psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True)
    try:
        try:
            admin.execute(f'CREATE DATABASE "{staging}"')
        except psycopg.Error as error:
            raise BackupError(f"Cannot create the staging database {staging} ({error}); the database account "
                              "needs CREATEDB for a restore. Nothing was changed.") from None
        try:
            _run(["pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                  "--dbname", staging, *args, str(path / "database.pgdump")], env)
        except BackupError as error:
            raise BackupError(f"{error}\nThe restore was rolled back: nothing was changed.") from None
        with psycopg.connect(**{**params, "dbname": staging}) as staged, staged.cursor() as cursor:
            with connection.cursor() as reference:
                _compare_schemas(_schema(cursor, "postgresql"), _schema(reference, "postgresql"))
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            _check_counts(cursor, {row[0] for row in cursor.fetchall()}, manifest)
            checked = _check_staged_chain(cursor, "postgresql", "%s", manifest)
        # Switch over: the same dump, now known good, in one transaction (--clean drops the empty
        # tables `luoshi migrate` made); a failure leaves the target exactly as it was.
        connection.close()
        try:
            _run(["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists", "--single-transaction",
                  "--exit-on-error", "--dbname", target, *args, str(path / "database.pgdump")], env)
        except BackupError as error:
            raise BackupError(f"{error}\nThe restore was rolled back: nothing was changed.") from None
        return checked
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{staging}" WITH (FORCE)')
        admin.close()
