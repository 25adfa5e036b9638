"""Page times at a province's scale (not a test): p50 and p95 server time of the pages that
must stay fast, each beside the time of the bare SQL it runs, at growing table sizes.

Run:  createdb -h 127.0.0.1 -U postgres luoshi_scale
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_scale .venv/bin/python bench/scale_bench.py --sizes 10000,100000
      .venv/bin/python bench/scale_bench.py --sizes 10000          # SQLite in a temporary data directory

The database grows to each size in turn with `luoshi generate` (it adds to what is there, so
point it at an empty database or one this script filled). For every page it makes warm
requests through Django's test client as the supervision officer (the server's time: URL
routing, middleware, view, queries and template, no network) and the web process's CPU time
(which, on a shared machine, leaves out the waits for a core), records the queries of the
same request made again (recording routes queries through Django's debug cursor, so it is
not timed), re-runs those queries alone through connection.cursor() and reports app/SQL.
Targets at 10⁶ tasks on PostgreSQL: p95 ≤ 100 ms for the dashboard, the ledger and search;
app/SQL ≤ 3; time flat in table size.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-scale-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ.setdefault("LUOSHI_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def top_up(size: int) -> None:
    from luoshi.tasks.models import Task
    from luoshi.testing.generate import generate

    have = Task.objects.count()
    if have >= size:
        print(f"  {have:,} tasks already there")
        return

    def bar(done: int, total: int, rows: int, seconds: float) -> None:
        sys.stderr.write(f"\r  generating {done:,}/{total:,} tasks · {rows / max(seconds, 1e-9):,.0f} rows/s ")
        sys.stderr.flush()

    result = generate(size - have, seed=size, progress=bar)
    sys.stderr.write("\n")
    print(f"  generated {result.tasks:,} tasks ({result.rows:,} rows) in {result.seconds:,.0f} s "
          f"= {result.rows_per_second:,.0f} rows/s")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def pages() -> dict[str, Callable[[random.Random], str]]:
    from django.urls import NoReverseMatch, reverse

    from luoshi.tasks.models import Task
    from luoshi.units.models import Unit

    city = Unit.objects.filter(kind="city").order_by("path").first()
    top_id, last_id = Task.objects.order_by("id").values_list("id", flat=True)[:1][0], Task.objects.order_by("-id").values_list("id", flat=True)[:1][0]
    # Ids have gaps (the generator reserves them in blocks): pick tasks that exist.
    picker = random.Random(11)
    existing = [Task.objects.filter(id__gte=picker.randint(top_id, last_id)).order_by("id").values_list("id", flat=True)[:1][0]
                for _ in range(200)]
    found: dict[str, Callable[[random.Random], str]] = {
        "dashboard /": lambda rng: "/",
        f"ledger ?light=red&unit={city.code}": lambda rng: f"/tasks/?light=red&unit={city.code}",
        "task detail": lambda rng: f"/tasks/{rng.choice(existing)}/",
    }
    for label, name, query in [("search ?q=安全生产", "search", "?q=安全生产"),
                               ("API /api/v1/tasks?light=red", "api:list_tasks", "?light=red")]:
        try:
            url = reverse(name) + query
        except NoReverseMatch:
            continue
        found.setdefault(label, lambda rng, url=url: url)
    return found


def measure(client: object, url_for: Callable[[random.Random], str], requests: int, headers: dict[str, str]
            ) -> tuple[list[float], list[float], list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(7)
    for _ in range(3):  # warm: templates compiled, connections open, caches filled
        client.get(url_for(rng), headers=headers)  # type: ignore[attr-defined]
    app, cpu, sql, status, queries = [], [], [], 0, 0
    for _ in range(requests):
        url = url_for(rng)
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url, headers=headers)  # type: ignore[attr-defined]
        app.append(time.perf_counter() - started)
        # The web process's own CPU time: on a shared machine the wall time also counts the
        # waits for a core, which this does not.
        cpu.append(time.process_time() - cpu_started)
        status = response.status_code
        # The statements come from the same request made again: capturing them routes every
        # query through Django's debug cursor, whose bookkeeping the timed request must not pay.
        with CaptureQueriesContext(connection) as captured:
            client.get(url, headers=headers)  # type: ignore[attr-defined]
        statements = [q["sql"] for q in captured.captured_queries
                      if not q["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]
        queries = len(statements)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
                if cursor.description:
                    cursor.fetchall()
        sql.append(time.perf_counter() - started)
    return app, cpu, sql, status, queries


def api_token(user: object) -> str:
    """A fresh API token for the officer, when the API is there."""
    try:
        from luoshi.api.models import ApiToken
        from luoshi.api.services import create_token, revoke_token
    except ImportError:
        return ""
    from django.db import transaction

    with transaction.atomic():
        # The earlier runs' tokens go first: a user may hold only so many.
        for earlier in ApiToken.objects.filter(user=user, name__startswith="scale bench", revoked_at__isnull=True):
            revoke_token(user, earlier.pk)  # type: ignore[arg-type]
        return create_token(user, name=f"scale bench {time.time():.0f}")[1]  # type: ignore[arg-type]


def bench(sizes: list[int], requests: int) -> None:
    # Django set up as the web server sets it up (luoshi/wsgi.py), with its process prepared.
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    import luoshi.wsgi  # noqa: F401
    from luoshi.accounts.models import User

    call_command("migrate", verbosity=0, skip_checks=True)
    print(f"database: {connection.vendor} · {requests} warm requests per page, as the supervision officer")
    for size in sizes:
        print(f"\n== {size:,} tasks ==")
        top_up(size)
        client = Client()
        supervisor = User.objects.get(username="supervisor")
        client.force_login(supervisor)
        token = api_token(supervisor)
        print(f"  {'page':<34} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'CPU p95':>8} "
              f"{'SQL p50':>8} {'SQL p95':>8} {'app/SQL':>8}")
        # An API client sends its token and no session cookie: a browser's session would make
        # every API request read the session and its user as well.
        api_client = Client()
        for label, url_for in pages().items():
            api = label.startswith("API")
            headers = {"Authorization": f"Bearer {token}"} if api else {}
            app, cpu, sql, status, queries = measure(api_client if api else client, url_for, requests, headers)
            ratio = statistics.median(app) / max(statistics.median(sql), 1e-9)
            print(f"  {label:<34} {status:>6} {queries:>7} {percentile(app, .5) * 1000:>8.1f} {percentile(app, .95) * 1000:>8.1f} "
                  f"{percentile(cpu, .5) * 1000:>8.1f} {percentile(cpu, .95) * 1000:>8.1f} "
                  f"{percentile(sql, .5) * 1000:>8.1f} {percentile(sql, .95) * 1000:>8.1f} {ratio:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="task counts, comma-separated, growing")
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    bench([int(s) for s in args.sizes.split(",")], args.requests)


if __name__ == "__main__":
    main()
