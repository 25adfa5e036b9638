from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from luoshi.tasks.counts import mend
from luoshi.tasks.relight import refresh


def _bar(done: int, total: int) -> None:
    """One plain line on stderr, rewritten in place."""
    share = min(1.0, done / total) if total else 1.0
    filled = int(share * 30)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} tasks read ")
    sys.stderr.flush()


class Command(BaseCommand):
    help = ("Recompute every open task's status light, in short batches that never make a writer wait. "
            "Example: luoshi lights")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        result = refresh(progress=None if options["quiet"] else _bar)
        if not options["quiet"]:
            sys.stderr.write("\n")
        wrong = mend()
        self.stdout.write(f"{result.changed} lights changed, {result.rewritten} reasons rewritten, "
                          f"{result.read} tasks read in {result.seconds:.1f} s"
                          + (f"; {result.busy} tasks held by a writer were left to it" if result.busy else "")
                          + (f"; {wrong} drifted dashboard counts recounted" if wrong else ""))
