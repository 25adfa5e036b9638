"""Audited writes per second on PostgreSQL without HTTP (not a test): the audit design alone.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_append_bench LUOSHI_DATA_DIR=/tmp/append-bench \
      .venv/bin/python bench/audit_append_bench.py   (the same data directory each time: it holds the audit key)

P processes each run N transactions shaped like a progress report: lock a row (each writer its
own unit, as each writer in the load test has its own tasks), update it, and record one audit
event with `record_event`, then commit. The time includes each process's start. Run twice in alternation: as the code is (the INSERT only; the
sealer runs beside the writers, as the worker does) and with the old head lock put back
(bench/headlock_wsgi.py's wrapper: the head row updated in every transaction and held until its
commit). The load test's pages cost far more CPU than this, so on a busy two-core machine the
load test is CPU-bound; this shows what the lock alone does to the database's write rate.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-append-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ["LUOSHI_AUDIT_SEAL_ON_COMMIT"] = "False"


def writer(index: int, count: int, head_lock: bool) -> None:
    import contextlib

    import django

    django.setup()
    from django.db import connection, transaction

    from bench.headlock_wsgi import head_lock_first
    from luoshi.audit.services import record_event
    from luoshi.units.models import Unit

    unit = Unit.objects.order_by("id")[index]
    wrapper = connection.execute_wrapper(head_lock_first) if head_lock else contextlib.nullcontext()
    with wrapper:
        for n in range(count):
            with transaction.atomic():
                locked = Unit.objects.select_for_update().get(pk=unit.pk)
                Unit.objects.filter(pk=locked.pk).update(name_zh=locked.name_zh)
                record_event(None, "append_bench", locked, after={"writer": index, "n": n})


def run(processes: int, count: int, head_lock: bool) -> float:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    children = [subprocess.Popen([sys.executable, __file__, "--child", str(i), str(count),  # noqa: S603
                                  "--head-lock" if head_lock else "--no-head-lock"], env=env, cwd=ROOT)
                for i in range(processes)]
    for child in children:
        if child.wait() != 0:
            raise SystemExit("a writer failed")
    return processes * count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--head-lock", action=argparse.BooleanOptionalAction, default=False, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        writer(args.child[0], args.child[1], args.head_lock)
        return

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from luoshi.audit.services import seal_pending, verify_chain
    from luoshi.testing.fixtures import build_province
    from luoshi.units.models import Unit
    from luoshi.units.services import create_unit

    if connection.vendor != "postgresql":
        raise SystemExit("PostgreSQL only (SQLite lets one writer in at a time): set DATABASE_URL")
    call_command("migrate", verbosity=0)
    if not Unit.objects.exists():
        build_province()
    root = Unit.objects.order_by("id").first()
    for n in range(Unit.objects.count(), args.processes):  # one unit row per writer
        create_unit(None, code=f"BENCH{n}", name_zh=f"单位{n}", name_en=f"Unit {n}", kind="department", parent=root)
    seal_pending()
    connection.close()
    # A sealer beside the writers, every 50 ms (the worker seals every second).
    stop = Path(tempfile.mkdtemp()) / "stop"
    sealer = subprocess.Popen([sys.executable, "-m", "luoshi.audit.tests.concurrent_child", "seal-until", str(stop)],  # noqa: S603
                              env=os.environ | {"LUOSHI_TEST_DATABASE_NAME": str(connection.settings_dict["NAME"])},
                              cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        for round_ in range(args.rounds):
            for head_lock in (True, False) if round_ % 2 == 0 else (False, True):
                load = " ".join(f"{v:.1f}" for v in os.getloadavg())
                rate = run(args.processes, args.writes, head_lock)
                print(f"{'old head lock' if head_lock else 'insert only  '}: {args.processes} × {args.writes} "
                      f"writes, {rate:,.0f} transactions/s (load average before: {load})", flush=True)
    finally:
        stop.write_text("stop")
        sealer.wait(timeout=120)
    seal_pending()
    report = verify_chain(seal=False)
    print(f"chain: {'intact' if report.ok else 'BROKEN'}, {report.checked:,} events")


if __name__ == "__main__":
    main()
