"""A real process for test_concurrency.py: writes audit events the way business transactions do,
or seals in a loop the way the worker does, against the test database.

    python -m luoshi.audit.tests.concurrent_child write WRITER COUNT
    python -m luoshi.audit.tests.concurrent_child seal-until FILE
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    os.environ["LUOSHI_AUDIT_SEAL_ON_COMMIT"] = "False"  # the sealer process seals, as the worker does
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = os.environ["LUOSHI_TEST_DATABASE_NAME"]
    import django

    django.setup()


def write(writer: int, count: int) -> None:
    """`count` transactions, each recording one event, as services do."""
    from django.db import transaction

    from luoshi.audit.services import record_event
    from luoshi.units.models import Unit

    unit = Unit.objects.order_by("id").first()
    for n in range(count):
        with transaction.atomic():
            record_event(None, "concurrency_test", unit, after={"writer": writer, "n": n})
    print(f"wrote {count}")


def seal_until(stop: Path) -> None:
    from luoshi.audit.services import seal_pending

    sealed = 0
    while not stop.exists():
        sealed += seal_pending()
        time.sleep(0.05)
    print(f"sealed {sealed}")


if __name__ == "__main__":
    _setup()
    if sys.argv[1] == "write":
        write(int(sys.argv[2]), int(sys.argv[3]))
    else:
        seal_until(Path(sys.argv[2]))
