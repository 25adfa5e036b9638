"""Does a liaison's count need its own path? (Not a test.) Times, for the liaisons of a city
and of a province department, the ledger's count (counts.light_counts: the stored rows of
the subtree plus a live count of the tasks they only cooperate on) against one live count of
every task they may read, and checks that the two agree.

Run on a database `bench/scale_bench.py` filled:
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_scale .venv/bin/python bench/liaison_counts_bench.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")


def timed(run, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    ordered = sorted(times)
    return statistics.median(times) * 1000, ordered[int(round(.95 * (len(ordered) - 1)))] * 1000, result


def main() -> None:
    import django

    django.setup()
    from django.db.models import Count

    from luoshi.accounts.models import User
    from luoshi.tasks.counts import Counts, light_counts
    from luoshi.tasks.ledger import LedgerQuery
    from luoshi.tasks.models import Task
    from luoshi.tasks.permissions import read_scope

    def live(user: User, query: LedgerQuery) -> Counts:
        tasks = query.filter(read_scope(user).tasks())
        return Counts.of(tasks.order_by().values_list("status", "light").annotate(n=Count("id", distinct=True)))

    print(f"{Task.objects.count():,} tasks · p50 / p95 ms of 30 calls")
    liaisons = User.objects.filter(role=User.Role.LIAISON).select_related("unit")
    chosen = [user for kind in ("city", "department") for user in liaisons.filter(unit__kind=kind).order_by("unit__path")[:1]]
    for user in chosen:
        led = Task.objects.filter(lead_unit__path__startswith=user.unit.path).count()
        for label, query in [("all", LedgerQuery()), ("?light=red", LedgerQuery(light="red"))]:
            stored = timed(lambda: light_counts(user, query), 30)  # noqa: B023
            counted = timed(lambda: live(user, query), 30)  # noqa: B023
            agree = "agree" if stored[2] == counted[2] else f"DIFFER {stored[2]} {counted[2]}"
            print(f"  {user.unit.kind:<10} {user.unit.code:<8} led {led:>7,}  {label:<11}"
                  f" stored+live {stored[0]:6.1f} / {stored[1]:6.1f}   live {counted[0]:6.1f} / {counted[1]:6.1f}   {agree}")


if __name__ == "__main__":
    main()
