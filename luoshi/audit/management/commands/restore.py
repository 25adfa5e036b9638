from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `luoshi backup` into an EMPTY database and files directory. "
        "Everything is checked on a staging copy first (the manifest's signature with the audit key, the "
        "schema against the migrations, the audit chain); on any problem it refuses and changes nothing. "
        "Example: LUOSHI_DATA_DIR=/srv/luoshi-new luoshi migrate && "
        "LUOSHI_DATA_DIR=/srv/luoshi-new luoshi restore /srv/backups/luoshi-2026-06-30"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the backup directory (it holds manifest.json)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = restore(Path(options["path"]).expanduser().resolve())
        except BackupError as error:
            raise CommandError(str(error)) from None
        manifest = outcome.manifest
        self.stdout.write(f"Restored the backup of {manifest['created_at']} from {outcome.path}")
        self.stdout.write(f"OK: {manifest['verified_events']} audit events, chain intact, "
                          f"head {manifest['audit_chain']['last_mac']}")
        if manifest.get("secret_key_included"):
            self.stdout.write(f"The backup holds the secret key in {outcome.path / 'secret_key'}: set "
                              "LUOSHI_SECRET_KEY_FILE to it to keep sessions and signed links valid.")
