"""How long the review of a 3,000-character readout takes with the checks (not a test).

Run:  .venv/bin/python bench/review_bench.py                 # SQLite in a temporary data directory
      DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_review .venv/bin/python bench/review_bench.py
      … --copies 20                                            # the corpus's meetings recorded 20 times

The database holds the demo province (its seed meeting with tasks) and the corpus's readouts
as earlier meetings (each gold directive a directive, `--copies` times over), all indexed.
The readout under review is Chinese, 3,000 characters: the seed readout followed by corpus
readouts. Timed, warm, as the server runs it: the whole review request (extraction, the
forms, the checks of every directive, the page) through Django's test client as the office,
and the checks alone (earlier demands and gaps of every directive). Target: under 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LUOSHI_DATA_DIR", tempfile.mkdtemp(prefix="luoshi-review-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ.setdefault("LUOSHI_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")


def corpus_meetings() -> list[tuple[dt.date, list[str]]]:
    out = []
    for path in sorted(glob.glob(str(ROOT / "corpus" / "*" / "*.gold.json"))):
        gold = json.loads(Path(path).read_text(encoding="utf-8"))
        texts = [d["text"] if isinstance(d, dict) else d for d in gold.get("directives") or []]
        day = gold.get("date") or gold.get("published")
        if texts:
            out.append((dt.date.fromisoformat(day) if day else dt.date(2020, 1, 1), texts))
    return out


def readout_of(chars: int) -> str:
    from luoshi.web.demo import READOUT_ZH

    text = READOUT_ZH.read_text(encoding="utf-8")
    for path in sorted(glob.glob(str(ROOT / "corpus" / "*-zh-*" / "zh-*.txt"))):
        if len(text) >= chars:
            break
        text += "\n\n" + Path(path).read_text(encoding="utf-8").split("\n", 1)[-1]
    return text[:chars]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--without-checks", action="store_true",
                        help="time the review page without the checks, for their share of it")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    import luoshi.wsgi  # noqa: F401  # as the server starts: jieba's dictionary loaded
    from luoshi.accounts.models import User
    from luoshi.checks import review
    from luoshi.checks.repeats import earlier_demands
    from luoshi.extraction import extract
    from luoshi.meetings import extracting
    from luoshi.meetings.models import Directive
    from luoshi.meetings.services import DirectiveInput, record_meeting
    from luoshi.web.demo import load_demo

    call_command("migrate", verbosity=0, skip_checks=True)
    if not User.objects.filter(username="supervisor").exists():
        load_demo()
    secretary = User.objects.get(username="secretary")
    meetings = corpus_meetings()
    for _copy in range(args.copies):
        for day, texts in meetings:
            record_meeting(secretary, kind="executive", title="corpus", date=day,
                           directives=[DirectiveInput(text=t[:2000]) for t in texts])
    readout = readout_of(args.chars)
    print(f"database: {connection.vendor} · {Directive.objects.count():,} directives indexed · "
          f"readout of {len(readout):,} characters · load average " + " ".join(f"{n:.2f}" for n in os.getloadavg()))

    if args.without_checks:
        from luoshi.meetings import views

        views._check_rows = lambda readout, review: None  # type: ignore[assignment]  # the page without the checks

    client = Client()
    client.force_login(User.objects.get(username="supervisor"))
    url = "/meetings/from-readout/"
    whole, whole_cpu = [], []
    for _ in range(args.runs + 1):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(url, {"step": "extract", "text": readout})
        whole.append(time.perf_counter() - started)
        whole_cpu.append(time.process_time() - cpu)
        assert response.status_code == 200, response.status_code
    directives = [d.text for d in extract(readout, directory=extracting.directory_from_db()).directives]
    checks, checks_cpu = [], []
    for _ in range(args.runs + 1):
        started, cpu = time.perf_counter(), time.process_time()
        earlier_demands(directives, before=dt.date(2022, 11, 15))
        for text in directives:
            review.gaps(text, "zh")
        checks.append(time.perf_counter() - started)
        checks_cpu.append(time.process_time() - cpu)
    print(f"{len(directives)} directives under review" + (" (page timed without the checks)" if args.without_checks else ""))
    for label, wall, cpu in (("whole review request", whole, whole_cpu), ("the checks alone", checks, checks_cpu)):
        print(f"{label:<21} wall median {statistics.median(wall[1:]) * 1000:.0f} ms (max {max(wall[1:]) * 1000:.0f}), "
              f"CPU median {statistics.median(cpu[1:]) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
