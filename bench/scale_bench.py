"""Page times at a province's scale (not a test): p50 and p95 server time of what people do,
role by role, each beside the time of the bare SQL it runs, at growing table sizes.

Run:  createdb -h 127.0.0.1 -U postgres luoshi_scale
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_scale .venv/bin/python bench/scale_bench.py --sizes 10000,100000
      .venv/bin/python bench/scale_bench.py --sizes 10000          # SQLite in a temporary data directory
      … --only "ledger"   /   --skip " ."                          # some pages only / without the documents

The database grows to each size in turn with `luoshi generate` (it adds to what is there, so
point it at an empty database or one this script filled). The pages (`pages()`): every role's
home (the office, a leader, a secretary, a department liaison, a city liaison with counties
below it, the three administrators), the ledger with each filter and sort (and `q` with
frequent and rare words, Chinese and English), the task page, search, the API list with each
filter, the Word stocktake and bulletin and the Excel export of a filtered ledger. Each is
asked with warm requests through Django's test client as its user (the server's time: URL
routing, middleware, view, queries and template, no network); the queries of the same
request made again are recorded (recording routes queries through Django's debug cursor, so
it is not timed) and re-run alone through connection.cursor() for the SQL time. Two
references in the same run: a trivial signed-in view (the floor of any page) and
`SELECT count(*)` over the tasks table. The load average is printed at the start and the end:
on a shared machine, compare runs only with their load.
Targets at 10⁶ tasks on PostgreSQL: p95 ≤ 100 ms for every page; time flat in table size.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-scale-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ.setdefault("LUOSHI_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# The benchmark asks the API more often than a client may (LUOSHI_API_RATE): it times the list, not the limit.
os.environ.setdefault("LUOSHI_API_RATE", "1000000/min")


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


# Search words: frequent and rare, in Chinese and in English (the generated year's readouts
# repeat; a rare word is one that few documents contain).
# At 10⁵ tasks: 安全生产 in 2.5 % of the tasks, 冰雪 in 0.4 %, safety in 2 %, hengqin in 0.35 %;
# 供暖 (the word of issue 18's figures) in none, which made the old ledger read every task.
SEARCH_WORDS = {"zh frequent": "安全生产", "zh rare": "冰雪", "en frequent": "safety", "en rare": "hengqin"}


@dataclass(frozen=True)
class Page:
    """One timed page: who asks, and the URL (a function of a random source, for pages that
    pick a task)."""

    label: str
    user: str
    url: Callable[[random.Random], str]
    api: bool = False


def pages(only: str = "", skip: str = "") -> list[Page]:
    """What people do, role by role: every home, the ledger with each filter and sort, the task
    page, search, the API list with each filter, the documents and the ledger's export."""
    from django.urls import reverse

    from luoshi.meetings.models import Meeting, PriorityArea
    from luoshi.tasks.models import Task
    from luoshi.units.models import Unit

    city = Unit.objects.filter(code="SY").first() or Unit.objects.filter(kind="city").order_by("path").first()
    department = Unit.objects.filter(code="EMERG").first() or Unit.objects.filter(kind="department").first()
    area = PriorityArea.objects.order_by("code").first()
    meeting = Meeting.objects.order_by("-date", "-id").first()
    top_id = Task.objects.order_by("id").values_list("id", flat=True)[:1][0]
    last_id = Task.objects.order_by("-id").values_list("id", flat=True)[:1][0]
    # Ids have gaps (the generator reserves them in blocks): pick tasks that exist.
    picker = random.Random(11)
    existing = [Task.objects.filter(id__gte=picker.randint(top_id, last_id)).order_by("id").values_list("id", flat=True)[:1][0]
                for _ in range(200)]

    def fixed(url: str) -> Callable[[random.Random], str]:
        return lambda rng: url

    found = [
        Page("reference: trivial signed-in view", "supervisor", fixed(reverse("account_contact"))),
        Page("home: supervisor", "supervisor", fixed("/")),
        Page("home: leader", "leader", fixed("/")),
        Page("home: secretary", "secretary", fixed("/")),
        Page(f"home: department liaison ({department.code})", "emergency", fixed("/")),
        Page(f"home: city liaison ({city.code})", "shenyang", fixed("/")),
        Page("home: system administrator", "sysadmin", fixed("/")),
        Page("home: security administrator", "secadmin", fixed("/")),
        Page("home: audit administrator", "auditadmin", fixed("/")),
    ]
    ledger = reverse("ledger")
    filters = [("", ""), ("unit", f"unit={city.code}"), ("status", "status=working"),
               ("status", "status=in_progress"), ("light", "light=red"), ("area", f"area={area.code}"),
               ("meeting", f"meeting={meeting.pk}"), ("deadline", "deadline_from=2026-01-01&deadline_to=2026-03-31"),
               *(("q", f"q={word}") for word in (*SEARCH_WORDS.values(), "供暖")),
               ("light+unit", f"light=red&unit={city.code}"), ("page", "page=40")]
    filters += [("sort", f"sort={sort}") for sort in ("-deadline", "progress", "-progress", "light", "updated")]
    for _name, query in filters:
        found.append(Page(f"ledger ?{query}" if query else "ledger", "supervisor", fixed(f"{ledger}?{query}")))
    found.append(Page("ledger ?light=red as city liaison", "shenyang", fixed(f"{ledger}?light=red")))
    found.append(Page(f"ledger ?q={SEARCH_WORDS['zh frequent']} as city liaison", "shenyang",
                      fixed(f"{ledger}?q={SEARCH_WORDS['zh frequent']}")))
    found.append(Page("task page", "supervisor", lambda rng: f"/tasks/{rng.choice(existing)}/"))
    search = reverse("search")
    for kind, word in SEARCH_WORDS.items():
        found.append(Page(f"search {kind} ?q={word}", "supervisor", fixed(f"{search}?q={word}")))
    found.append(Page("search zh frequent as city liaison", "shenyang", fixed(f"{search}?q={SEARCH_WORDS['zh frequent']}")))
    api = reverse("api:list_tasks")
    for query in ("", f"unit={city.code}", "status=in_progress", "light=red", f"area={area.code}",
                  f"meeting={meeting.pk}", "deadline_from=2026-01-01&deadline_to=2026-03-31", "q=供暖", f"q={SEARCH_WORDS['zh frequent']}", "q=safety",
                  "sort=updated", "sort=light"):
        found.append(Page(f"API tasks ?{query}" if query else "API tasks", "supervisor", fixed(f"{api}?{query}"), api=True))
    found.append(Page("stocktake .docx", "leader", fixed(reverse("stocktake_docx"))))
    found.append(Page("bulletin .docx", "supervisor", fixed(reverse("bulletin_docx") + "?period=2026-11&number=1")))
    found.append(Page(f"export .xlsx ?light=red&unit={city.code}", "supervisor",
                      fixed(f"{reverse('ledger_export')}?light=red&unit={city.code}")))
    return [page for page in found if only in page.label and not (skip and any(
        word in page.label for word in skip.split(",")))]


def measure(client: object, url_for: Callable[[random.Random], str], requests: int, headers: dict[str, str]) -> tuple[list[float], list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(7)
    for _ in range(3):  # warm: templates compiled, connections open, caches filled
        client.get(url_for(rng), headers=headers)  # type: ignore[attr-defined]
    app, sql, status, queries = [], [], 0, 0
    for _ in range(requests):
        url = url_for(rng)
        started = time.perf_counter()
        response = client.get(url, headers=headers)  # type: ignore[attr-defined]
        app.append(time.perf_counter() - started)
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
    return app, sql, status, queries


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


def count_reference(requests: int) -> list[float]:
    """`SELECT count(*)` over the tasks table, timed alone: the floor of any page that counts
    its rows."""
    from django.db import connection

    from luoshi.tasks.models import Task

    times = []
    with connection.cursor() as cursor:
        for _ in range(requests + 3):
            started = time.perf_counter()
            cursor.execute(f"SELECT count(*) FROM {Task._meta.db_table}")
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    return times[3:]


def bench(sizes: list[int], requests: int, only: str = "", skip: str = "") -> None:
    # Django set up as the web server sets it up (luoshi/wsgi.py), with its process prepared.
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    import luoshi.wsgi  # noqa: F401
    from luoshi.accounts.models import User

    call_command("migrate", verbosity=0, skip_checks=True)
    print(f"database: {connection.vendor} · {requests} warm requests per page · load average "
          + " ".join(f"{n:.2f}" for n in os.getloadavg()))
    for size in sizes:
        print(f"\n== {size:,} tasks ==")
        top_up(size)
        clients: dict[str, Client] = {}
        tokens: dict[str, str] = {}
        header = f"  {'page':<52} {'user':<11} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'SQL p50':>8} {'SQL p95':>8}"
        print(header)
        times = count_reference(requests)
        print(f"  {'reference: SELECT count(*) over tasks':<52} {'':<11} {'':>6} {1:>7} {percentile(times, .5) * 1000:>8.1f} "
              f"{percentile(times, .95) * 1000:>8.1f}")
        for page in pages(only, skip):
            user = User.objects.get(username=page.user)
            if page.api:
                # An API client sends its token and no session cookie: a browser's session would
                # make every API request read the session and its user as well.
                if page.user not in tokens:
                    tokens[page.user] = api_token(user)
                client, headers = Client(), {"Authorization": f"Bearer {tokens[page.user]}"}
            else:
                if page.user not in clients:
                    clients[page.user] = Client()
                    clients[page.user].force_login(user)
                client, headers = clients[page.user], {}
            app, sql, status, queries = measure(client, page.url, requests, headers)
            print(f"  {page.label:<52} {page.user:<11} {status:>6} {queries:>7} {percentile(app, .5) * 1000:>8.1f} "
                  f"{percentile(app, .95) * 1000:>8.1f} {percentile(sql, .5) * 1000:>8.1f} {percentile(sql, .95) * 1000:>8.1f}",
                  flush=True)
    print("load average at the end " + " ".join(f"{n:.2f}" for n in os.getloadavg()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="task counts, comma-separated, growing")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--only", default="", help="time only the pages whose label contains this")
    parser.add_argument("--skip", default="", help="leave out the pages whose label contains any of these (comma-separated)")
    args = parser.parse_args()
    bench([int(s) for s in args.sizes.split(",")], args.requests, args.only, args.skip)


if __name__ == "__main__":
    main()
