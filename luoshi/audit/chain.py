"""The keyed audit chain: the key, the bytes each MAC covers, sealing and the streaming walk.

Business transactions only INSERT an `AuditEvent` (no sequence number, no MAC, no lock on a
shared row). A sealer (`seal_pending`) then takes the head row's lock for a short transaction,
gives the committed unsealed events, in id order, the next gapless sequence numbers and chains
them: mac(n) = HMAC-SHA256(key, mac(n-1) | n | message(event)). The head keeps the number of
sealed events and the newest MAC, signed with the same key. The key lives outside the database,
so someone who can write the database cannot recompute a MAC after an edit.

`message` is built by the database from what it stores (every column, the variable ones
prefixed with their length, NULL spelled `\\N`; the before and after documents are stored as
canonical JSON text), so the sealer and the verifier read exactly the same bytes and nothing is
re-serialised on either side; that is what lets `walk` check over 100,000 events a second. The
SQL differs per engine only in how it spells the time, and a backup restores only into the
engine it came from.

The functions that take a DB-API `cursor` also run on a raw connection to a staging database
(a restore checks the chain before switching over); `placeholder` is its parameter style.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GENESIS = "0" * 64
EVENT_TABLE = "audit_auditevent"
HEAD_TABLE = "audit_audithead"
# Events per statement when sealing and per fetch when walking: big enough that the per-query
# cost vanishes, small enough that memory stays flat.
SEAL_BATCH = 10_000
WALK_CHUNK = 20_000


def _message_sql(vendor: str) -> str:
    """The SQL expression whose text every event's MAC covers (everything but seq and mac)."""
    def sized(expr: str) -> str:
        return f"length({expr}) || ':' || {expr}"

    if vendor == "postgresql":
        fixed = ["id::text", "(extract(epoch from created_at) * 1000000)::bigint::text",
                 "coalesce(actor_id::text, '\\N')"]
    else:
        fixed = ["CAST(id AS TEXT)", "created_at", "coalesce(CAST(actor_id AS TEXT), '\\N')"]
    texts = [sized(column) for column in ("actor_label", "verb", "object_type", "object_id")]
    documents = [f"coalesce({sized(column)}, '\\N')" for column in ("before", "after")]
    return " || '|' || ".join([*fixed, *texts, *documents])


def mac(key: bytes, prev_mac: str, seq: int, message: str) -> str:
    return hmac.digest(key, f"{prev_mac}|{seq}|{message}".encode(), "sha256").hex()


def sign(key: bytes, *parts: object) -> str:
    """A MAC over a few plain values (the head, an anchor, a backup manifest)."""
    return hmac.digest(key, "|".join(str(part) for part in parts).encode(), "sha256").hex()


# --- the key --------------------------------------------------------------------------------------


def audit_key() -> bytes:
    """LUOSHI_AUDIT_KEY (or the file LUOSHI_AUDIT_KEY_FILE names), else a key generated once into
    the data directory (`audit_key`, mode 0600), like the secret key."""
    from django.conf import settings

    if settings.LUOSHI_AUDIT_KEY:
        return settings.LUOSHI_AUDIT_KEY.encode()
    path = Path(settings.DATA_DIR) / "audit_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip().encode()


# --- anchors --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """A signed statement "the trail held `seq` events and the newest MAC was `mac`"."""

    seq: int
    mac: str
    sealed_at: str
    signature: str

    @classmethod
    def of(cls, key: bytes, seq: int, mac_: str, sealed_at: str) -> Anchor:
        return cls(seq, mac_, sealed_at, sign(key, "anchor", seq, mac_, sealed_at))

    def valid(self, key: bytes) -> bool:
        return hmac.compare_digest(self.signature, sign(key, "anchor", self.seq, self.mac, self.sealed_at))

    def dumps(self) -> str:
        return json.dumps({"luoshi_audit_anchor": 1, "seq": self.seq, "mac": self.mac,
                           "sealed_at": self.sealed_at, "signature": self.signature}, indent=2) + "\n"

    @classmethod
    def loads(cls, text: str) -> Anchor:
        try:
            data = json.loads(text)
            return cls(int(data["seq"]), str(data["mac"]), str(data["sealed_at"]), str(data["signature"]))
        except (ValueError, KeyError, TypeError):
            raise ValueError("not a Luoshi audit anchor (luoshi audit anchor writes one)") from None


def local_anchor_path() -> Path | None:
    """Where the sealer keeps its own newest anchor, outside the database (empty setting: nowhere)."""
    from django.conf import settings

    value = settings.LUOSHI_AUDIT_ANCHOR_FILE
    return Path(value) if value else None


def read_local_anchor() -> Anchor | None:
    path = local_anchor_path()
    if path is None or not path.exists():
        return None
    return Anchor.loads(path.read_text(encoding="utf-8"))


def write_local_anchor(anchor: Anchor) -> None:
    """Replace the local anchor atomically, only ever with a newer one."""
    path = local_anchor_path()
    if path is None:
        return
    try:
        current = read_local_anchor()
    except ValueError:
        current = None
    if current is not None and current.seq >= anchor.seq:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".audit_anchor.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(anchor.dumps())
    os.replace(temporary, path)


# --- sealing --------------------------------------------------------------------------------------


def seal_batch(cursor: Any, vendor: str, key: bytes, head_count: int, head_mac: str,
               batch: int = SEAL_BATCH) -> tuple[int, str, int]:
    """Seal up to `batch` committed unsealed events after (head_count, head_mac). The caller holds
    the head's lock in the same transaction and stores the returned (count, mac) in the head.
    Returns (new count, new newest MAC, events sealed)."""
    cursor.execute(f"SELECT id, {_message_sql(vendor)} FROM {EVENT_TABLE} WHERE seq IS NULL "  # nosec B608 # fixed SQL
                   f"ORDER BY id LIMIT {int(batch)}")
    rows = cursor.fetchall()
    if not rows:
        return head_count, head_mac, 0
    ids, seqs, macs = [], [], []
    prev, seq = head_mac, head_count
    for event_id, message in rows:
        seq += 1
        prev = mac(key, prev, seq, message)
        ids.append(event_id)
        seqs.append(seq)
        macs.append(prev)
    if vendor == "postgresql":
        cursor.execute(f"UPDATE {EVENT_TABLE} AS e SET seq = v.seq, mac = v.mac "  # nosec B608 # fixed SQL
                       "FROM unnest(%s::bigint[], %s::bigint[], %s::text[]) AS v(id, seq, mac) WHERE e.id = v.id",
                       [ids, seqs, macs])
    else:
        cursor.executemany(f"UPDATE {EVENT_TABLE} SET seq = %s, mac = %s WHERE id = %s",  # nosec B608 # fixed SQL
                           list(zip(seqs, macs, ids, strict=True)))
    return seq, prev, len(rows)


# --- the walk -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Walk:
    checked: int
    last_seq: int
    last_mac: str
    broken_seq: int | None = None
    broken_event_id: int | None = None
    problem: str = ""  # "gap" or "mac"


def _chunks(cursor: Any, sql: str, start: int, chunk: int, prefetch: bool) -> Generator[list[Any], None, None]:
    """The sealed events after `start`, `chunk` rows at a time. With `prefetch`, the next chunk is
    read in a thread while the caller checks this one (the database builds the messages while
    Python computes MACs; both drivers release the GIL while they wait). The next chunk is
    guessed to start `chunk` numbers on, which holds exactly when this one had no gap, and the
    caller stops at the first gap."""
    def fetch(after: int) -> list[Any]:
        cursor.execute(sql, [after])
        return cursor.fetchall()

    if not prefetch:
        after = start
        while True:
            rows = fetch(after)
            yield rows
            if len(rows) < chunk:
                return
            after += chunk
    with ThreadPoolExecutor(max_workers=1) as pool:
        after = start
        pending = pool.submit(fetch, after)
        while True:
            rows = pending.result()
            if len(rows) == chunk:
                pending = pool.submit(fetch, after + chunk)
            yield rows
            if len(rows) < chunk:
                return
            after += chunk


def walk(cursor: Any, vendor: str, key: bytes, *, start_seq: int = 0, start_mac: str = GENESIS,
         placeholder: str = "%s", progress: Callable[[int], None] | None = None,
         chunk: int = WALK_CHUNK, prefetch: bool = False) -> Walk:
    """Check every sealed event after `start_seq` in order: consecutive numbers, and each MAC
    recomputed from its predecessor's. Stops at the first event that does not fit. `prefetch`
    needs a cursor that may be used from another thread (one at a time)."""
    sql = (f"SELECT seq, id, mac, {_message_sql(vendor)} FROM {EVENT_TABLE} "  # nosec B608 # fixed SQL
           f"WHERE seq > {placeholder} ORDER BY seq LIMIT {int(chunk)}")
    digest, expected, prev = hmac.digest, start_seq + 1, start_mac
    chunks = _chunks(cursor, sql, start_seq, chunk, prefetch)
    try:
        for rows in chunks:
            for seq, event_id, stored, message in rows:
                if seq != expected:
                    return Walk(expected - 1 - start_seq, expected - 1, prev, seq, event_id, "gap")
                if digest(key, f"{prev}|{seq}|{message}".encode(), "sha256").hex() != stored:
                    return Walk(expected - 1 - start_seq, expected - 1, prev, seq, event_id, "mac")
                prev = stored
                expected += 1
            if progress is not None:
                progress(expected - 1)
    finally:
        chunks.close()  # waits for a prefetch still running, so the cursor is free again
    return Walk(expected - 1 - start_seq, expected - 1, prev)


def mac_at(cursor: Any, seq: int, placeholder: str = "%s") -> str | None:
    if seq == 0:
        return GENESIS
    cursor.execute(f"SELECT mac FROM {EVENT_TABLE} WHERE seq = {placeholder}", [seq])  # nosec B608 # fixed SQL
    row = cursor.fetchone()
    return row[0] if row else None
