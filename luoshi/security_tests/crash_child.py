"""A real process for the crash-safety tests (test_crash_safety.py): runs one bulk operation
against the test database and, when asked, stops dead in the middle of its transaction.

    python -m luoshi.security_tests.crash_child import LEDGER_ID --token=TOKEN [--pause-at FILE]
    python -m luoshi.security_tests.crash_child pass YYYY-MM-DD [--pause-at FILE --after N]  (N-th batch with escalations)
    python -m luoshi.security_tests.crash_child seal [--batch N --after K] [--pause-at FILE]  (K-th batch of N events)

With --pause-at, the child writes FILE once the operation has written rows that are not yet
committed, then sleeps until it is killed. The pause is a wrapper installed here, around a
function the operation calls inside its transaction: production code has no hook.
The database name comes from LUOSHI_CRASH_DATABASE_NAME (the test database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    from django.conf import settings

    name = os.environ.get("LUOSHI_CRASH_DATABASE_NAME")
    if name:
        settings.DATABASES["default"]["NAME"] = name
    import django

    django.setup()


# The daily pass walks this many tasks per batch here, so that a kill falls between batches.
PASS_BATCH = 2


def _pausing(original: Callable[..., Any], signal: Path, after: int = 1) -> Callable[..., Any]:
    """`original`, except that its `after`-th call is followed by a signal and a long sleep."""
    calls = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        result = original(*args, **kwargs)
        calls += 1
        if calls == after:
            from django.db import connection

            assert connection.in_atomic_block, "the pause must fall inside the operation's transaction"
            signal.write_text(str(os.getpid()), encoding="utf-8")
            time.sleep(600)  # the test kills us long before this ends
        return result

    return wrapper


def run_import(ledger_id: int, token: str, pause_at: Path | None) -> None:
    from luoshi.ledgers import services
    from luoshi.ledgers.models import LedgerImport

    ledger = LedgerImport.objects.get(pk=ledger_id)
    if pause_at is not None:
        # The last bulk write before the import marks itself done: every task, report and
        # audit event is written, nothing is committed.
        services.record_events = _pausing(services.record_events, pause_at)
    imported = services.import_ledger(ledger.uploaded_by, ledger, token=token)
    print(f"imported {imported.task_count}")


def run_pass(day: dt.date, pause_at: Path | None, after: int) -> None:
    from luoshi import lib
    from luoshi.supervision import services

    if pause_at is not None:
        # Inside a batch's transaction, once its escalations' audit events are written: the
        # `after`-th batch with escalations pauses; the batches before it are committed.
        record_events = services.record_events
        escalations = _pausing(record_events, pause_at, after)

        def pausing(actor: Any, verb: str, items: Any) -> Any:
            return escalations(actor, verb, items) if verb == "escalate_task" and items else record_events(actor, verb, items)

        services.record_events = pausing
    with lib.clock_at(day):
        report = services.run_daily_pass(batch=PASS_BATCH)
    print(report.summary())


def run_seal(pause_at: Path | None, batch: int, after: int) -> None:
    from luoshi.audit import chain
    from luoshi.audit.services import seal_pending

    if pause_at is not None:
        # Inside the `after`-th sealing transaction: its batch's seq and MACs are written, the head
        # not yet; the batches before it are committed.
        chain.seal_batch = _pausing(chain.seal_batch, pause_at, after)
    print(f"sealed {seal_pending(batch=batch)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crash_child")
    commands = parser.add_subparsers(dest="command", required=True)
    importing = commands.add_parser("import")
    importing.add_argument("ledger", type=int)
    # As --token=…: a token may begin with "-", which argparse would take for an option.
    importing.add_argument("--token", required=True)
    daily = commands.add_parser("pass")
    daily.add_argument("day", type=dt.date.fromisoformat)
    daily.add_argument("--after", type=int, default=1)
    sealing = commands.add_parser("seal")
    sealing.add_argument("--batch", type=int, default=10_000)
    sealing.add_argument("--after", type=int, default=1)
    for sub in (importing, daily, sealing):
        sub.add_argument("--pause-at", type=Path)
    args = parser.parse_args(argv)
    _setup()
    if args.command == "import":
        run_import(args.ledger, args.token, args.pause_at)
    elif args.command == "seal":
        run_seal(args.pause_at, args.batch, args.after)
    else:
        run_pass(args.day, args.pause_at, args.after)
    return 0


if __name__ == "__main__":
    sys.exit(main())
