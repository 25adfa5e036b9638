"""`luoshi backup` and `luoshi restore` on PostgreSQL, with the real pg_dump and pg_restore.

Each test drives the `luoshi` command in its own process against scratch databases that this
module creates and drops (unique names, so parallel runs do not collide). It runs when the
suite runs on PostgreSQL (DATABASE_URL) or when LUOSHI_TEST_POSTGRES_URL names a server
where it may create databases; otherwise it is skipped. LUOSHI_TEST_POSTGRES_SCRATCH=a,b
picks the two scratch database names instead of random ones."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from django.conf import settings

from luoshi.audit import chain
from luoshi.backups import sign_manifest, snapshot_data

ROUND_TRIP_FILE = b"%PDF-1.4 evidence kept on disk"


def _server_url() -> str | None:
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return os.environ.get("DATABASE_URL")
    return os.environ.get("LUOSHI_TEST_POSTGRES_URL")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


@dataclass
class Postgres:
    url: str
    scratch: list[str]

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(_with_database(self.url, "postgres"),
                               autocommit=True)

    def create(self, name: str) -> None:
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')

    def drop(self, name: str) -> None:
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def tables(self, name: str) -> list[str]:
        with psycopg.connect(_with_database(self.url, name)) as db:
            rows = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").fetchall()
        return [row[0] for row in rows]

    def luoshi(self, *args: str, database: str | None, data_dir: Path) -> subprocess.CompletedProcess[str]:
        """Run the `luoshi` command on `database` (None: an SQLite database in `data_dir`)."""
        env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "LUOSHI_REPLICA_URL"}}
        env["LUOSHI_DATA_DIR"] = str(data_dir)
        # One audit key for every installation here, as a deployment carries its key to the
        # machine it restores on; it is this test run's key, so _reseal can sign like its holder.
        chain.audit_key()
        env["LUOSHI_AUDIT_KEY_FILE"] = str(Path(settings.DATA_DIR) / "audit_key")
        if database is not None:
            env["DATABASE_URL"] = _with_database(self.url, database)
        return subprocess.run([sys.executable, "-m", "luoshi", *args], env=env, capture_output=True, text=True,
                              timeout=300, check=False)

    def counts(self, database: str | None, data_dir: Path) -> dict[str, int]:
        """Rows per Luoshi model in `database` (None: the SQLite file in `data_dir`), read directly
        (`luoshi shell` is refused by design)."""
        if database is None:
            path = data_dir / "luoshi.sqlite3"
            if not path.exists():
                return {}
            with sqlite3.connect(path) as db:
                cursor = db.cursor()
                cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")
                counts = snapshot_data(cursor, {row[0] for row in cursor.fetchall()})["counts"]
            db.close()
            return counts
        with psycopg.connect(_with_database(self.url, database)) as db, db.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            return snapshot_data(cursor, {row[0] for row in cursor.fetchall()})["counts"]


@pytest.fixture(scope="module")
def pg() -> Iterator[Postgres]:
    url = _server_url()
    if not url:
        pytest.skip("needs PostgreSQL: run the suite with DATABASE_URL, or set LUOSHI_TEST_POSTGRES_URL")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    names = os.environ.get("LUOSHI_TEST_POSTGRES_SCRATCH", "").split(",")
    if len(names) != 2 or not all(names):
        token = uuid.uuid4().hex[:12]
        names = [f"luoshi_scratch_{token}_a", f"luoshi_scratch_{token}_b"]
    server = Postgres(url, names)
    try:
        server.create(names[0])
    except psycopg.Error as error:
        pytest.skip(f"cannot create a scratch database on {urlsplit(url).hostname}: {error}")
    yield server
    for name in names:
        server.drop(name)


@dataclass
class Source:
    database: str
    data_dir: Path
    backup: Path
    counts: dict[str, int]


@pytest.fixture(scope="module")
def source(pg: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Source:
    """The demo province on scratch database A, with one uploaded file, and its backup."""
    data_dir = tmp_path_factory.mktemp("source")
    loaded = pg.luoshi("demo", "--load-only", database=pg.scratch[0], data_dir=data_dir)
    assert loaded.returncode == 0, loaded.stderr
    (data_dir / "files" / "evidence").mkdir(parents=True)
    (data_dir / "files" / "evidence" / "a.pdf").write_bytes(ROUND_TRIP_FILE)
    backup = tmp_path_factory.mktemp("backups") / "luoshi-backup"
    written = pg.luoshi("backup", str(backup), database=pg.scratch[0], data_dir=data_dir)
    assert written.returncode == 0, written.stderr
    return Source(pg.scratch[0], data_dir, backup, pg.counts(pg.scratch[0], data_dir))


def _empty_target(pg: Postgres) -> str:
    pg.create(pg.scratch[1])
    return pg.scratch[1]


def _copy(backup: Path, into: Path) -> Path:
    shutil.copytree(backup, into)
    return into


def _reseal(backup: Path) -> None:
    """Rewrite the manifest's checksums to match the files, as a careless hand would: the restore
    must still refuse a damaged or mislabelled database file."""
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["files"] = {name: hashlib.sha256((backup / name).read_bytes()).hexdigest() for name in manifest["files"]}
    manifest["signature"] = sign_manifest(manifest)
    (backup / "manifest.json").write_text(json.dumps(manifest))


def test_it_round_trips_the_demo_province(pg: Postgres, source: Source, tmp_path: Path):
    """pg_dump of the demo province restored into a new, empty database: same rows, same files,
    and `luoshi audit verify` finds the chain intact."""
    manifest = json.loads((source.backup / "manifest.json").read_text())
    assert manifest["engine"] == "postgresql"
    assert manifest["counts"] == source.counts and source.counts["audit.AuditEvent"] > 50
    assert manifest["audit_chain"]["count"] == source.counts["audit.AuditEvent"]
    assert (source.backup / "database.pgdump").read_bytes()[:5] == b"PGDMP"

    target = _empty_target(pg)
    restored = pg.luoshi("restore", str(source.backup), database=target, data_dir=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "chain intact" in restored.stdout
    assert pg.counts(target, tmp_path) == source.counts
    assert (tmp_path / "files" / "evidence" / "a.pdf").read_bytes() == ROUND_TRIP_FILE
    verified = pg.luoshi("audit", "verify", database=target, data_dir=tmp_path)
    assert verified.returncode == 0 and verified.stdout.startswith("OK:"), verified.stdout + verified.stderr
    assert f"{manifest['audit_chain']['count']} events" in verified.stdout


def test_it_restores_into_a_database_that_migrate_has_just_made(pg: Postgres, source: Source, tmp_path: Path):
    """The documented order `luoshi migrate && luoshi restore` works: empty tables are no obstacle."""
    target = _empty_target(pg)
    assert pg.luoshi("migrate", "-v0", database=target, data_dir=tmp_path).returncode == 0
    restored = pg.luoshi("restore", str(source.backup), database=target, data_dir=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert pg.counts(target, tmp_path) == source.counts


def test_it_refuses_a_database_that_is_not_empty_and_changes_nothing(pg: Postgres, source: Source, tmp_path: Path):
    """Restoring over the province itself is refused with a clear message; its rows and chain stay."""
    refused = pg.luoshi("restore", str(source.backup), database=source.database, data_dir=tmp_path)
    assert refused.returncode != 0
    assert "The database is not empty" in refused.stderr and "Nothing was changed" in refused.stderr
    assert pg.counts(source.database, source.data_dir) == source.counts
    assert not (tmp_path / "files").exists()
    verified = pg.luoshi("audit", "verify", database=source.database, data_dir=source.data_dir)
    assert verified.stdout.startswith("OK:")


def test_it_refuses_a_damaged_dump_and_changes_nothing(pg: Postgres, source: Source, tmp_path: Path):
    """A truncated dump is refused by its checksum. One whose checksum was made to match is refused
    when pg_restore cannot read its table of contents, or, cut near its end, fails inside
    pg_restore's single transaction: either way the target keeps exactly the tables it had."""
    target = _empty_target(pg)
    data_dir = tmp_path / "data"
    assert pg.luoshi("migrate", "-v0", database=target, data_dir=data_dir).returncode == 0
    tables = pg.tables(target)
    full = (source.backup / "database.pgdump").read_bytes()
    for name, kept, message in [("half", len(full) // 2, "is damaged or incomplete"),
                                ("tail", len(full) - 2000, "The restore was rolled back")]:
        backup = _copy(source.backup, tmp_path / name)
        (backup / "database.pgdump").write_bytes(full[:kept])
        refused = pg.luoshi("restore", str(backup), database=target, data_dir=data_dir)
        assert refused.returncode != 0 and "missing or damaged" in refused.stderr

        _reseal(backup)
        refused = pg.luoshi("restore", str(backup), database=target, data_dir=data_dir)
        assert refused.returncode != 0 and message in refused.stderr, refused.stderr
        assert "othing was changed" in refused.stderr
        assert pg.tables(target) == tables
        assert all(count == 0 for count in pg.counts(target, data_dir).values())
        assert not (data_dir / "files").exists() or not any((data_dir / "files").iterdir())


def test_it_refuses_a_backup_of_the_wrong_kind(pg: Postgres, source: Source, tmp_path: Path):
    """An SQLite backup does not go into PostgreSQL, nor a PostgreSQL one into SQLite; a dump file
    that is really something else is refused before pg_restore touches the database."""
    sqlite_dir = tmp_path / "sqlite"
    assert pg.luoshi("migrate", "-v0", database=None, data_dir=sqlite_dir).returncode == 0
    written = pg.luoshi("backup", str(tmp_path / "sqlite-backup"), database=None, data_dir=sqlite_dir)
    assert written.returncode == 0, written.stderr
    target = _empty_target(pg)

    refused = pg.luoshi("restore", str(tmp_path / "sqlite-backup"), database=target, data_dir=tmp_path / "a")
    assert refused.returncode != 0
    assert "backup of a SQLite database, and the configured database is PostgreSQL" in refused.stderr
    assert pg.tables(target) == []

    refused = pg.luoshi("restore", str(source.backup), database=None, data_dir=tmp_path / "b")
    assert refused.returncode != 0
    assert "backup of a PostgreSQL database, and the configured database is SQLite" in refused.stderr
    assert all(count == 0 for count in pg.counts(None, tmp_path / "b").values())

    mislabelled = _copy(source.backup, tmp_path / "mislabelled")
    shutil.copy(tmp_path / "sqlite-backup" / "database.sqlite3", mislabelled / "database.pgdump")
    _reseal(mislabelled)
    refused = pg.luoshi("restore", str(mislabelled), database=target, data_dir=tmp_path / "c")
    assert refused.returncode != 0 and "is not a pg_dump archive" in refused.stderr
    assert pg.tables(target) == []


def _edit_dump(pg: Postgres, source: Source, tmp_path: Path, name: str, statements: list[str]) -> Path:
    """A copy of the backup whose dump was restored into a scratch database, edited, and dumped again."""
    scratch = f"{pg.scratch[1]}_edit"
    pg.create(scratch)
    try:
        env = {**os.environ}
        url = _with_database(pg.url, scratch)
        subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--dbname", url,
                        str(source.backup / "database.pgdump")], env=env, check=True, capture_output=True)
        with psycopg.connect(url, autocommit=True) as db:
            for statement in statements:
                db.execute(statement)
        backup = _copy(source.backup, tmp_path / name)
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file",
                        str(backup / "database.pgdump"), url], env=env, check=True, capture_output=True)
    finally:
        pg.drop(scratch)
    return backup


def test_tampered_backup_on_postgresql(pg: Postgres, source: Source, tmp_path: Path):
    """Rows changed in the dump and the checksum recomputed without the key → refused by the
    manifest's signature; re-signed by a key holder → refused by the chain. Nothing changes."""
    backup = _edit_dump(pg, source, tmp_path, "tampered", [
        "UPDATE audit_auditevent SET verb = 'nothing' WHERE seq = 3"])
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["files"] = {name: hashlib.sha256((backup / name).read_bytes()).hexdigest() for name in manifest["files"]}
    (backup / "manifest.json").write_text(json.dumps(manifest))
    target = _empty_target(pg)
    refused = pg.luoshi("restore", str(backup), database=target, data_dir=tmp_path / "a")
    assert refused.returncode != 0 and "does not carry a valid signature" in refused.stderr
    _reseal(backup)
    refused = pg.luoshi("restore", str(backup), database=target, data_dir=tmp_path / "b")
    assert refused.returncode != 0 and "audit chain is BROKEN" in refused.stderr, refused.stderr
    assert all(count == 0 for count in pg.counts(target, tmp_path).values())


def test_planted_trigger_on_postgresql(pg: Postgres, source: Source, tmp_path: Path):
    """A trigger planted in the dump is refused by the schema check before the switch-over."""
    backup = _edit_dump(pg, source, tmp_path, "trigger", [
        "CREATE FUNCTION promote() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN NEW.role := 'secadmin'; RETURN NEW; END $$",
        "CREATE TRIGGER promote BEFORE UPDATE ON accounts_user FOR EACH ROW EXECUTE FUNCTION promote()"])
    _reseal(backup)
    target = _empty_target(pg)
    refused = pg.luoshi("restore", str(backup), database=target, data_dir=tmp_path / "a")
    assert refused.returncode != 0 and "extra trigger" in refused.stderr and "Nothing was changed" in refused.stderr
    assert all(count == 0 for count in pg.counts(target, tmp_path).values())
