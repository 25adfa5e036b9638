from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi import lib
from luoshi.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database (with the audit chain), the uploaded files and a "
        "manifest into a new directory, while Luoshi keeps running. The secret key is left out unless "
        "--with-secret-key. Examples: luoshi backup  |  luoshi backup /srv/backups/luoshi-2026-06-30"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="a new, empty directory (default: DATA_DIR/backups/luoshi-TIME)")
        parser.add_argument("--with-secret-key", action="store_true",
                            help="also save the secret key (keep such a backup as safe as the key itself)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        if not path:
            path = settings.DATA_DIR / "backups" / f"luoshi-{lib.now():%Y%m%d-%H%M%S}"
        try:
            outcome = backup(Path(path).expanduser().resolve(), with_secret_key=options["with_secret_key"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        chain = outcome.manifest["audit_chain"]
        self.stdout.write(f"Backup written to {outcome.path}")
        self.stdout.write(f"  audit events: {chain['count']}, chain head {chain['last_mac']} (manifest signed with the audit key)")
        self.stdout.write(f"  secret key included: {'yes' if outcome.manifest['secret_key_included'] else 'no'}")
        store = outcome.manifest["file_store"]
        if store["kind"] == "s3":
            self.stdout.write(self.style.WARNING(
                f"  uploaded files: NOT in this backup; they stay in the S3 bucket {store['bucket']}, which its "
                "own versioning or replication must back up (docs/deployment.md)"))
