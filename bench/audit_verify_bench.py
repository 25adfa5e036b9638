"""Audit trail benchmark (not a test): write N events, seal them, verify the chain; print events/s.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_audit_bench .venv/bin/python bench/audit_verify_bench.py
      .venv/bin/python bench/audit_verify_bench.py --events 300000          (SQLite in a temporary data directory)

The events are written with COPY on PostgreSQL (one executemany on SQLite), as `record_events`
does, in chunks of 100,000, with a before and after document like a task's, then sealed once.
A database that already holds --events events is reused: later runs time the verify alone.
Issue 24's target: verify at 100,000 events/s or more at 3,000,000 events.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-audit-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ.setdefault("LUOSHI_AUDIT_SEAL_ON_COMMIT", "False")
CHUNK = 100_000


def write_events(count: int) -> None:
    import datetime as dt

    from django.db import connection, transaction

    from luoshi import lib

    now = lib.now()
    before = json.dumps({"status": "signed", "progress": 20, "light": "green"})
    done = 0
    while done < count:
        size = min(CHUNK, count - done)
        rows = [(now + dt.timedelta(microseconds=done + n), None, "liaison-emergency", "report_progress",
                 "tasks.task", str(done + n + 1), before,
                 json.dumps({"status": "in_progress", "progress": (done + n) % 100, "report": done + n}), "")
                for n in range(size)]
        columns = "created_at, actor_id, actor_label, verb, object_type, object_id, before, after, mac"
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO audit_auditevent ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                                   rows)
        done += size
        print(f"\r  written {done:,}/{count:,}", end="", flush=True)
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=3_000_000)
    parser.add_argument("--runs", type=int, default=1, help="verify this many times")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from luoshi.audit.models import AuditEvent
    from luoshi.audit.services import seal_pending, verify_chain

    call_command("migrate", verbosity=0)
    have = AuditEvent.objects.count()
    print(f"database: {connection.vendor}, {have:,} events")
    if have < args.events:
        started = time.perf_counter()
        write_events(args.events - have)
        elapsed = time.perf_counter() - started
        print(f"write: {args.events - have:,} events in {elapsed:.1f} s ({(args.events - have) / elapsed:,.0f}/s)")
    started = time.perf_counter()
    sealed = seal_pending()
    elapsed = time.perf_counter() - started
    if sealed:
        print(f"seal: {sealed:,} events in {elapsed:.1f} s ({sealed / elapsed:,.0f}/s)")
    for _run in range(args.runs):
        started = time.perf_counter()
        report = verify_chain(seal=False)
        elapsed = time.perf_counter() - started
        print(f"verify: {'OK' if report.ok else 'BROKEN ' + report.problem}, {report.checked:,} events in "
              f"{elapsed:.1f} s: {report.checked / elapsed:,.0f} events/s  (load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
