from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.lib import InvalidInput
from luoshi.testing.generate import generate


def _bar(done: int, total: int, rows: int, seconds: float) -> None:
    """One plain line on stderr, rewritten in place."""
    share = done / total if total else 1.0
    filled = int(share * 30)
    rate = rows / seconds if seconds else 0.0
    eta = (seconds / share - seconds) if share else 0.0
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} tasks · {rows:,} rows · "
                     f"{rate:,.0f} rows/s · {eta:,.0f} s left ")
    sys.stderr.flush()


class Command(BaseCommand):
    help = ("Generate a realistic province-year (meetings, directives, tasks, reports, urges, audit events, "
            "their search index) for benchmarks and load tests; never on a production database. "
            "Example: luoshi generate --tasks 100000")
    requires_system_checks: list[str] = []  # writes data only; the URL and template checks do not matter

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tasks", type=int, required=True, help="how many tasks (10,000 to 1,000,000 is typical)")
        parser.add_argument("--seed", type=int, default=2022, help="random seed (the same seed, the same year)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = generate(options["tasks"], seed=options["seed"], progress=None if options["quiet"] else _bar)
        except InvalidInput as error:
            raise CommandError(str(error)) from None
        if not options["quiet"]:
            sys.stderr.write("\n")
        self.stdout.write(
            f"{result.tasks:,} tasks, {result.meetings:,} meetings, {result.reports:,} reports, "
            f"{result.urges:,} urges, {result.audit_events:,} audit events, {result.search_documents:,} search "
            f"documents: {result.rows:,} rows in "
            f"{result.seconds:,.1f} s ({result.rows_per_second:,.0f} rows/s)"
        )
        self.stdout.write("statuses: " + ", ".join(f"{k} {v:,}" for k, v in sorted(result.statuses.items())))
        self.stdout.write("lights: " + ", ".join(f"{k} {v:,}" for k, v in sorted(result.lights.items())))
