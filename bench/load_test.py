"""A load test on loopback (not a test): gunicorn serving a generated database, 50 users
reading and writing for 60 seconds.

Run:  DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_load .venv/bin/python bench/load_test.py --tasks 10000
      (the database is generated first when it holds fewer than --tasks tasks; gunicorn comes with
      `pip install -e '.[prod]'`)

Old against new, in the same run: check the old commit out in another worktree with its own venv
and its own copy of the database, and name it with LUOSHI_LOAD_ROOT (its code serves, and this
script imports it; the script itself stays this one):
      LUOSHI_LOAD_ROOT=/work/wt/audit-old DATABASE_URL=…/luoshi_old /work/wt/audit-old/.venv/bin/python bench/load_test.py …

Users log in through the login page with the demo password. Readers are a mix of roles
(READER_USERS: the office, leaders, a secretary, department and city liaisons), each opening
their own home, the ledger with the filters and sorts their role uses, search and the tasks
they may read; writers (the liaisons of lead units)
open one of their unit's tasks in progress and post a progress report through the web form,
each writer on tasks no other writer touches. At the end it prints throughput, p50/p95 per
kind of request and the errors (anything but 200 or a redirect; must be zero), then checks
that no update was lost: every report a writer saw accepted is in the database, and each
task's version rose by exactly the number of reports posted on it. On PostgreSQL it samples
pg_stat_activity twice a second and prints the share of active backends waiting on a lock, and
the statements they waited in (issue 23).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(os.environ.get("LUOSHI_LOAD_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-load-test-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ.setdefault("LUOSHI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
PASSWORD = "luoshi-demo-2022"


class Browser:
    """One user's keep-alive connection with its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None,
                extra: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1",
                   **(extra or {})}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _sep, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def login(self, username: str) -> None:
        self.request("GET", "/login/")
        status, _text = self.request("POST", "/login/", {"username": username, "password": PASSWORD,
                                                         "csrfmiddlewaretoken": self.csrf()})
        if status != 302:
            raise RuntimeError(f"{username} could not log in (HTTP {status})")


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.posted: dict[int, int] = defaultdict(int)  # task id → reports accepted

    def add(self, kind: str, seconds: float, status: int, path: str) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if status not in {200, 302}:
                self.errors.append(f"{kind} {path} → HTTP {status}")


class Clock:
    """The run's window: it opens once every user has logged in (logins hash passwords, which is
    not what is measured; on a busy machine they took most of a 60 s run) and lasts `seconds`."""

    def __init__(self, users: int, seconds: int) -> None:
        self.stop = 0.0
        self.gate = threading.Barrier(users + 1, action=self._open)
        self.seconds = seconds

    def _open(self) -> None:
        self.stop = time.monotonic() + self.seconds

    def ready(self) -> None:
        """Wait until every user has logged in (or failed to)."""
        self.gate.wait(timeout=900)

    def running(self) -> bool:
        return time.monotonic() < self.stop


def signed_in(port: int, username: str, clock: Clock) -> Browser:
    browser = Browser(port)
    try:
        browser.login(username)
    finally:
        clock.ready()
    return browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(tasks: int) -> tuple[list[int], dict[str, list[int]], str, dict[str, list[int]]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from luoshi.accounts.models import User
    from luoshi.tasks.models import Task
    try:
        from luoshi.testing.generate import generate
    except ImportError:  # the code before issue 17 kept the generator in web
        from luoshi.web.generate import generate
    from luoshi.units.models import Unit

    call_command("migrate", verbosity=0, skip_checks=True)
    have = Task.objects.count()
    if have < tasks:
        print(f"generating {tasks - have:,} tasks …")
        generate(tasks - have)
    print(f"database: {connection.vendor}, {Task.objects.count():,} tasks")
    try:
        from luoshi.audit.services import seal_pending
    except ImportError:  # the code before the keyed chain (issue 23) has no sealer
        pass
    else:
        # A freshly generated or migrated trail is sealed before the clock starts, so the worker
        # seals only what the run writes.
        started = time.perf_counter()
        print(f"sealed {seal_pending():,} audit events in {time.perf_counter() - started:.0f} s")
    task_ids = list(Task.objects.order_by("?").values_list("id", flat=True)[:2000])
    # Writers: liaisons whose unit leads leaf tasks in progress; each gets its own tasks.
    writers: dict[str, list[int]] = {}
    for user in User.objects.filter(role=User.Role.LIAISON, is_active=True).select_related("unit").order_by("id"):
        mine = list(Task.objects.filter(lead_unit=user.unit, status="in_progress", children__isnull=True)
                    .order_by("id").values_list("id", flat=True)[:20])
        if mine and not any(set(mine) & set(ids) for ids in writers.values()):
            writers[user.username] = mine
    city = Unit.objects.filter(kind="city").order_by("path").first()
    # Readers: each role's own tasks to open (a liaison opens what their units lead or share).
    from luoshi.tasks.permissions import visible_tasks

    readable: dict[str, list[int]] = {}
    for username in READER_USERS:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is not None:
            readable[username] = list(visible_tasks(user).order_by("?").values_list("id", flat=True)[:300])
    connection.close()
    return task_ids, writers, city.code if city else "", readable


def guarded(target: Callable[..., None], stats: Stats, *args: object) -> None:
    """A user whose request fails (timeout, refused) counts an error and stops."""
    try:
        target(*args)
    except Exception as error:  # noqa: BLE001 - whatever stops a user is an error of the run
        with stats.lock:
            stats.errors.append(f"{target.__name__}: {type(error).__name__}: {error}")


# The readers' mix: who they are (the demo users, weighted roughly as a province's people use
# it: liaisons most, then the office, leaders and secretaries few) and what each role opens.
READER_USERS = {"supervisor": 6, "leader": 2, "secretary": 1, "emergency": 3, "health": 2, "housing": 2,
                "drc": 2, "shenyang": 3, "dalian": 3}
SUPERVISOR_PAGES = ["/", "/tasks/?light=red&unit={city}", "/tasks/?q=安全生产", "/tasks/?sort=updated",
                    "/tasks/?status=working&sort=light", "/search/?q=安全生产", "{task}"]
LIAISON_PAGES = ["/", "/", "/tasks/", "/tasks/?light=red", "/tasks/?q=安全生产", "/search/?q=safety", "{task}", "{task}"]
ROLE_PAGES = {"supervisor": SUPERVISOR_PAGES, "leader": ["/", "/", "/tasks/?light=red", "{task}"],
              "secretary": ["/", "/search/?q=安全生产", "/tasks/?sort=updated"]}


def reader(port: int, clock: Clock, stats: Stats, username: str, task_ids: list[int], city: str, seed: int) -> None:
    rng = random.Random(seed)
    browser = signed_in(port, username, clock)
    role = username if username in ROLE_PAGES else "liaison"
    pages = ROLE_PAGES.get(username, LIAISON_PAGES)
    while clock.running():
        path = rng.choice(pages)
        if path == "{task}":
            if not task_ids:
                continue
            kind, path = "task detail", f"/tasks/{rng.choice(task_ids)}/"
        else:
            path = quote(path.format(city=city), safe="/?=&")  # the Chinese words percent-encoded
            kind = "home" if path == "/" else path.split("?")[0].strip("/").split("/")[0] or "home"
        started = time.perf_counter()
        status, _text = browser.request("GET", path)
        stats.add(f"{role}: {kind}", time.perf_counter() - started, status, path)


VERSION = re.compile(r'name="version" value="(\d+)"')


def writer(port: int, clock: Clock, stats: Stats, username: str, task_ids: list[int], marker: str, seed: int) -> None:
    rng = random.Random(seed)
    browser = signed_in(port, username, clock)
    while clock.running():
        task = rng.choice(task_ids)
        started = time.perf_counter()
        status, text = browser.request("GET", f"/tasks/{task}/")
        stats.add("task detail", time.perf_counter() - started, status, f"/tasks/{task}/")
        match = VERSION.search(text)
        if status == 200 and match is None:
            # Since issue 17 the page holds no action form: opening "Report progress" fetches it
            # (htmx), from the URL that takes the POST.
            started = time.perf_counter()
            status, text = browser.request("GET", f"/tasks/{task}/report/", extra={"HX-Request": "true"})
            stats.add("report form (htmx)", time.perf_counter() - started, status, f"/tasks/{task}/report/")
            match = VERSION.search(text)
        if status != 200 or match is None:
            stats.add("report (no form)", 0.0, 599, f"/tasks/{task}/")
            continue
        form = {"csrfmiddlewaretoken": browser.csrf(), "version": match.group(1), "text": f"{marker} 进展 {uuid.uuid4().hex[:8]}",
                "progress": str(rng.randint(10, 90)), "period": ""}
        started = time.perf_counter()
        status, _text = browser.request("POST", f"/tasks/{task}/report/", form)
        stats.add("report (POST)", time.perf_counter() - started, status, f"/tasks/{task}/report/")
        if status == 302:
            with stats.lock:
                stats.posted[task] += 1


class LockSampler(threading.Thread):
    """Samples pg_stat_activity: how many of the database's active backends wait on a lock."""

    def __init__(self, stop: float) -> None:
        super().__init__(daemon=True)
        self.stop_at = stop
        self.active = 0
        self.waiting = 0
        self.statements: dict[str, int] = defaultdict(int)

    def run(self) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            while time.monotonic() < self.stop_at:
                cursor.execute("SELECT wait_event_type, left(query, 60) FROM pg_stat_activity WHERE datname = "
                               "current_database() AND state = 'active' AND pid <> pg_backend_pid()")
                for wait, query in cursor.fetchall():
                    self.active += 1
                    if wait == "Lock":
                        self.waiting += 1
                        self.statements[query] += 1
                time.sleep(0.5)
        connection.close()

    def summary(self) -> str:
        if not self.active:
            return "lock waits: not sampled (PostgreSQL only)"
        top = sorted(self.statements.items(), key=lambda item: -item[1])[:3]
        lines = [f"lock waits: {self.waiting} of {self.active} active-backend samples "
                 f"({100 * self.waiting / self.active:.1f} %)"]
        lines += [f"  {count:>5} × {query}" for query, count in top]
        return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--writers", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--app", default="luoshi.wsgi",
                        help="the WSGI app gunicorn serves; bench.headlock_wsgi:application puts the old audit head "
                             "lock back into the same code, for an A/B of the audit design alone")
    parser.add_argument("--label", default="", help="a name printed with the results (e.g. old or new)")
    parser.add_argument("--no-worker", action="store_true",
                        help="do not run `luoshi worker` beside the server (it seals the audit trail every second)")
    args = parser.parse_args()

    task_ids, writer_tasks, city, readable = prepare(args.tasks)
    from luoshi.tasks.models import ProgressReport, Task

    writers = list(writer_tasks.items())[: args.writers]
    watched = [t for _u, ids in writers for t in ids]
    versions_before = dict(Task.objects.filter(pk__in=watched).values_list("id", "version"))
    from django.db import connection

    connection.close()
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), args.app, "--preload", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--threads", str(args.threads), "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ}, start_new_session=True,
    )
    worker = None if args.no_worker else subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "luoshi"), "worker"], cwd=ROOT, env={**os.environ}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        marker = f"load-{uuid.uuid4().hex[:8]}"
        stats = Stats()
        people = random.Random(5).choices(list(readable), weights=[READER_USERS[u] for u in readable],
                                          k=args.users - len(writers))
        clock = Clock(len(writers) + len(people), args.seconds)
        threads = [threading.Thread(target=guarded, args=(writer, stats, port, clock, stats, name, ids, marker, n))
                   for n, (name, ids) in enumerate(writers)]
        threads += [threading.Thread(target=guarded, args=(reader, stats, port, clock, stats, username,
                                                           readable[username], city, 100 + n))
                    for n, username in enumerate(people)]
        for thread in threads:
            thread.start()
        logging_in = time.perf_counter()
        clock.ready()
        print(f"{len(threads)} users logged in in {time.perf_counter() - logging_in:.0f} s; the clock starts")
        sampler = LockSampler(clock.stop)
        started = time.perf_counter()
        sampler.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 60)
        elapsed = time.perf_counter() - started
    finally:
        for process in (server, worker):
            if process is None:
                continue
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    total = sum(len(v) for v in stats.times.values()) or 1
    print(f"\n{args.label + ': ' if args.label else ''}{ROOT} · load average {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    print(f"{args.users} users ({len(writers)} writing) · gunicorn {args.workers} workers × {args.threads} threads · "
          f"{elapsed:.0f} s")
    print(f"{total:,} requests · {total / elapsed:,.1f} requests/s · errors: {len(stats.errors)} · "
          f"reports accepted {sum(stats.posted.values()) / elapsed:,.2f}/s")
    print(f"  {'request':<26} {'count':>7} {'p50 ms':>8} {'p95 ms':>8}")
    everything = []
    for kind, values in sorted(stats.times.items()):
        everything += values
        ordered = sorted(values)
        print(f"  {kind:<26} {len(values):>7} {statistics.median(values) * 1000:>8.0f} "
              f"{ordered[int(0.95 * (len(ordered) - 1))] * 1000:>8.0f}")
    ordered = sorted(everything)
    print(f"  {'all':<26} {len(ordered):>7} {statistics.median(ordered) * 1000:>8.0f} "
          f"{ordered[int(0.95 * (len(ordered) - 1))] * 1000:>8.0f}")
    for error in stats.errors[:10]:
        print("  error:", error)
    sampler.join(timeout=10)
    print(sampler.summary())

    saved = ProgressReport.objects.filter(text__startswith=marker).count()
    posted = sum(stats.posted.values())
    versions_after = dict(Task.objects.filter(pk__in=watched).values_list("id", "version"))
    wrong = [t for t in watched if versions_after[t] - versions_before[t] != stats.posted.get(t, 0)]
    print(f"lost updates: reports accepted {posted}, in the database {saved}; "
          f"tasks whose version did not rise by their reports: {len(wrong)}")
    ok = not stats.errors and saved == posted and not wrong
    print("OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
