from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from luoshi.web.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = ("Create the database, load the demo province (Liaoning, the canonical meeting, "
            "tasks in every state) and serve it. Example: luoshi demo --load-only")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--load-only", action="store_true", help="load the demo data, do not serve")
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", verbosity=0)
        users = load_demo()
        self.stdout.write(f"Demo province loaded into {settings.DATABASES['default']['NAME']}.")
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for user in users:
            self.stdout.write(f"  {user.username:<12} {user.role:<11} {user.unit or '':<9} {user.name}")
        if not options["load_only"]:
            self.stdout.write(f"Serving on http://{options['addrport']}/  (Ctrl-C to stop)")
            call_command("runserver", options["addrport"], use_reloader=False, insecure_serving=True)
