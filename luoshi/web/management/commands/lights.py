from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from luoshi.tasks.services import refresh_lights


class Command(BaseCommand):
    help = "Recompute every open task's status light. Example: luoshi lights"

    def handle(self, *args: Any, **options: Any) -> None:
        changed = refresh_lights()
        self.stdout.write(f"{changed} lights changed")
