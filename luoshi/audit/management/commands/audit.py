from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi import lib
from luoshi.audit import chain, services
from luoshi.lib import LuoshiError


def _read_anchor(path: str) -> chain.Anchor:
    try:
        return chain.Anchor.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    except OSError as error:
        raise CommandError(f"cannot read the anchor {path}: {error.strerror}") from None
    except ValueError as error:
        raise CommandError(f"{path}: {error}") from None


class Progress:
    """A one-line progress bar on stderr when it is a terminal (events checked, rate, percent)."""

    def __init__(self, stream: Any, enabled: bool) -> None:
        self.stream, self.enabled, self.started = stream, enabled, time.perf_counter()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        elapsed = max(time.perf_counter() - self.started, 1e-6)
        share = done / total if total else 1.0
        bar = "#" * int(30 * share)
        self.stream.write(f"\r[{bar:<30}] {share:6.1%}  {done:,}/{total:,} events  {done / elapsed:,.0f}/s")
        self.stream.flush()

    def end(self) -> None:
        if self.enabled:
            self.stream.write("\n")


class Command(BaseCommand):
    help = (
        "Seal, anchor and check the keyed audit chain. "
        "Examples: luoshi audit verify  |  luoshi audit verify --since /srv/anchors/2026-06-30.json  |  "
        "luoshi audit anchor --out /mnt/offsite/luoshi-anchor-$(date +%F).json  |  "
        "luoshi audit anchor --post https://anchors.example.org/luoshi  |  luoshi audit seal"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal", "anchor"],
                            help="verify: walk the chain and check its head and anchors; seal: chain the events "
                                 "written since the last seal now; anchor: print (or --out) the signed head")
        parser.add_argument("--anchor", action="append", default=[], metavar="FILE",
                            help="verify: the trail must still extend this anchor (may repeat)")
        parser.add_argument("--since", metavar="FILE",
                            help="verify: walk only from this anchor on (a daily check after a full one)")
        parser.add_argument("--out", metavar="FILE", help="anchor: write the anchor to FILE instead of printing it")
        parser.add_argument("--post", metavar="URL",
                            help="anchor: POST it as JSON to URL (HTTPS, no internal address unless allow-listed, "
                                 "as for webhooks), e.g. a receiver the audit administrator keeps off-site")
        parser.add_argument("--no-progress", action="store_true", help="verify: no progress bar")
        parser.add_argument("--no-seal", action="store_true",
                            help="verify: check the sealed part as it is, without sealing first, and report the "
                                 "unsealed tail (how many events, the oldest one's age): is the sealer keeping up?")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action != "verify" and (options["anchor"] or options["since"] or options["no_seal"]):
            raise CommandError("--anchor, --since and --no-seal go with verify.")
        if action != "anchor" and (options["out"] or options["post"]):
            raise CommandError("--out and --post go with anchor.")
        if action == "seal":
            self.stdout.write(f"sealed {services.seal_pending():,} events")
            return
        if action == "anchor" and options["post"]:
            try:
                anchor = services.send_anchor(options["post"])
            except LuoshiError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(f"anchor of event {anchor.seq} sent to {options['post']}")
            if not options["out"]:
                return
        if action == "anchor":
            anchor = services.current_anchor()
            if options["out"]:
                path = Path(options["out"]).expanduser()
                path.write_text(anchor.dumps(), encoding="utf-8")
                self.stdout.write(f"anchor of event {anchor.seq} written to {path}")
            else:
                self.stdout.write(anchor.dumps(), ending="")
            return
        anchors = [_read_anchor(path) for path in options["anchor"]]
        since = _read_anchor(options["since"]) if options["since"] else None
        progress = Progress(sys.stderr, not options["no_progress"] and sys.stderr.isatty())
        started = time.perf_counter()
        report = services.verify_chain(seal=not options["no_seal"], since=since, anchors=anchors, progress=progress)
        progress.end()
        elapsed = time.perf_counter() - started
        if not report.ok:
            where = f" at event #{report.broken_event_id}" if report.broken_event_id is not None else ""
            raise CommandError(f"BROKEN{where}: {report.problem} ({report.checked} events before it are intact)")
        scope = f" since event {since.seq}" if since else ""
        self.stdout.write(f"OK: {report.checked} events{scope}, chain intact, head {report.sealed} "
                          f"({elapsed:.1f} s, {report.checked / max(elapsed, 1e-6):,.0f} events/s)")
        if report.unsealed and report.oldest_unsealed is not None:
            age = (lib.now() - report.oldest_unsealed).total_seconds()
            self.stdout.write(f"  {report.unsealed} newer events not sealed yet, the oldest from "
                              f"{report.oldest_unsealed:%Y-%m-%d %H:%M:%S %Z} ({age:,.0f} s ago)")
