from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from luoshi.search.indexing import reindex


class Command(BaseCommand):
    help = ("Rebuild the full-text search index from the data (safe to repeat; needed after a bulk "
            "load that bypassed the services, or after moving units). Example: luoshi reindex")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reindex()
        summary = ", ".join(f"{kind} {n}" for kind, n in counts.items())
        self.stdout.write(f"Indexed {sum(counts.values())} documents: {summary}")
