from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.audit.services import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail. Example: luoshi audit verify"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="verify: walk the hash chain from its start")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"BROKEN at event #{report.broken_event_id}: {report.problem} "
                f"({report.checked} events before it are intact)"
            )
        self.stdout.write(f"OK: {report.checked} events, chain intact")
